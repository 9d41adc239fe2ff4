"""An article's analysis, done once whichever extractor read it: its language, its kind, the
organisations it names and the MoU it reports. It runs where the extraction does, in a worker
process off the crawl's thread (scrapers.extract.extractors.read_article); only what needs the
archive (dating an undated page's MoU against its first fetch) is left to the pipelines."""

from __future__ import annotations

from collections.abc import Iterable

from scrapers.analysis.language import SAMPLE_CHARS, detect_language
from scrapers.analysis.records import annotate
from scrapers.items import ArticleItem


def analyse(item: ArticleItem, sample_chars: int = SAMPLE_CHARS) -> ArticleItem:
    item.lang = detect_language(item.title, item.text or "", sample_chars)
    return annotate(item)


def analyse_all(
    items: Iterable[ArticleItem], sample_chars: int = SAMPLE_CHARS
) -> list[ArticleItem]:
    """Several articles in one go (the posts of a WordPress API page): one trip to a worker."""
    return [analyse(item, sample_chars) for item in items]
