"""One small loopback server for the bundled sample sites (demo, tests and benchmarks).

Each site gets its own port on 127.0.0.1, so each has its own robots.txt and root like a
real host. Responses are gzipped when the client accepts it, and about half the pages name
no charset in Content-Type: both are cases real servers produce. Every page has an ETag
(articles a Last-Modified too) and conditional GETs get 304 Not Modified. Sites that need
more than a path and a query (POST forms, cookies, headers) override `Site.handle`.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qsl, urlsplit

FORM_TYPE = "application/x-www-form-urlencoded"


class Headers:
    """Request headers; lookups ignore case, as HTTP header names do."""

    def __init__(self, items: dict[str, str] | None = None) -> None:
        self._values = {name.lower(): value for name, value in (items or {}).items()}

    def get(self, name: str, default: str = "") -> str:
        return self._values.get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values


@dataclass
class SampleRequest:
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)  # an urlencoded POST body
    headers: Headers = field(default_factory=Headers)
    cookies: dict[str, str] = field(default_factory=dict)


def parse_cookies(header: str) -> dict[str, str]:
    """`a=1; b=x=y` -> {"a": "1", "b": "x=y"}: values keep any `=` (SPSE's session does)."""
    cookies = {}
    for pair in header.split(";"):
        name, sep, value = pair.strip().partition("=")
        if sep and name:
            cookies[name] = value.strip().strip('"')
    return cookies


@dataclass
class Page:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None  # UTC; sent as Last-Modified
    cut_after: int | None = None  # send this many bytes of the body, then close (a broken transfer)

    @classmethod
    def html(cls, text: str) -> Page:
        return cls(200, "text/html", text.encode("utf-8"))

    @classmethod
    def xml(cls, text: str, content_type: str = "application/atom+xml") -> Page:
        return cls(200, content_type, text.encode("utf-8"))

    @classmethod
    def text(cls, text: str) -> Page:
        return cls(200, "text/plain", text.encode("utf-8"))

    @classmethod
    def error(cls, status: int, message: str) -> Page:
        return cls(status, "text/html", f"<html><body><h1>{message}</h1></body></html>".encode())


class Site:
    """A sample site: maps a path and query to a Page. `base_url` is set when served."""

    base_url = ""

    def handle(self, request: SampleRequest) -> Page:
        """The whole request; GET-only sites just route its path and query."""
        if request.method != "GET":
            return Page.error(405, "Method Not Allowed")
        return self.route(request.path, request.query)

    def route(self, path: str, query: dict[str, str]) -> Page:
        raise NotImplementedError


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._respond(self._request("GET"))

    def do_POST(self) -> None:
        self._respond(self._request("POST"))

    def _request(self, method: str) -> SampleRequest:
        parts = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        form: dict[str, str] = {}
        if self.headers.get_content_type() == FORM_TYPE:
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return SampleRequest(
            method=method,
            path=parts.path,
            query=dict(parse_qsl(parts.query)),
            form=form,
            headers=Headers(dict(self.headers.items())),
            cookies=parse_cookies(self.headers.get("Cookie", "")),
        )

    def _respond(self, request: SampleRequest) -> None:
        try:
            page = self.server.site.handle(request)
        except Exception as exc:  # a bug in a sample site must show, not hang the crawl
            page = Page.error(500, f"sample site error: {exc!r}")
        conditional = request.method == "GET" and page.status == 200
        if conditional and self._not_modified(page):
            self.send_response(304)
            self.send_header("ETag", _etag(page.body))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = page.body
        content_type = page.content_type
        textual = _is_textual(content_type)
        if textual and _names_charset(request.path):
            content_type += "; charset=utf-8"
        headers = {"Content-Type": content_type, **page.headers}
        if conditional:
            headers["ETag"] = _etag(page.body)
            if page.last_modified:
                headers["Last-Modified"] = format_datetime(page.last_modified, usegmt=True)
        encoded = "Content-Encoding" in page.headers  # a page that comes compressed already
        accepted = "gzip" in self.headers.get("Accept-Encoding", "")
        if textual and accepted and not encoded and len(body) > 200:
            body = gzip.compress(body, compresslevel=5, mtime=0)
            headers["Content-Encoding"] = "gzip"
        self.send_response(page.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if page.cut_after is not None:
            self.wfile.write(body[: page.cut_after])
            self.close_connection = True
            return
        self.wfile.write(body)

    def _not_modified(self, page: Page) -> bool:
        """Conditional GET (RFC 9110): If-None-Match wins over If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match:
            return _etag(page.body) in [tag.strip() for tag in if_none_match.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since and page.last_modified:
            try:
                return page.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the crawl logs what matters."""


def _etag(body: bytes) -> str:
    return f'"{hashlib.sha1(body).hexdigest()[:16]}"'


def _is_textual(content_type: str) -> bool:
    """Text, JSON and XML get a charset and gzip; documents (PDF, DOCX) go as they are."""
    return content_type.startswith("text/") or content_type.endswith(("json", "xml"))


def _names_charset(path: str) -> bool:
    return zlib.crc32(path.encode()) % 2 == 0


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: Site, port: int = 0, host: str = "127.0.0.1") -> None:
        super().__init__((host, port), _Handler)
        self.site = site

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet for a client that hung up (a cancelled download); loud for anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class SampleServer:
    """Serve several sites, each on its own loopback port, in background threads; `hosts`
    puts a site on another loopback address (127.0.0.2 plays a second host)."""

    def __init__(
        self,
        sites: dict[str, Site],
        ports: dict[str, int] | None = None,
        hosts: dict[str, str] | None = None,
    ) -> None:
        self.sites = sites
        self.ports = ports or {}
        self.hosts = hosts or {}
        self._servers: list[_SiteServer] = []
        self.urls: dict[str, str] = {}

    def start(self) -> Self:
        for name, site in self.sites.items():
            host = self.hosts.get(name, "127.0.0.1")
            server = _SiteServer(site, self.ports.get(name, 0), host)
            site.base_url = f"http://{host}:{server.server_address[1]}"
            self.urls[name] = site.base_url
            threading.Thread(target=server.serve_forever, daemon=True, name=name).start()
            self._servers.append(server)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
