"""Downloader middlewares for keeping to a source's hosts, for what a server asks and for what
it gets wrong: requests that bypass Scrapy's offsite filter still keep to the source's
domains, a 429 or 503's Retry-After is waited for before the retry, and redirects that
never arrive (a loop, an endless chain) fail with a reason of their own.

Failures are exceptions whose class name the spiders' errback counts (`failed/RedirectLoop`,
`failed/TooManyRedirects`, `failed/RetryAfterTooLong`).
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self
from urllib.parse import urldefrag, urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import redirect, robotstxt
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from scrapers.sources import in_domains

logger = logging.getLogger(__name__)


# Requests that Scrapy declines on purpose (its IgnoreRequest message says why): skips, not
# failures.
DECLINED = (("robots.txt", "robots"), ("offsite", "offsite"))


def declined(failure_message: str) -> str | None:
    """ "robots" or "offsite" for a request Scrapy declined on purpose, else None."""
    return next((name for marker, name in DECLINED if marker in failure_message), None)


def over_size_cap(failure: Failure) -> bool:
    """Scrapy cancels a download over the cap with a message where it knew the size ahead
    (Content-Length), without one where it found out while receiving, and ignores a body
    that outgrew the cap while being decompressed."""
    message = str(failure.value)
    if failure.check(DownloadCancelledError):
        return not message or "max size" in message
    return bool(failure.check(IgnoreRequest)) and "DOWNLOAD_MAXSIZE" in message


class RetryAfterTooLong(Exception):
    pass


class RedirectLoop(Exception):
    pass


class TooManyRedirects(Exception):
    pass


class ListingLeftTheSite(Exception):
    pass


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> int | None:
    """Seconds to wait by a Retry-After header (delay-seconds or an HTTP date, RFC 9110
    10.2.3), 0 for a date past; None when absent or unreadable."""
    text = (value.decode("latin-1") if isinstance(value, bytes) else value or "").strip()
    if text.isdigit():
        return int(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, math.ceil((when - (now or datetime.now(UTC))).total_seconds()))


class AllowedHostsMiddleware:
    """Every request keeps to the source's allowed domains, also one that bypasses the
    duplicate filter (dont_filter: documents, fetched once a crawl by DocumentFetcher; SPSE's
    pages), which Scrapy's offsite filter lets through, and also after a redirect (the
    redirected request inherits dont_filter). Documents (`document` in their meta) may also
    come from the hosts the source's `document_hosts` option names, whose robots.txt is then
    read and obeyed: Scrapy filters a robots.txt request outside allowed_domains as offsite,
    which reads as "all allowed". Before the offsite filter (50) and robots.txt (100).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        allowed = list(getattr(spider, "allowed_domains", None) or [])
        if not allowed:  # as in Scrapy's offsite filter: no domains, no limit
            return
        source = getattr(spider, "source", None)
        extra = list(source.options.get("document_hosts") or []) if source else []
        if request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt"):
            if in_domains(request.url, extra) and not in_domains(request.url, allowed):
                request.meta["allow_offsite"] = True
            return
        document = "document" in request.meta
        if not (document or request.dont_filter) or request.meta.get("allow_offsite"):
            return  # Scrapy's offsite filter sees to it
        if in_domains(request.url, [*allowed, *extra] if document else allowed):
            return
        host = urlsplit(request.url).hostname
        redirected = request.meta.get("redirect_urls")
        raise IgnoreRequest(
            f"Filtered offsite request to {host!r}: outside the source's allowed domains"
            + (" and document_hosts" if document else "")
            + (f", redirected from {redirected[0]}" if redirected else "")
        )


