"""Store the notices, vanished notices and documents a crawl finds, in batches
(pipelines.batches)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import Crawler

from archive.articles import now
from archive.documents import write_documents
from archive.ids import notice_id
from archive.notices import mark_notices_gone, mark_notices_seen, write_notices
from pipelines.batches import BatchedStore
from scrapers.items import DocumentItem, NoticeGoneItem, NoticeItem, NoticeSeenItem


@dataclass
class NoticeBatch:
    notices: list[NoticeItem] = field(default_factory=list)
    gone: list[tuple[str, str, str | None]] = field(default_factory=list)  # id, reason, capture
    seen: list[str] = field(default_factory=list)  # ids of settled notices not fetched
    documents: list[DocumentItem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.notices) + len(self.gone) + len(self.seen) + len(self.documents)


class NoticesPipeline(BatchedStore[NoticeBatch]):
    """Runs before or after StorePipeline alike: the crawl's id is the session's."""

    failure = "notice_write"

    writes_archive = True  # not run by `procarchive extract`

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.held_batch = NoticeBatch()

    def process_item(self, item: Any) -> Any:
        batch = self.held_batch
        if isinstance(item, NoticeItem):
            batch.notices.append(item)
        elif isinstance(item, NoticeGoneItem):
            identifier = notice_id(item.lpse, item.category, item.package_code)
            batch.gone.append((identifier, item.reason, item.capture_id))
        elif isinstance(item, DocumentItem):
            batch.documents.append(item)
        elif isinstance(item, NoticeSeenItem):
            batch.seen.extend(item.ids)
        else:
            return item
        self.added()
        return item

    def held(self) -> int:
        return len(self.held_batch)

    def take(self, last: bool) -> NoticeBatch:
        batch, self.held_batch = self.held_batch, NoticeBatch()
        return batch

    def write(self, batch: NoticeBatch) -> None:
        assert self.db is not None
        crawl_id = self.session.crawl_id
        if batch.notices:
            for outcome, count in write_notices(self.db, batch.notices, crawl_id).items():
                self.count(f"items_{outcome}", count)
                self.count(f"notices_{outcome}", count)
        if batch.gone:
            count = mark_notices_gone(self.db, batch.gone, crawl_id, now())
            self.count("items_gone", count)
            self.count("notices_gone", count)
        if batch.seen:
            count = mark_notices_seen(self.db, batch.seen, crawl_id, now())
            self.count("items_unchanged", count)
            self.count("notices_unchanged", count)
        if batch.documents:
            for outcome, count in write_documents(self.db, batch.documents, crawl_id).items():
                self.count(f"documents_{outcome}", count)

    def count(self, key: str, count: int) -> None:
        self.stats.inc_value(f"procarchive/{key}", count)
