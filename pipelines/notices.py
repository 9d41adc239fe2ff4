"""Store the notices, vanished notices and documents a crawl finds, in batches."""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from sqlite_utils import Database

from pipelines.archive import CrawlArchive
from pipelines.document_writes import write_documents
from pipelines.notice_writes import mark_notices_gone, mark_notices_seen, notice_id, write_notices
from pipelines.writes import now
from scrapers.items import DocumentItem, NoticeGoneItem, NoticeItem, NoticeSeenItem


class NoticesPipeline:
    """After StorePipeline, which opens the crawl's row in `crawls`: counts go to its stats."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.batch_size = crawler.settings.getint("PROCARCHIVE_BATCH_SIZE")
        self.notices: list[NoticeItem] = []
        self.gone: list[tuple[str, str]] = []
        self.documents: list[DocumentItem] = []
        self.seen: list[str] = []
        self.db: Database | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        self.db = CrawlArchive.of(self.crawler).db

    def process_item(self, item: Any) -> Any:
        if isinstance(item, NoticeItem):
            self.notices.append(item)
        elif isinstance(item, NoticeGoneItem):
            identifier = notice_id(item.lpse, item.category, item.package_code)
            self.gone.append((identifier, item.reason))
        elif isinstance(item, DocumentItem):
            self.documents.append(item)
        elif isinstance(item, NoticeSeenItem):
            self.seen.extend(item.ids)
        else:
            return item
        if (
            len(self.notices) + len(self.gone) + len(self.documents) + len(self.seen)
            >= self.batch_size
        ):
            self.flush()
        return item

    def close_spider(self) -> None:
        self.flush()

    def flush(self) -> None:
        if self.db is None:
            return
        stats = self.crawler.stats
        assert stats is not None
        crawl_id = stats.get_value("procarchive/crawl_id")
        if self.notices:
            for outcome, count in write_notices(self.db, self.notices, crawl_id).items():
                stats.inc_value(f"procarchive/items_{outcome}", count)
                stats.inc_value(f"procarchive/notices_{outcome}", count)
        if self.gone:
            count = mark_notices_gone(self.db, self.gone, crawl_id, now())
            stats.inc_value("procarchive/items_gone", count)
            stats.inc_value("procarchive/notices_gone", count)
        if self.seen:
            count = mark_notices_seen(self.db, self.seen, crawl_id, now())
            stats.inc_value("procarchive/items_unchanged", count)
            stats.inc_value("procarchive/notices_unchanged", count)
        if self.documents:
            for outcome, count in write_documents(self.db, self.documents, crawl_id).items():
                stats.inc_value(f"procarchive/documents_{outcome}", count)
        self.notices, self.gone, self.documents, self.seen = [], [], [], []