class UnreadableRobotsTxt(logging.Filter):
    """Drops Scrapy's traceback for a robots.txt it could not download: RobotsTxtMiddleware
    below says it in one counted line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and str(record.msg).startswith("Error downloading"))


class RobotsTxtMiddleware(robotstxt.RobotsTxtMiddleware):
    """Scrapy's, except that a robots.txt that cannot be downloaded (a host that hangs, a
    refused connection) is one warning line and one count, `warnings/robots_unreadable`,
    not an error with a traceback. As in Scrapy, the host is then crawled as if its
    robots.txt allowed everything."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        robots_logger = logging.getLogger(robotstxt.__name__)
        if not any(isinstance(f, UnreadableRobotsTxt) for f in robots_logger.filters):
            robots_logger.addFilter(UnreadableRobotsTxt())

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if not isinstance(exc, IgnoreRequest):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("procarchive/warnings/robots_unreadable")
            logger.warning(
                "robots.txt of %s not read: %s (%s); crawled as if it allowed everything",
                netloc, exc, type(exc).__name__,
            )  # fmt: skip
        super()._robots_error(exc, netloc)


class RetryAfterMiddleware:
    """Before RetryMiddleware retries a 429 or 503 that says when to come back, wait that
    long; a wait over PROCARCHIVE_RETRY_AFTER_MAX gives up instead.

    The wait holds this response only, never the reactor: other requests go on meanwhile.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.max_wait = settings.getfloat("PROCARCHIVE_RETRY_AFTER_MAX")
        self.max_retry_times = settings.getint("RETRY_TIMES")
        retried = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.statuses = {429, 503} & retried if settings.getbool("RETRY_ENABLED") else set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in self.statuses or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        retries = request.meta.get("max_retry_times", self.max_retry_times)
        if wait is None or request.meta.get("retry_times", 0) >= retries:
            return response  # retried at once, or given up, as usual
        if wait > self.max_wait:
            raise RetryAfterTooLong(
                f"HTTP {response.status} with Retry-After {wait} s, longer than the "
                f"{self.max_wait:g} s a retry may wait (PROCARCHIVE_RETRY_AFTER_MAX)"
            )
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("procarchive/warnings/retry_after")
        logger.warning(
            "HTTP %d with Retry-After %d s at %s: retrying then", response.status, wait, request.url
        )
        await sleep(wait)
        return response


async def sleep(seconds: float) -> None:
    """A wait on whichever event loop the crawl runs (asyncio or Twisted's reactor)."""
    done: Deferred[None] = Deferred()
    call_later(seconds, done.callback, None)
    await maybe_deferred_to_future(done)


class RedirectMiddleware(redirect.RedirectMiddleware):
    """Scrapy's, except that:
    - a redirect back to a URL the chain has visited (twice, for a request that bypasses the
      duplicate filter) is a RedirectLoop: the duplicate filter would drop it silently, or
      with dont_filter it would go round until REDIRECT_MAX_TIMES;
    - a chain over REDIRECT_MAX_TIMES is TooManyRedirects, not an anonymous IgnoreRequest;
    - a listing page redirected off the source's domains is ListingLeftTheSite (the offsite
      filter would drop it without a word, and the listing would pass for complete)."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        try:
            result = super().process_response(request, response)
        except IgnoreRequest as exc:
            if "max redirections" not in str(exc):
                raise
            first = [*request.meta.get("redirect_urls", []), request.url][0]
            raise TooManyRedirects(
                f"more than {self.max_redirect_times} redirects from {first}"
            ) from None
        if isinstance(result, Request):
            chain = [*request.meta.get("redirect_urls", []), request.url]
            allowed = list(getattr(self.crawler.spider, "allowed_domains", None) or [])
            if result.meta.get("revalidate") and allowed and not in_domains(result.url, allowed):
                # Scrapy's offsite filter would drop it without a word: a listing page lost.
                raise ListingLeftTheSite(f"the listing page {chain[0]} redirects to {result.url}")
            # A request the duplicate filter would drop on its way back is a loop at once; one
            # that bypasses it may come back once (a site that sets a cookie and sends the
            # client back to the page asked for), not twice.
            visits = [urldefrag(url).url for url in chain].count(urldefrag(result.url).url)
            if visits >= (2 if request.dont_filter else 1):
                raise RedirectLoop("redirect loop: " + " -> ".join([*chain, result.url]))
        return result
