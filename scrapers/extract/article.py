"""Any article page, whatever its template: the generic extractor's result as an item."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin

from parsel import Selector

from scrapers.extract import generic
from scrapers.extract.dates import WIB, parse_date
from scrapers.extract.text import clean_author, join_paragraphs, split_reference, strip_site_suffix
from scrapers.items import ArticleItem

JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')
# Machine-readable publication times that carry the time of day, which htmldate drops.
PUBLISHED = (
    "meta[property='article:published_time']::attr(content), "
    "time.published::attr(datetime), time.entry-date::attr(datetime), "
    "abbr.published::attr(title), [itemprop=datePublished]::attr(content), "
    "[itemprop=datePublished]::attr(datetime)"
)


def parse_item(
    html: str | bytes, url: str, source: str, offset: str = WIB, site_names: Iterable[str] = ()
) -> ArticleItem | None:
    found = generic.parse_article(html, url)
    if found is None:
        return None
    text = html if isinstance(html, str) else html.decode("utf-8", "replace")
    paragraphs, reference = split_reference(found.text.split("\n\n"))
    names = [*site_names, found.sitename or ""]
    return ArticleItem(
        url=urljoin(url, found.canonical_url) if found.canonical_url else url,
        source=source,
        title=strip_site_suffix(found.title, names) if found.title else None,
        text=join_paragraphs(paragraphs),
        published_at=published_at(text, found.published, offset),
        author=clean_author(found.author),
        reference=reference,
    )


def published_at(html: str, found: str | None, offset: str) -> str | None:
    """The first machine-readable publication time that parses (they carry the time of
    day and the offset), else the date the generic extractor found."""
    candidates = [
        *JSON_LD_PUBLISHED.findall(html),
        *Selector(text=html).css(PUBLISHED).getall(),
        found,
    ]
    for candidate in candidates:
        parsed = parse_date(candidate, offset)
        if parsed:
            return parsed
    return None
