"""What an article is about (scrapers.analysis.records), unless its extraction worker
already said: the generic extractor annotates in its worker process, off the crawl's thread.

An undated page's MoU is dated here, where the archive is at hand: a date written without a
year ("Senin (4/11)") resolves against the day the archive first fetched the page. That day
is the same on every re-crawl, so a crawl years later does not move the date to a later year.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Self

from scrapy.crawler import Crawler

from archive.session import CrawlSession
from scrapers.analysis.records import annotate, read_signing
from scrapers.extract.dates import local_day
from scrapers.items import ArticleItem


class ClassifyPipeline:
    def __init__(self, crawler: Crawler | None = None) -> None:
        self.crawler = crawler  # None outside a crawl: this fetch is the first

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        if item.agencies is None:
            annotate(item)
        if item.kind == "mou" and not item.published_at:
            read_signing(item, self.first_fetched_on(item))
        return item

    def first_fetched_on(self, item: ArticleItem) -> date | None:
        """The day of the page's first fetch (in WIB, as the sites write dates): its first
        sighting in the archive, else this fetch (item.fetched_at)."""
        first = item.fetched_at
        if self.crawler is not None and item.id:
            db = CrawlSession.of(self.crawler).db
            row = db.execute(
                "SELECT first_seen_at FROM articles WHERE id = ?", [item.id]
            ).fetchone()
            first = row[0] if row else first
        return local_day(first)
