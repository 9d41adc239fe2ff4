"""Store articles in the archive, in batches, and record each crawl in `crawls`.

An article is keyed by its id (from the canonical URL). Seen again unchanged, only
last_seen_at and crawl_id move, leaving its full-text entry alone; changed, its previous
state is kept in article_versions before the row is updated. Nothing is overwritten
without a trace, nothing deleted.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from sqlite_utils import Database

from pipelines.archive import open_archive

logger = logging.getLogger(__name__)

ARTICLE_COLUMNS = (
    "id", "url", "source", "title", "published_at", "year", "author", "lang", "kind", "text",
    "reference", "content_hash", "first_seen_at", "last_seen_at", "crawl_id", "capture_id",
)  # fmt: skip
VERSIONED_COLUMNS = ("title", "text", "published_at", "author", "reference", "content_hash")
CONTENT_COLUMNS = ("url", "source", "title", "published_at", "year", "author", "lang", "kind",
                   "text", "reference", "content_hash")  # fmt: skip


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db_path = crawler.settings.get("PROCARCHIVE_DB")
        self.batch_size = crawler.settings.getint("PROCARCHIVE_BATCH_SIZE")
        self.run_id = crawler.settings.get("PROCARCHIVE_RUN_ID") or now()
        self.batch: dict[str, dict[str, Any]] = {}
        self.db: Database | None = None
        self.crawl_id: int | None = None

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
        self.db = open_archive(self.db_path)
        source = getattr(getattr(spider, "source", None), "name", None) or spider.name
        with self.db.conn:
            cursor = self.db.execute(
                "INSERT INTO crawls (run_id, source, spider, started_at, status) "
                "VALUES (?, ?, ?, ?, 'running')",
                [self.run_id, source, spider.name, now()],
            )
        self.crawl_id = cursor.lastrowid
        self.stats.set_value("procarchive/crawl_id", self.crawl_id)

    def process_item(self, item: Any) -> Any:
        row = ItemAdapter(item).asdict()
        published = row.get("published_at") or ""
        row["year"] = int(published[:4]) if published[:4].isdigit() else None
        self.batch[row["id"]] = row  # a page met twice in one batch is stored once, latest
        if len(self.batch) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        self.flush()

    def flush(self) -> None:
        if not self.batch or self.db is None:
            return
        rows, self.batch = list(self.batch.values()), {}
        counts = write_articles(self.db, rows, self.crawl_id)
        for outcome, count in counts.items():
            self.stats.inc_value(f"procarchive/items_{outcome}", count)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.db is None or self.crawl_id is None:
            return
        self.flush()
        summary = crawl_summary(self.stats.get_stats(), reason)
        with self.db.conn:
            self.db.table("crawls").update(self.crawl_id, {"finished_at": now(), **summary})
        logger.info("Crawl %s of %s: %s", self.crawl_id, spider.name, summary)
        self.db.close()
        self.db = None


def write_articles(
    db: Database, rows: list[dict[str, Any]], crawl_id: int | None
) -> dict[str, int]:
    """Insert new articles, version changed ones, touch unchanged ones: one transaction."""
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    ids = [row["id"] for row in rows]
    marks = ",".join("?" * len(ids))
    with db.conn:
        previous = {
            row["id"]: row for row in db.query(f"SELECT * FROM articles WHERE id IN ({marks})", ids)
        }
        for row in rows:
            seen_at = row.get("fetched_at") or now()
            old = previous.get(row["id"])
            if old is None:
                values = {
                    **row,
                    "first_seen_at": seen_at,
                    "last_seen_at": seen_at,
                    "crawl_id": crawl_id,
                }
                db.execute(
                    f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})",
                    [values.get(c) for c in ARTICLE_COLUMNS],
                )
                counts["new"] += 1
            elif old["content_hash"] == row["content_hash"]:
                db.execute(
                    "UPDATE articles SET last_seen_at = ?, crawl_id = ?, capture_id = ? WHERE id = ?",
                    [seen_at, crawl_id, row.get("capture_id"), row["id"]],
                )
                counts["unchanged"] += 1
            else:
                db.execute(
                    "INSERT INTO article_versions (article_id, title, text, published_at, author, "
                    "reference, content_hash, first_seen_at, last_seen_at, superseded_at, crawl_id, "
                    "capture_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [row["id"], *(old[c] for c in VERSIONED_COLUMNS), old["first_seen_at"],
                     old["last_seen_at"], seen_at, old["crawl_id"], old["capture_id"]],
                )  # fmt: skip
                db.execute(
                    f"UPDATE articles SET {', '.join(f'{c} = ?' for c in CONTENT_COLUMNS)}, "
                    "last_seen_at = ?, crawl_id = ?, capture_id = ? WHERE id = ?",
                    [
                        *(row.get(c) for c in CONTENT_COLUMNS),
                        seen_at,
                        crawl_id,
                        row.get("capture_id"),
                        row["id"],
                    ],
                )
                counts["changed"] += 1
    return counts


def crawl_summary(stats: dict[str, Any], reason: str) -> dict[str, Any]:
    """The crawls row's figures from Scrapy's stats.

    Errors are requests that failed for good (one each, counted by the spiders' errback:
    HTTP errors after retries, timeouts, DNS and connection failures, oversized bodies),
    exceptions in callbacks, and unreadable feeds. Skips (not text, empty, robots.txt) and
    drops are reasons too, listed in error_reasons, but not errors."""
    reasons = {
        key.split("/", 1)[1]: value
        for key, value in stats.items()
        if key.startswith(("procarchive/failed/", "procarchive/skipped/", "procarchive/dropped/",
                           "procarchive/warnings/", "spider_exceptions/"))
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
    ok = reason == "finished" and fetched > 0 and (items > 0 or errors == 0)
    return {
        "status": "ok" if ok else "failed",
        "finish_reason": reason,
        "pages_fetched": fetched,
        "items_new": stats.get("procarchive/items_new", 0),
        "items_changed": stats.get("procarchive/items_changed", 0),
        "items_unchanged": stats.get("procarchive/items_unchanged", 0),
        "items_dropped": stats.get("item_dropped_count", 0),
        "errors": errors,
        "error_reasons": json.dumps(reasons, sort_keys=True) if reasons else None,
    }
