"""Nightly crawls that cost little when little has changed.

Two middlewares with the archive's knowledge, so spiders stay routing-only:

- SkipUnchangedMiddleware (spider middleware): an article request (meta "article") whose
  listing gave a change hint equal to the one stored with the article is not scheduled at
  all; the articles a callback skips come out as one SeenItem.
- RevalidateMiddleware (downloader middleware): listing, feed and sitemap requests (meta
  "revalidate") and the remaining article requests for archived pages are sent
  conditionally, with the validators of their last capture. A 304 for a listing is answered
  from the archive's own copy of the page (read back from the WARC), so the spider reads its
  links as usual; a 304 for an article reaches the callback, which records it as seen.
  Documents (meta "document") are revalidated like listings: a 304 is the archived file.
- A refresh slice (1/PROCARCHIVE_REFRESH_SLICES of the archive, a different slice every
  day) is never skipped, only revalidated, so silent edits and deletions are found without
  a full crawl. What needs no fetch is the archive's rule (archive.index), the same for
  notices (the spse_notices spider).

A request's URL is the article it was read at before (archive.aliases), so a page read at
`?m=1` and archived under its rel=canonical is skipped and revalidated at either address.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes
from sqlite_utils import Database

from archive.session import CrawlSession
from archive.warc import read_record
from scrapers.capture import seen_warc_dirs
from scrapers.items import SeenItem

logger = logging.getLogger(__name__)


TRANSFER_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class SkipUnchangedMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.session = CrawlSession.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        skipped: list[str] = []
        yield from (output for output in result if self.passes(output, skipped))
        if skipped:
            yield self.seen(skipped)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        skipped: list[str] = []
        async for output in result:
            if self.passes(output, skipped):
                yield output
        if skipped:
            yield self.seen(skipped)

    def passes(self, output: Any, skipped: list[str]) -> bool:
        """False (and the URL noted in `skipped`) for a request the archive makes needless."""
        if isinstance(output, Request) and self.unchanged(output):
            skipped.append(output.url)
            return False
        return True

    def unchanged(self, request: Request) -> bool:
        """An article request whose listing's change hint is the archived article's."""
        if not request.meta.get("article") or request.meta.get("refresh"):
            return False
        identifier = self.session.aliases.article_id(request.url)
        return self.session.index.article_current(identifier, request.meta.get("hint"))

    def seen(self, urls: list[str]) -> SeenItem:
        self.crawler.stats.inc_value("procarchive/incremental/skipped_unchanged", len(urls))
        return SeenItem(urls, self.session.source)


class RevalidateMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.session = CrawlSession.of(crawler)
        self.incremental = self.session.index.incremental
        self.warcs = seen_warc_dirs(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def db(self) -> Database:
        return self.session.db

    def process_request(self, request: Request) -> None:
        if not self.incremental or request.meta.get("refresh"):
            return
        if request.meta.get("revalidate") or request.meta.get("document"):
            self.add_validators(request)
        elif request.meta.get("article"):
            identifier = self.session.aliases.article_id(request.url)
            if identifier in self.session.index.articles:
                self.add_validators(request, identifier)

    def add_validators(self, request: Request, article: str | None = None) -> None:
        """The validators of the URL's last capture; for an archived `article` never
        captured at this URL (the listing names another of its addresses), those of the
        article's own last capture: a server that finds them current is serving that page."""
        row = self.db.execute(
            "SELECT etag, last_modified, id FROM captures WHERE url = ? AND status = 200 "
            "ORDER BY fetched_at DESC LIMIT 1",
            [request.url],
        ).fetchone()
        if row is None and article is not None:
            row = self.db.execute(
                "SELECT c.etag, c.last_modified, c.id FROM articles a "
                "JOIN captures c ON c.id = a.capture_id WHERE a.id = ? AND c.status = 200",
                [article],
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
        if request.meta.get("revalidate") or request.meta.get("document"):
            return self.archived_copy(request, response)
        return response  # an article: its callback records it as seen

    def archived_copy(self, request: Request, response: Response) -> Response:
        """The page as last captured, standing in for the 304 that confirmed it."""
        capture_id = request.meta["validated_capture"]
        row = self.db.execute(
            "SELECT warc_file, warc_offset, revisit_of FROM captures WHERE id = ?", [capture_id]
        ).fetchone()
        record = read_record(self.warc_file(row[0]), row[1])
        body = record.decoded
        if row[2]:  # a revisit record holds no payload: it is in the capture it repeats
            original = self.db.execute(
                "SELECT warc_file, warc_offset FROM captures WHERE id = ?", [row[2]]
            ).fetchone()
            body = read_record(self.warc_file(original[0]), original[1]).decoded
        # The page's own headers (X-WP-TotalPages, Link ...), less those of its transfer.
        headers = Headers(
            [
                (name, value)
                for name, value in record.headers
                if name.lower() not in TRANSFER_HEADERS
            ]
        )
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        request.meta["capture_id"] = capture_id
        return cls(
            url=request.url, status=200, headers=headers, body=body, request=request,
            flags=["archived"],
        )  # fmt: skip

    def warc_file(self, name: str) -> Path:
        """The first of the crawl's WARC folders holding `name` (the last where none does:
        reading it then fails as a missing file does)."""
        return next((f / name for f in self.warcs if (f / name).is_file()), self.warcs[-1] / name)

    def count(self, key: str) -> None:
        self.crawler.stats.inc_value(f"procarchive/incremental/{key}")
