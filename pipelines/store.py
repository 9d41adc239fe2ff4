"""Store what a crawl finds, in batches, and record each crawl in `crawls`.

Articles are upserted by id (see archive.articles); articles found current without a
fetch or a parse are marked seen; 404/410 answers and articles a complete listing no
longer names are marked gone. Nothing is overwritten without a trace, nothing deleted.
A URL that a listing names, or that answered 304 or 404, is the article it was read at
before (archive.aliases); 404s are marked when the crawl ends, so that an article met
alive at another of its URLs is not gone.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any, Self
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from sqlite_utils import Database

from archive.aliases import PageAliases
from archive.articles import (
    mark_gone,
    mark_seen,
    mark_unlisted,
    now,
    refresh_agencies,
    unlisted,
    write_articles,
    write_records,
)
from archive.connection import WRITE_ERRORS, refused_write
from archive.health import crawl_health, cut_short
from archive.session import CrawlArchive
from scrapers.analysis.agencies import gazetteer
from scrapers.items import ArticleItem, GoneItem, ListingItem, SeenItem

logger = logging.getLogger(__name__)


def article_row(item: ArticleItem) -> dict[str, Any]:
    """An article item as the archive's writes take it."""
    row = ItemAdapter(item).asdict()
    published = row.get("published_at") or ""
    row["year"] = int(published[:4]) if published[:4].isdigit() else None
    row["agency_counts"] = row.get("agencies") or {}
    row["agencies"] = json.dumps(list(row["agency_counts"]), ensure_ascii=False)
    return row


class StorePipeline:
    writes_archive = True  # not run by `procarchive extract`

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.batch_size = crawler.settings.getint("PROCARCHIVE_BATCH_SIZE")
        self.run_id = crawler.settings.get("PROCARCHIVE_RUN_ID") or now()
        self.articles: dict[str, dict[str, Any]] = {}
        self.seen: list[str] = []
        self.gone: list[tuple[str, str]] = []
        self.listed: set[str] = set()  # every article id a listing named or the crawl met
        # Each listing walk (a listing's URL without its query): the ids it named, and the
        # number of articles it says it holds, where it says so.
        self.walked: dict[str, set[str]] = {}
        self.totals: dict[str, int] = {}
        self.db: Database | None = None
        self.crawl_id: int | None = None
        self.source = ""
        self.aliases = PageAliases.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def open_spider(self) -> None:
        spider = self.crawler.spider
        assert spider is not None
        self.db = CrawlArchive.of(self.crawler).db
        self.source = getattr(getattr(spider, "source", None), "name", None) or spider.name
        with self.db.conn:
            # A crawl still "running" was killed (crawls hold a lock, so none is running now).
            self.db.execute(
                "UPDATE crawls SET status = 'interrupted' WHERE source = ? AND status = 'running'",
                [self.source],
            )
            cursor = self.db.execute(
                "INSERT INTO crawls (run_id, source, spider, started_at, status) "
                "VALUES (?, ?, ?, ?, 'running')",
                [self.run_id, self.source, spider.name, now()],
            )
        self.crawl_id = cursor.lastrowid
        self.stats.set_value("procarchive/crawl_id", self.crawl_id)
        refresh_agencies(self.db, gazetteer().agencies.values())

    def process_item(self, item: Any) -> Any:
        # Every article this crawl met or a listing named is "listed": not unlisted.
        if isinstance(item, ListingItem):
            named = {self.aliases.article_id(url) for url in item.article_urls}
            self.listed.update(named)
            walk = urlsplit(item.page_url)._replace(query="", fragment="").geturl()
            self.walked.setdefault(walk, set()).update(named)
            if item.total is not None:
                self.totals[walk] = max(self.totals.get(walk, 0), item.total)
            self.stats.inc_value("procarchive/listings")
            return item
        if isinstance(item, SeenItem):
            identifiers = [self.aliases.article_id(url) for url in item.urls]
            self.seen.extend(identifiers)
            self.listed.update(identifiers)
        elif isinstance(item, GoneItem):
            identifier = self.aliases.article_id(item.url)
            self.gone.append((identifier, item.reason))
            self.listed.add(identifier)
            return item  # marked when the crawl ends
        elif isinstance(item, ArticleItem):
            row = article_row(item)
            self.articles[row["id"]] = row  # a page met twice in one batch is stored once
            self.listed.add(row["id"])
        else:
            return item
        if len(self.articles) + len(self.seen) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        self.flush(last=True)

    def flush(self, last: bool = False) -> None:
        """Write the batch (and, with the `last` one, the 404s); one the archive does not take
        is counted (CrawlArchive.batch_failed)."""
        if self.db is None:
            return
        try:
            self.write_batch(last)
        except (sqlite3.Error, OSError) as exc:
            lost = len(self.articles) + len(self.seen) + (len(self.gone) if last else 0)
            self.articles, self.seen = {}, []
            if last:
                self.gone = []
            CrawlArchive.of(self.crawler).batch_failed(exc, lost, "article_write")

    def write_batch(self, last: bool = False) -> None:
        assert self.db is not None
        at = now()
        counts: dict[str, int] = {}
        if self.articles:
            counts = write_articles(self.db, list(self.articles.values()), self.crawl_id)
            write_records(self.db, list(self.articles.values()))
        if self.seen:
            for outcome, count in mark_seen(self.db, self.seen, self.crawl_id, at).items():
                counts[outcome] = counts.get(outcome, 0) + count
        if last and self.gone:
            counts["gone"] = mark_gone(self.db, self.gone, self.crawl_id, at)
            self.gone = []
        self.articles, self.seen = {}, []
        if others := counts.pop("other_source", 0):
            self.stats.inc_value("procarchive/warnings/other_source", others)
            logger.warning(
                "%d pages this crawl of %s read are archived as another source's: left as "
                "that source archived them", others, self.source,
            )  # fmt: skip
        if conflicts := counts.pop("alias_conflict", 0):
            self.stats.inc_value("procarchive/warnings/alias_conflict", conflicts)
        for outcome, count in counts.items():
            self.stats.inc_value(f"procarchive/items_{outcome}", count)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.db is None or self.crawl_id is None:
            return
        self.flush(last=True)
        if reason == "finished" and not self.crawler.settings.getbool("PROCARCHIVE_RESUMED"):
            self.check_totals()  # a stopped or resumed crawl read part of the walk only
        try:
            self.mark_unlisted(reason)
        except WRITE_ERRORS as exc:
            if not refused_write(exc):
                raise
            CrawlArchive.of(self.crawler).write_failed(exc)
        summary = crawl_summary(
            self.stats.get_stats(), reason, self.crawler.settings.getbool("PROCARCHIVE_RESUMED")
        )
        try:
            with self.db.conn:
                self.db.table("crawls").update(self.crawl_id, {"finished_at": now(), **summary})
        except WRITE_ERRORS as exc:  # the row stays "running": the summary says failed
            logger.error("The end of crawl %s could not be recorded: %s", self.crawl_id, exc)
        logger.info("Crawl %s of %s: %s", self.crawl_id, spider.name, summary)
        self.db = None

    def mark_unlisted(self, reason: str) -> None:
        if not self.listed or CrawlArchive.of(self.crawler).unwritable:
            return
        assert self.db is not None
        complete = self.listing_complete(reason)
        missing = unlisted(self.db, self.source, self.listed) if complete else None
        gone, once = mark_unlisted(self.db, self.source, missing, self.listed, self.crawl_id, now())
        self.stats.inc_value("procarchive/items_gone", gone)
        if once:
            self.stats.inc_value("procarchive/warnings/unlisted_once", once)
            logger.warning(
                "%d articles of %s are no longer listed; gone if the next complete "
                "crawl does not list them either", once, self.source,
            )  # fmt: skip

    def check_totals(self) -> None:
        """A walk that named fewer articles than its listing says it holds is incomplete."""
        for walk, total in self.totals.items():
            named = len(self.walked.get(walk, ()))
            if named < total:
                self.stats.inc_value("procarchive/failed/listing_short")
                self.stats.inc_value("procarchive/failed_listing")
                logger.warning(
                    "The listing %s says it holds %d articles; the crawl read %d of them",
                    walk,
                    total,
                    named,
                )

    def listing_complete(self, reason: str) -> bool:
        """Only a finished crawl whose every listing page was read can call a page unlisted."""
        return (
            reason == "finished"
            and not self.crawler.settings.getbool("PROCARCHIVE_RESUMED")
            and bool(self.listed)
            and self.stats.get_value("procarchive/listings", 0) > 0
            and not self.stats.get_value("procarchive/failed_listing")
        )


