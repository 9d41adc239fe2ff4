"""`procarchive nightly`: every enabled source, then the post-crawl steps, then a verdict.

A source fails the night when its crawl failed, or when it yielded nothing although it
usually yields articles (a redesigned site, a blocked crawler): both want a person's look.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive.connection import open_archive
from archive.crawls import earlier_yields, fail_crawl
from procarchive.crawl import CrawlResult, crawl
from scrapers.sources import Source

logger = logging.getLogger(__name__)
USUAL_RUNS = 5  # "usually": most of the source's last few successful crawls


def nightly(
    sources: list[Source], db_path: str | Path, overrides: dict[str, Any] | None = None
) -> list[CrawlResult]:
    enabled = [s for s in sources if s.enabled]
    results = crawl(enabled, db_path, overrides, resume=True, optimize=True)
    db = open_archive(db_path, create=False)
    try:
        return [flag_empty(db, result) for result in results]
    finally:
        db.close()


def flag_empty(db: Database, result: CrawlResult) -> CrawlResult:
    """Mark a crawl that yielded no article as failed when the source usually yields some
    (said too of a crawl failed for its own reasons, an empty listing say: it is the news)."""
    yielded = result.items_new + result.items_changed + result.items_unchanged
    if yielded or not result.pages_fetched or result.crawl_id is None:  # nothing was read
        return result
    earlier = earlier_yields(db, result.source, result.crawl_id, USUAL_RUNS)
    if sum(1 for count in earlier if count) * 2 <= len(earlier) or not earlier:
        return result
    logger.error("%s yielded no articles, though it usually does", result.source)
    fail_crawl(db, result.crawl_id, "yielded nothing")
    return replace(result, status="failed", finish_reason="yielded nothing")
