"""Store the notices, vanished notices and documents a crawl finds, in batches."""

from __future__ import annotations

import sqlite3
from typing import Any, Self

from scrapy.crawler import Crawler
from sqlite_utils import Database

from archive.articles import now
from archive.documents import write_documents
from archive.ids import notice_id
from archive.notices import mark_notices_gone, mark_notices_seen, write_notices
from archive.session import CrawlArchive
from scrapers.items import DocumentItem, NoticeGoneItem, NoticeItem, NoticeSeenItem


class NoticesPipeline:
    """After StorePipeline, which opens the crawl's row in `crawls`: counts go to its stats."""

    writes_archive = True  # not run by `procarchive extract`

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.batch_size = crawler.settings.getint("PROCARCHIVE_BATCH_SIZE")
        self.notices: list[NoticeItem] = []
        self.gone: list[tuple[str, str, str | None]] = []
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
            self.gone.append((identifier, item.reason, item.capture_id))
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
        notices, gone, seen, documents = self.notices, self.gone, self.seen, self.documents
        self.notices, self.gone, self.seen, self.documents = [], [], [], []
        size = len(notices) + len(gone) + len(seen) + len(documents)
        try:
            self.write(notices, gone, seen, documents)
        except (sqlite3.Error, OSError) as exc:
            CrawlArchive.of(self.crawler).batch_failed(exc, size, "notice_write")

    def write(
        self,
        notices: list[NoticeItem],
        gone: list[tuple[str, str, str | None]],
        seen: list[str],
        documents: list[DocumentItem],
    ) -> None:
        assert self.db is not None
        crawl_id = (
            self.crawler.stats.get_value("procarchive/crawl_id") if self.crawler.stats else None
        )
        if notices:
            for outcome, count in write_notices(self.db, notices, crawl_id).items():
                self.count(f"items_{outcome}", count)
                self.count(f"notices_{outcome}", count)
        if gone:
            count = mark_notices_gone(self.db, gone, crawl_id, now())
            self.count("items_gone", count)
            self.count("notices_gone", count)
        if seen:
            count = mark_notices_seen(self.db, seen, crawl_id, now())
            self.count("items_unchanged", count)
            self.count("notices_unchanged", count)
        if documents:
            for outcome, count in write_documents(self.db, documents, crawl_id).items():
                self.count(f"documents_{outcome}", count)

    def count(self, key: str, count: int) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"procarchive/{key}", count)