def crawl_summary(stats: dict[str, Any], reason: str, resumed: bool = False) -> dict[str, Any]:
    """The crawls row's figures from Scrapy's stats.

    Errors are requests that failed for good (one each, counted by the spiders' errback:
    HTTP errors after retries, timeouts, DNS and connection failures, oversized bodies),
    exceptions in callbacks, and unreadable feeds. Skips (not text, empty, robots.txt), drops
    and documents' problems (`documents/encrypted`, ...) are reasons too, listed in
    error_reasons, but not errors."""
    stats = {k: v for k, v in stats.items() if k != "spider_exceptions/count"}  # a total
    reasons = {
        key.split("/", 1)[1]: value
        for key, value in stats.items()
        if key.startswith(("procarchive/failed/", "procarchive/skipped/", "procarchive/dropped/",
                           "procarchive/warnings/", "procarchive/budget/", "procarchive/trap/",
                           "procarchive/documents/", "spider_exceptions/"))
    }  # fmt: skip
    if stats.get("offsite/filtered"):  # Scrapy's offsite filter counts these itself
        reasons["skipped/offsite"] = reasons.get("skipped/offsite", 0) + stats["offsite/filtered"]
    errors = sum(
        value
        for key, value in stats.items()
        if key.startswith(("procarchive/failed/", "spider_exceptions/"))
        or key == "procarchive/skipped/bad_feed"
    )
    fetched = stats.get("response_received_count", 0)
    items = stats.get("item_scraped_count", 0)
    # A resumed crawl may find nothing left to do: its stopped run had fetched it all.
    fetched_enough = fetched > 0 or (resumed and errors == 0)
    ok = reason == "finished" and fetched_enough and (items > 0 or errors == 0)
    health = crawl_health(stats)
    stopped, why = cut_short(stats)
    return {
        "status": (stopped or ("drifted" if health["drift"] else "ok")) if ok else "failed",
        **health,
        "cut_short": why,
        "finish_reason": reason,
        "pages_fetched": fetched,
        "items_new": stats.get("procarchive/items_new", 0),
        "items_changed": stats.get("procarchive/items_changed", 0),
        "items_unchanged": stats.get("procarchive/items_unchanged", 0),
        "items_dropped": stats.get("item_dropped_count", 0),
        "items_gone": stats.get("procarchive/items_gone", 0),
        "bytes_received": stats.get("downloader/response_bytes", 0),
        "errors": errors,
        "error_reasons": json.dumps(reasons, sort_keys=True) if reasons else None,
    }
