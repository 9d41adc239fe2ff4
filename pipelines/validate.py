"""Drop what is not an article, with a reason that is counted and logged.

Reasons are counted in the crawl's stats (procarchive/dropped/<reason>) and so in the
`crawls` table. With PROCARCHIVE_STRICT (tests) an invalid item raises instead.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from scrapers.items import ArticleItem

logger = logging.getLogger(__name__)


class InvalidItem(ValueError):
    def __init__(self, message: str, reasons: list[str]) -> None:
        super().__init__(message)
        self.reasons = reasons


class Dropped(DropItem):
    """An item not archived, for these reasons (each counted as procarchive/dropped/<reason>)."""

    def __init__(self, message: str, reasons: list[str]) -> None:
        super().__init__(message)
        self.reasons = reasons


def problems(adapter: ItemAdapter, min_text_chars: int) -> list[str]:
    found = []
    if not adapter.get("url"):
        found.append("no_url")
    if not adapter.get("title"):
        found.append("no_title")
    if len(adapter.get("text") or "") < min_text_chars:
        found.append("short_text")
    return found


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.min_text_chars = crawler.settings.getint("PROCARCHIVE_MIN_TEXT_CHARS")
        self.strict = crawler.settings.getbool("PROCARCHIVE_STRICT")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item  # seen, gone and listing records carry no text
        adapter = ItemAdapter(item)
        reasons = problems(adapter, self.min_text_chars)
        if not reasons:
            if not adapter.get("published_at") and self.stats:
                self.stats.inc_value("procarchive/warnings/no_date")
            return item
        message = f"{adapter.get('url')}: {', '.join(reasons)}"
        if self.strict:
            raise InvalidItem(message, reasons)
        if self.stats:
            for reason in reasons:
                self.stats.inc_value(f"procarchive/dropped/{reason}")
            self.stats.inc_value("procarchive/dropped")
        raise Dropped(message, reasons)
