"""Set each article's language (see scrapers.analysis.language), unless extraction already
did: the generic extractor detects it in its worker process, off the crawl's thread."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from scrapers.analysis.language import SAMPLE_CHARS, detect_language
from scrapers.items import ArticleItem


class LanguagePipeline:
    def __init__(self, sample_chars: int = SAMPLE_CHARS) -> None:
        self.sample_chars = sample_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LanguagePipeline:
        return cls(crawler.settings.getint("PROCARCHIVE_LANGUAGE_SAMPLE_CHARS", SAMPLE_CHARS))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item  # seen, gone and listing records carry no text
        adapter = ItemAdapter(item)
        if adapter.get("lang"):
            return item
        text = adapter.get("text") or ""
        adapter["lang"] = detect_language(adapter.get("title"), text, self.sample_chars)
        return item
