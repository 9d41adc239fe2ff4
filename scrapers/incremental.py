"""Nightly crawls that cost little when little has changed.

A downloader middleware with the archive's knowledge, so spiders stay routing-only:

- Listing, feed and sitemap requests (meta "revalidate") are sent conditionally with the
  validators of their last capture; a 304 is answered from the archive's own copy of the
  page (read back from the WARC), so the spider reads its links as usual.
- Article requests (meta "article") whose listing gave a change hint equal to the one
  stored with the article are not sent at all (`Unchanged`: the spider records the article
  as seen); others are sent conditionally and a 304 reaches the callback as "seen".
- A refresh slice (1/PROCARCHIVE_REFRESH_SLICES of the archive, a different slice every
  day) is always revalidated, so silent edits and deletions are found without a full crawl.
"""

from __future__ import annotations

import logging
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes

from pipelines.archive import open_archive
from pipelines.normalize import article_id
from pipelines.warc import read_record
from scrapers.capture import warc_dir

logger = logging.getLogger(__name__)


class Unchanged(IgnoreRequest):
    """The listing says the archived copy of this article is current."""


def in_refresh_slice(identifier: str, slices: int, day: int) -> bool:
    return slices > 0 and zlib.crc32(identifier.encode()) % slices == day % slices


class IncrementalMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.enabled = crawler.settings.getbool("PROCARCHIVE_INCREMENTAL")
        self.slices = crawler.settings.getint("PROCARCHIVE_REFRESH_SLICES")
        self.day = (
            crawler.settings.getint("PROCARCHIVE_REFRESH_DAY") or datetime.now(UTC).toordinal()
        )
        self.warcs = warc_dir(crawler.settings)
        self.db: Any = None
        self.hints: dict[str, tuple[str | None, str | None]] = {}  # id -> (hint, gone_at)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        if not self.enabled:
            return
        self.db = open_archive(self.crawler.settings.get("PROCARCHIVE_DB"))
        source = getattr(getattr(spider, "source", None), "name", spider.name)
        self.hints = {
            row[0]: (row[1], row[2])
            for row in self.db.execute(
                "SELECT id, source_updated, gone_at FROM articles WHERE source = ?", [source]
            )
        }

    def spider_closed(self, spider: Spider) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def process_request(self, request: Request) -> None:
        if self.db is None or request.meta.get("refresh"):
            return
        if request.meta.get("article"):
            identifier = article_id(request.url)
            known = self.hints.get(identifier)
            if known is None:
                return  # new to the archive: fetch it
            refresh = in_refresh_slice(identifier, self.slices, self.day)
            hint, gone_at = known
            if not refresh and not gone_at and hint and hint == request.meta.get("hint"):
                self.count("skipped_unchanged")
                raise Unchanged(f"listed as unchanged since {hint}")
        elif not request.meta.get("revalidate"):
            return
        self.add_validators(request)

    def add_validators(self, request: Request) -> None:
        row = self.db.execute(
            "SELECT etag, last_modified, id FROM captures WHERE url = ? AND status = 200 "
            "ORDER BY fetched_at DESC LIMIT 1",
            [request.url],
        ).fetchone()
        if row is None:
            return
        etag, last_modified, capture_id = row
        if etag:
            request.headers["If-None-Match"] = etag
        if last_modified:
            request.headers["If-Modified-Since"] = last_modified
        if etag or last_modified:
            request.meta["validated_capture"] = capture_id

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 304 or "validated_capture" not in request.meta:
            return response
        self.count("not_modified")
        if not request.meta.get("revalidate"):
            return response  # an article: its callback records it as seen
        return self.archived_copy(request, response)

    def archived_copy(self, request: Request, response: Response) -> Response:
        """The page as last captured, standing in for the 304 that confirmed it."""
        capture_id = request.meta["validated_capture"]
        row = self.db.execute(
            "SELECT warc_file, warc_offset, content_type FROM captures WHERE id = ?", [capture_id]
        ).fetchone()
        _, _, body = read_record(Path(self.warcs) / row[0], row[1])
        headers = Headers({"Content-Type": row[2]} if row[2] else {})
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        request.meta["capture_id"] = capture_id
        return cls(
            url=request.url, status=200, headers=headers, body=body, request=request,
            flags=["archived"],
        )  # fmt: skip

    def count(self, key: str) -> None:
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"procarchive/incremental/{key}")
