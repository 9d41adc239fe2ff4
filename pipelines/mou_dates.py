"""Date an undated page's MoU where the archive is at hand: a date written without a year
("Senin (4/11)") resolves against the day the archive first fetched the page. That day is
the same on every re-crawl, so a crawl years later does not move the date to a later year.

The rest of an article's analysis (language, kind, organisations, the MoU itself) is done
where it is extracted, in a worker process (scrapers.analysis.article).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Self

from scrapy.crawler import Crawler

from archive.session import CrawlSession
from scrapers.analysis.records import read_signing
from scrapers.extract.dates import local_day
from scrapers.items import ArticleItem


class MouDatePipeline:
    def __init__(self, crawler: Crawler | None = None) -> None:
        # Without a crawl or an archive (`procarchive extract`) this fetch is the first.
        has_archive = crawler is not None and crawler.settings.get("PROCARCHIVE_DB")
        self.crawler = crawler if has_archive else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem) and item.kind == "mou" and not item.published_at:
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
