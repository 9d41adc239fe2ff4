"""What the store pipelines share: the rows an item brings are held until a batch is full
(PROCARCHIVE_BATCH_SIZE) and written in one go; a batch the archive does not take stops the
crawl or is counted, the same for every table (CrawlSession.batch_failed)."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sized
from typing import Generic, Self, TypeVar

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlite_utils import Database

from archive.session import CrawlSession

Batch = TypeVar("Batch", bound=Sized)


class BatchedStore(ABC, Generic[Batch]):
    failure = "batch_write"  # a lost batch: procarchive/failed/<failure> (ends in _write)

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.session = CrawlSession.of(crawler)
        self.batch_size = crawler.settings.getint("PROCARCHIVE_BATCH_SIZE")
        self.db: Database | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def stats(self) -> StatsCollector:
        return self.crawler.stats

    def open_spider(self) -> None:
        self.db = self.session.db

    def close_spider(self) -> None:
        self.flush(last=True)

    @abstractmethod
    def held(self) -> int:
        """The rows held that count towards a full batch."""

    @abstractmethod
    def take(self, last: bool) -> Batch:
        """The rows held (with the `last` batch, those kept for the end too), handed over:
        once taken they are written or counted lost, never written twice."""

    @abstractmethod
    def write(self, batch: Batch) -> None:
        """Write a batch; what the archive raises is the caller's to count."""

    def added(self) -> None:
        if self.held() >= self.batch_size:
            self.flush()

    def flush(self, last: bool = False) -> None:
        if self.db is None:
            return
        batch = self.take(last)
        if not len(batch):
            return
        try:
            self.write(batch)
        except (sqlite3.Error, OSError) as exc:
            self.session.batch_failed(exc, len(batch), self.failure)
