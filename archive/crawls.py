"""The `crawls` table: one row a crawl, opened when it starts, its figures when it ends."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from archive.articles import now
from archive.health import crawl_health, cut_short


def open_crawl(db: Database, run_id: str, source: str, spider: str) -> int:
    """A `running` row for a crawl of `source`; its id. A crawl of the source still
    `running` was killed (crawls hold a lock, so none is running now): `interrupted`."""
    with db.atomic():
        db.execute(
            "UPDATE crawls SET status = 'interrupted' WHERE source = ? AND status = 'running'",
            [source],
        )
        cursor = db.execute(
            "INSERT INTO crawls (run_id, source, spider, started_at, status) "
            "VALUES (?, ?, ?, ?, 'running')",
            [run_id, source, spider, now()],
        )
    identifier = cursor.lastrowid
    assert identifier is not None
    return identifier


def finish_crawl(db: Database, crawl_id: int, summary: dict[str, Any]) -> None:
    with db.atomic():
        db.table("crawls").update(crawl_id, {"finished_at": now(), **summary})


def earlier_yields(db: Database, source: str, before: int, runs: int) -> list[int]:
    """Articles yielded (new, changed, unchanged) by the source's last `runs` successful
    crawls before crawl `before`, newest first."""
    rows = db.execute(
        "SELECT items_new + items_changed + items_unchanged FROM crawls "
        "WHERE source = ? AND status = 'ok' AND id < ? ORDER BY id DESC LIMIT ?",
        [source, before, runs],
    ).fetchall()
    return [count for (count,) in rows]


def fail_crawl(db: Database, crawl_id: int, reason: str) -> None:
    """A crawl judged failed after the fact (`reason` its finish reason)."""
    with db.atomic():
        db.execute(
            "UPDATE crawls SET status = 'failed', finish_reason = ? WHERE id = ?",
            [reason, crawl_id],
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
    # Rows the archive did not take: the crawl went on, but it is not one that went well.
    # (pipelines/batches.py counts them as failed/<what>_write, or failed/ArchiveUnwritable).
    lost = sum(
        value
        for key, value in stats.items()
        if key.startswith("procarchive/failed/")
        and (key.endswith("_write") or key.endswith("/ArchiveUnwritable"))
    )
    ok = reason == "finished" and fetched_enough and (items > 0 or errors == 0) and not lost
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
