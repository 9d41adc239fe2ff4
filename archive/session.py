"""The crawl's one handle on the archive: one connection shared by the components of a
crawl, and what happens when the archive refuses a write."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from sqlite_utils import Database

from archive.connection import open_archive, refused_write

logger = logging.getLogger(__name__)

T = TypeVar("T")


def one_per_crawler(crawler: Crawler, cls: Callable[[Crawler], T]) -> T:
    """The crawler's single instance of a shared component, made on first request."""
    shared: dict[Any, Any] = crawler.__dict__.setdefault("_procarchive_shared", {})
    if cls not in shared:
        shared[cls] = cls(crawler)
    found: T = shared[cls]
    return found


class CrawlArchive:
    """One connection to the archive for all that a crawl's components read and write.

    Separate connections in one process invalidate each other's page caches on every
    commit; one shared connection (all use is on the reactor's thread) does not. It is
    opened on first use and closed when the crawler's engine stops, after every
    spider_closed handler has written its last rows."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("PROCARCHIVE_DB")
        self._db: Database | None = None
        self.unwritable: str | None = None  # why a write failed, once one has
        crawler.signals.connect(self.close, signal=signals.engine_stopped)

    def write_failed(self, exc: BaseException) -> None:
        """The first write the archive refuses (a full disk, an I/O error, a read-only
        file) stops the crawl: fetching on would only fail every page the same way, and
        lose what it fetched. Later refusals are counted by their callers."""
        if self.unwritable is not None:
            return
        self.unwritable = f"{type(exc).__name__}: {exc}"
        logger.error(
            "The archive at %s cannot be written (%s): the crawl stops; what it fetched "
            "and did not store is fetched again by the next crawl", self.path, exc,
        )  # fmt: skip
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="archive unwritable"))

    def batch_failed(self, exc: sqlite3.Error | OSError, rows: int, what: str) -> None:
        """A batch of `rows` the archive did not take, said once and counted, whoever wrote
        it: a refusal (a full disk) stops the crawl, as `failed/ArchiveUnwritable`; any other
        database error (a value SQLite cannot store, a broken constraint) loses that batch
        only, counted as `failed/<what>`, and the crawl goes on. Either way the pages are in
        the WARC and the next crawl reads them again."""
        stats = self.crawler.stats
        if refused_write(exc):
            if stats is not None:
                stats.inc_value("procarchive/failed/ArchiveUnwritable", rows)
            self.write_failed(exc)
            return
        if stats is not None:
            stats.inc_value(f"procarchive/failed/{what}", rows)
        logger.error("Could not store %d rows (%s): %s: %s", rows, what, type(exc).__name__, exc)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlArchive:
        return one_per_crawler(crawler, cls)

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_archive(self.path)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
