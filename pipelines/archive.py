"""Opening the archive: WAL mode, a busy timeout, the schema up to date."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from sqlite_utils import Database

from pipelines.migrations import migrate


def open_archive(path: str | Path, create: bool = True) -> Database:
    """The archive at `path`, migrated. `create=False` refuses a missing file."""
    if str(path) != ":memory:" and not create and not Path(path).exists():
        raise FileNotFoundError(f"no archive at {path}: run `procarchive crawl` first")
    conn = sqlite3.connect(str(path), timeout=30)
    db = Database(conn)
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    migrate(db)
    return db


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
        self.path = crawler.settings.get("PROCARCHIVE_DB")
        self._db: Database | None = None
        crawler.signals.connect(self.close, signal=signals.engine_stopped)

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
