"""Capture every response the crawl receives into WARC files and the `captures` table.

A downloader middleware placed next to the downloader (after Scrapy's own), so it sees
each response as it came off the wire: redirects, errors, robots.txt and 304s included,
bodies still content-encoded. The capture's id travels to the callback in
`response.meta["capture_id"]`, and from there into the rows the page yields.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from pathlib import Path
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.utils.python import to_bytes
from twisted.web.client import URI
from twisted.web.http_headers import Headers as TxHeaders

from archive.captures import write_capture
from archive.connection import WRITE_ERRORS, ArchiveUnwritable, refused_write
from archive.session import CrawlSession
from archive.warc import Exchange, WarcFiles, now_warc_prefix, payload_sha256

logger = logging.getLogger(__name__)


def warc_dir(settings: Any) -> Path:
    configured = settings.get("PROCARCHIVE_WARC_DIR")
    return Path(configured) if configured else Path(settings.get("PROCARCHIVE_DB")).parent / "warcs"


def seen_warc_dirs(settings: Any) -> list[Path]:
    """Where a crawl finds the WARC files its captures name: its own folder, then (a shard
    seeded from the merged archive: archive.seed) the archive's."""
    folders = [warc_dir(settings)]
    if seen := settings.get("PROCARCHIVE_SEEN_DB"):
        configured = settings.get("PROCARCHIVE_SEEN_WARC_DIR")
        folders.append(Path(configured) if configured else Path(seen).parent / "warcs")
    return folders


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def sent_headers(request: Request) -> list[tuple[str, str]]:
    """The request's headers as Scrapy's HTTP/1.1 handler sent them, in the order sent.

    The handler (scrapy/core/downloader/handlers/http11.py) gives Twisted `request.headers`,
    and Twisted adds two that never show on the request: Host last, unless there is one
    (the URL's host, with its port unless the scheme's default: twisted.web.client.Agent),
    and Content-Length right after the request line when there is a body, 0 for a POST or
    PUT without one (twisted.web._newclient.Request.writeTo).
    """
    headers = TxHeaders(request.headers)  # as the handler builds them: Twisted's names
    if not headers.hasHeader(b"Host"):
        uri = URI.fromBytes(to_bytes(request.url))
        default = (uri.scheme, uri.port) in ((b"http", 80), (b"https", 443))
        headers.addRawHeader(b"Host", uri.host if default else b"%b:%d" % (uri.host, uri.port))
    lines = [(name, value) for name, values in headers.getAllRawHeaders() for value in values]
    if request.body or request.method in ("POST", "PUT"):
        lines.insert(0, (b"Content-Length", b"%d" % len(request.body)))
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in lines]


class CaptureMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.directory = warc_dir(crawler.settings)
        self.software = crawler.settings.get("USER_AGENT")
        self.seen: dict[str, tuple[str, str, str]] = {}  # sha256 -> (capture id, uri, date)
        self.files: WarcFiles | None = None
        self.session = CrawlSession.of(crawler)
        self.db: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        source = getattr(getattr(spider, "source", None), "name", spider.name)
        self.files = WarcFiles(self.directory, now_warc_prefix(source), self.software)
        self.db = self.session.db

    def process_response(self, request: Request, response: Response) -> Response:
        if self.files is None:
            return response
        try:
            request.meta["capture_id"] = self.capture(request, response)
        except WRITE_ERRORS as exc:  # a full disk: no page goes on without its capture
            if not refused_write(exc):
                raise
            self.session.write_failed(exc)
            raise ArchiveUnwritable(str(exc)) from exc
        return response

    def capture(self, request: Request, response: Response) -> str:
        """Write the exchange to the WARC and its row to `captures`; its id."""
        assert self.files is not None
        body = response.body
        digest = payload_sha256(body)
        original = self.original(digest) if body else None
        exchange = Exchange(
            url=response.url, method=request.method,
            request_headers=sent_headers(request), status=response.status,
            reason=_reason(response.status), response_headers=header_pairs(response.headers),
            body=body, request_body=request.body,
        )  # fmt: skip
        written = self.files.write(exchange, original[1:] if original else None)
        capture_id = f"{written.warc_file}#{written.offset}"
        if original is None and body and request.method == "GET":
            self.seen[digest] = (capture_id, response.url, written.warc_date)
        row = {
            "id": capture_id,
            "url": response.url,
            "fetched_at": written.warc_date,
            "status": response.status,
            "content_type": (response.headers.get("Content-Type") or b"").decode("latin-1"),
            "payload_sha256": digest,
            "payload_length": len(body),
            "warc_file": written.warc_file,
            "warc_offset": written.offset,
            "warc_length": written.length,
            "record_type": written.record_type,
            "revisit_of": original[0] if original else None,
            "crawl_id": self.session.crawl_id,
            "etag": _header(response, b"ETag"),
            "last_modified": _header(response, b"Last-Modified"),
            "method": request.method,
        }
        write_capture(self.db, row)  # committed before the callback can cite it
        return capture_id

    def original(self, digest: str) -> tuple[str, str, str] | None:
        """The first GET capture of this payload, in this crawl or an earlier one (see
        archive.migrations.capture_methods for why not a POST)."""
        if digest in self.seen:
            return self.seen[digest]
        row = self.db.execute(
            "SELECT id, url, fetched_at FROM captures WHERE payload_sha256 = ? "
            "AND record_type = 'response' AND coalesce(method, 'GET') = 'GET' LIMIT 1",
            [digest],
        ).fetchone()
        if row:
            self.seen[digest] = (row[0], row[1], row[2])
        return self.seen.get(digest)

    def spider_closed(self, spider: Spider) -> None:
        if self.files is not None:
            self.files.close()
            logger.info("Captures written to %s", self.directory / self.files.name)
        self.db = None


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
