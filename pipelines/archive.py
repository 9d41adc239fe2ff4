"""Opening the archive: WAL mode, a busy timeout, the schema up to date."""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from sqlite_utils import Database

from pipelines.migrations import migrate

logger = logging.getLogger(__name__)
# What a write to the archive raises when the disk or the file refuses it (refused_write
# tells those from a bug's "no such column").
WRITE_ERRORS = (sqlite3.OperationalError, OSError)
REFUSING_SQLITE = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY,
                   sqlite3.SQLITE_CANTOPEN}  # fmt: skip
REFUSING_ERRNO = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.EACCES}


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of an error (SQLITE_BUSY, SQLITE_FULL, ...), if any."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None  # extended codes share it


def refused_write(exc: BaseException) -> bool:
    """Did the disk or the file refuse the write (full, read-only, an I/O error)?"""
    if isinstance(exc, sqlite3.Error):
        return sqlite_code(exc) in REFUSING_SQLITE
    return isinstance(exc, OSError) and exc.errno in REFUSING_ERRNO


class ArchiveUnwritable(Exception):
    """A write the archive refused; the crawl stops (CrawlArchive.write_failed)."""


class NotAnArchive(ValueError):
    """The file is not an SQLite database, or one that procarchive did not make."""


def open_archive(path: str | Path, create: bool = True) -> Database:
    """The archive at `path`, migrated. `create=False` refuses a missing file; neither
    writes a schema into a file that is not an archive (an empty one, another program's)."""
    if str(path) != ":memory:" and not create and not Path(path).exists():
        raise FileNotFoundError(f"no archive at {path}: run `procarchive crawl` first")
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        check_archive(conn, path, create or str(path) == ":memory:")
    except BaseException:
        conn.close()
        raise
    db = Database(conn)
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    migrate(db)
    return db


def check_archive(conn: sqlite3.Connection, path: str | Path, create: bool) -> None:
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise NotAnArchive(f"{path} is not an SQLite database ({exc})") from None
    if "_migrations" in tables or (create and not tables):
        return
    what = "an empty file" if not tables else f"tables {', '.join(sorted(tables)[:5])}"
    raise NotAnArchive(f"{path} is not a procarchive archive ({what}, no _migrations table)")


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
