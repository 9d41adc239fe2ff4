"""The crawl's one handle on the archive, handed to its spider, middlewares and pipelines.

CrawlSession is a Scrapy extension (EXTENSIONS in scrapers/settings.py); extensions are
built right after the spider and before the engine's middlewares and pipelines, so any of
them finds it with `CrawlSession.of(crawler)` (Crawler.get_extension), the spider from
`start()` on. It owns, for one crawl: the connection all share, the crawl's row in `crawls`
and its id, what the archive holds of the source (page aliases, the index of what needs no
fetch), and what happens when the archive refuses a write.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.utils.defer import deferred_from_coro
from sqlite_utils import Database

from archive.aliases import PageAliases
from archive.articles import now
from archive.connection import WRITE_ERRORS, open_archive, refused_write
from archive.crawls import crawl_summary, finish_crawl, open_crawl
from archive.index import ArchiveIndex
from archive.seed import SeedRefused, seed_shard

logger = logging.getLogger(__name__)

EXTENSION = "archive.session.CrawlSession"


class CrawlSession:
    """One connection to the archive for all that a crawl's components read and write.

    Separate connections in one process invalidate each other's page caches on every
    commit; one shared connection (all use is on the reactor's thread) does not. It is
    opened on first use; the crawl's row is finished and the connection closed when the
    engine stops, after every spider_closed handler has written its last rows."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("PROCARCHIVE_DB")
        self.run_id = crawler.settings.get("PROCARCHIVE_RUN_ID") or now()
        self.unwritable: str | None = None  # why a write failed, once one has
        self.seen_path: str = crawler.settings.get("PROCARCHIVE_SEEN_DB") or ""
        self.unseeded: str | None = None  # why a shard's seen state could not be read
        self.aliases = PageAliases(self)
        self.index = ArchiveIndex(self)
        self.reason: str | None = None  # why the spider closed, once it has
        self._db: Database | None = None
        self._crawl_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        session = cls(crawler)
        crawler.signals.connect(session.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(session.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(session.close, signal=signals.engine_stopped)
        return session

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlSession:
        session = crawler.get_extension(cls)
        if session is None:
            raise RuntimeError(
                f"{EXTENSION} is not among the crawler's EXTENSIONS: the archive's "
                "components need it (scrapers/settings.py enables it)"
            )
        return session

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_archive(self.path)
            if self.seen_path and not self._db.table("crawls").count:  # a new shard
                self.seed(self._db)
        return self._db

    def seed(self, db: Database) -> None:
        """A new shard's start: the source's slice of the merged archive (archive.seed). One
        that cannot be read stops the crawl (spider_opened): crawled without it, the shard
        would hold parts its failed pages left out as if the site had dropped them."""
        if not Path(self.seen_path).exists():  # the first night: nothing merged yet
            self.crawler.stats.set_value("procarchive/seen_state", "none")
            logger.warning(
                "No merged archive at %s yet: shard %s starts empty and every page is new",
                self.seen_path, self.path,
            )  # fmt: skip
            return
        spider = self.crawler.spider
        archived_lpses = getattr(spider, "archived_lpses", None)
        lpses = archived_lpses() if archived_lpses else []
        try:
            counts = seed_shard(db, self.seen_path, self.source, lpses)
        except (SeedRefused, sqlite3.Error) as exc:
            self.unseeded = f"{type(exc).__name__}: {exc}"
            logger.error("The seen state could not be read from %s: %s", self.seen_path, exc)
            return
        self.crawler.stats.set_value("procarchive/seen_state", "seeded")
        copied = ", ".join(f"{table} {n}" for table, n in counts.items() if n)
        logger.info("Shard %s starts from %s: %s", self.path, self.seen_path, copied or "nothing")

    @property
    def source(self) -> str:
        spider = self.crawler.spider
        assert spider is not None
        return getattr(getattr(spider, "source", None), "name", None) or spider.name

    @property
    def crawl_id(self) -> int:
        """The crawl's row in `crawls`, opened by the first component that asks for it, at
        the latest when the spider opens: no component need run before another."""
        if self._crawl_id is None:
            spider = self.crawler.spider
            assert spider is not None
            self._crawl_id = open_crawl(self.db, self.run_id, self.source, spider.name)
        return self._crawl_id

    def spider_opened(self, spider: Spider) -> None:
        """Every crawl has its row, whatever it goes on to fetch; one that cannot be
        written ends the crawl before it fetches anything. The index is read before the
        crawl writes."""
        try:
            self.crawl_id  # noqa: B018 (asking opens the row)
        except WRITE_ERRORS as exc:
            if not refused_write(exc):
                raise
            self.refused(exc)
            raise CloseSpider("archive unwritable") from exc
        if self.unseeded:
            raise CloseSpider("seen state unreadable")
        self.index.open()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.reason = reason

    def write_failed(self, exc: BaseException) -> None:
        """The first write the archive refuses (a full disk, an I/O error, a read-only
        file) stops the crawl: fetching on would only fail every page the same way, and
        lose what it fetched. Later refusals are counted by their callers."""
        if self.unwritable is not None:
            return
        self.refused(exc)
        engine = self.crawler._engine  # None before the crawl starts (Crawler._LateAttribute)
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="archive unwritable"))

    def refused(self, exc: BaseException) -> None:
        self.unwritable = f"{type(exc).__name__}: {exc}"
        logger.error(
            "The archive at %s cannot be written (%s): the crawl stops; what it fetched "
            "and did not store is fetched again by the next crawl", self.path, exc,
        )  # fmt: skip

    def batch_failed(self, exc: sqlite3.Error | OSError, rows: int, what: str) -> None:
        """A batch of `rows` the archive did not take, said once and counted, whoever wrote
        it: a refusal (a full disk) stops the crawl, as `failed/ArchiveUnwritable`; any other
        database error (a value SQLite cannot store, a broken constraint) loses that batch
        only, counted as `failed/<what>`, and the crawl goes on. Either way the pages are in
        the WARC and the next crawl reads them again."""
        stats = self.crawler.stats
        if refused_write(exc):
            stats.inc_value("procarchive/failed/ArchiveUnwritable", rows)
            self.write_failed(exc)
            return
        stats.inc_value(f"procarchive/failed/{what}", rows)
        logger.error("Could not store %d rows (%s): %s: %s", rows, what, type(exc).__name__, exc)

    def finish(self) -> None:
        """The crawl's figures into its row, once its spider has closed."""
        if self._crawl_id is None or self.reason is None or self._db is None:
            return
        stats: dict[str, Any] = self.crawler.stats.get_stats()
        resumed = self.crawler.settings.getbool("PROCARCHIVE_RESUMED")
        summary = crawl_summary(stats, self.reason, resumed)
        try:
            finish_crawl(self._db, self._crawl_id, summary)
        except WRITE_ERRORS as exc:  # the row stays "running": the summary says failed
            logger.error("The end of crawl %s could not be recorded: %s", self._crawl_id, exc)
        spider = self.crawler.spider
        logger.info("Crawl %s of %s: %s", self._crawl_id, spider.name if spider else "", summary)
        self.reason = None

    def close(self) -> None:
        self.finish()
        if self._db is not None:
            self._db.close()
            self._db = None
