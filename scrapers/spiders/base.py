"""What every source spider shares: its registry entry, requests whose failures are counted
and logged with a reason, and guards that turn an unreadable body into a counted reason
instead of an exception."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.ids import article_id
from scrapers.analysis.language import SAMPLE_CHARS
from scrapers.budget import SHINGLES_META, Trapped
from scrapers.documents import DocumentFetcher
from scrapers.extract.encoding import mend_mojibake, redecode
from scrapers.extract.extractors import Reading, read_article
from scrapers.extract.feeds import FeedEntry
from scrapers.extract.pages import looks_truncated
from scrapers.items import ArticleItem, GoneItem, ListingItem, SeenItem
from scrapers.offload import WorkerPool
from scrapers.politeness import declined, over_size_cap
from scrapers.sources import LIVE_REGISTRY, Source, load_registry


class SourceSpider(scrapy.Spider):
    """A spider run for one registry entry, passed as the `source` argument."""

    def __init__(self, source: Source | str, *args: Any, registry: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(source, str):  # `scrapy crawl` and Scrapyd pass spider arguments as text
            source = load_registry(Path(registry) if registry else LIVE_REGISTRY)[source]
        self.source = source
        self.allowed_domains = list(source.allowed_domains)
        self.start_urls = list(source.start_urls)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        spider.pool = WorkerPool(crawler.settings.getint("PROCARCHIVE_EXTRACT_WORKERS"))
        crawler.signals.connect(spider.pool.close, signal=signals.spider_closed)
        return spider

    pool: WorkerPool  # article pages are read and analysed in its processes (started on use)

    async def read(self, html: str, url: str, entry: FeedEntry | None = None) -> Reading:
        """The page as this spider's template reads it (scrapers.extract.extractors), and the
        article's analysis, in a worker process: off the crawl's thread."""
        settings = self.crawler.settings
        sample_chars = settings.getint("PROCARCHIVE_LANGUAGE_SAMPLE_CHARS", SAMPLE_CHARS)
        return await self.pool.run(
            read_article, self.name, html, url, self.source, sample_chars, entry
        )

    def request_dropped(self, request: scrapy.Request) -> None:
        """A listing page the scheduler refused (its redirect led to a page already fetched)
        was not read: the listing is incomplete."""
        redirected = request.meta.get("redirect_urls")
        if request.meta.get("revalidate") and redirected:  # not a page asked for twice
            self.count("failed_listing")
            self.count("failed/listing_dropped")
            self.logger.warning(
                "Failed %s: it led to %s, already fetched this crawl (listing_dropped)",
                redirected[0], request.url,
            )  # fmt: skip

    def request(self, url: str, callback: Callable[..., Any], **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.request_failed, **kwargs)

    def listing_request(
        self, url: str, callback: Callable[..., Any], **kwargs: Any
    ) -> scrapy.Request:
        """A listing, feed or sitemap page: revalidated against the archive's copy."""
        return self.request(url, callback, meta={"revalidate": True}, **kwargs)

    def article_request(
        self, url: str, callback: Callable[..., Any], hint: str | None = None
    ) -> scrapy.Request:
        """An article page, with the listing's change hint for it (a date), if any."""
        meta = {"article": True, "hint": hint, "handle_httpstatus_list": [304]}
        return self.request(url, callback, meta=meta)

    def request_failed(self, failure: Failure) -> Iterator[Any]:
        """One count and one log line a request that failed for good (after retries); an
        article gone from the site (404, 410) becomes an item."""
        request = failure.request  # type: ignore[attr-defined]
        if isinstance(failure.value, HttpError):
            status = failure.value.response.status
            reason = f"http_{status}"
            if request.meta.get("article") and status in (404, 410):
                capture = failure.value.response.meta.get("capture_id")
                yield GoneItem(request.url, self.source.name, reason, capture)
        elif failure.check(Trapped):  # counted where the trap was found
            return
        elif over_size_cap(failure):
            reason = "too_large"
        elif failure.check(IgnoreRequest):
            message = str(failure.value)
            skipped = declined(message)
            if skipped:
                if request.meta.get("revalidate"):  # a listing page not read: incomplete
                    self.count("failed_listing")
                self.count(f"skipped/{skipped}")
                self.logger.info("Not fetched %s: %s", request.url, message)
                return
            reason = "ignored"
        else:
            reason = type(failure.value).__name__
        if request.meta.get("revalidate"):
            self.count("failed_listing")  # the listing is incomplete: no "unlisted" verdicts
        self.count(f"failed/{reason}")
        tries = request.meta.get("retry_times", 0) + 1
        after = f" after {tries} tries" if tries > 1 else ""
        self.logger.warning(
            "Failed %s%s: %s (%s)", request.url, after, failure.getErrorMessage(), reason
        )

    def paged_listing(
        self,
        response: Response,
        read: Callable[[str, str], Any],
        parse_listing: Callable[..., Any],
        parse_article: Callable[..., Any],
        first: bool,
        hints: dict[str, str] | None = None,
    ) -> Iterator[Any]:
        """A paginated news listing as `read(html, url)` parses it (its pages go to
        `parse_listing`, its articles to `parse_article`): its articles (with the
        change hints a sitemap gave), then from the first page every page its pager shows,
        fetched side by side, and from the others the next page (a pager may show only a
        window of pages)."""
        html = self.page_text(response)
        if html is None:
            self.count("failed_listing")
            return
        listing = read(html, response.url)
        if not listing.article_urls:
            self.listing_failed(response, "empty_listing", "a listing page without articles")
            return
        if looks_truncated(html):
            self.listing_failed(response, "truncated_listing", "the listing page is cut short")
        yield ListingItem(self.source.name, response.url, listing.article_urls)
        for url in listing.article_urls:
            yield self.article_request(url, parse_article, hint=(hints or {}).get(url))
        pages = [*(listing.page_urls if first else []), *filter(None, [listing.next_url])]
        cb_kwargs = {"hints": hints} if hints is not None else {}
        for url in dict.fromkeys(pages):
            yield self.listing_request(url, parse_listing, cb_kwargs=cb_kwargs)

    def listing_failed(self, response: Response, reason: str, message: str) -> None:
        """A listing page that came but cannot be trusted whole: a counted failure, and no
        article of the source is called unlisted on this crawl's word."""
        self.count("failed_listing")
        self.fail(response, reason, message)

    def page_text(self, response: Response) -> str | None:
        """The response's text, or None (counted and logged) when it is not a text page."""
        if not isinstance(response, TextResponse):
            self.skip(response, "not_text", "the body is not text")
            return None
        if not response.body.strip():
            self.skip(response, "empty_body", "the body is empty")
            return None
        content_type = response.headers.get("Content-Type")
        repaired = redecode(
            response.body,
            response.text,
            response.encoding,
            content_type.decode("latin-1") if content_type else None,
        )
        text = response.text
        if repaired is not None:
            self.count("warnings/wrong_charset")
            self.logger.warning(
                "Wrong charset at %s: %s (declared or guessed) does not read it, read as %s",
                response.url, response.encoding, repaired[0],
            )  # fmt: skip
            text = repaired[1]
        mended = mend_mojibake(text)
        if mended is not None:
            self.count("warnings/mojibake")
            self.logger.warning(
                "Mojibake at %s: text that was once decoded with the wrong charset, mended",
                response.url,
            )
            text = mended
        return text

    async def article(
        self, response: Response, entry: FeedEntry | None = None
    ) -> AsyncIterator[Any]:
        """The page's article as this spider's template reads it, if any."""
        if response.status == 304:  # revalidated: the archived copy is current
            yield SeenItem([response.url], self.source.name)
            return
        html = self.page_text(response)
        if html is None:
            return
        reading = await self.read(html, response.url, entry)
        item = reading.item
        if item is None:
            self.skip(response, "no_article", "no article text found")
            return
        yield self.provenance(item, response, reading)
        for request in self.attachments(reading, item.url):
            yield request

    def provenance(
        self, item: ArticleItem, response: Response, reading: Reading | None = None
    ) -> ArticleItem:
        """The item with how it was fetched: its capture, the listing's change hint, the URL
        it was read at and the URLs that redirected there; the shingles the worker took of
        its page go on to the trap check (scrapers.budget) in the response's meta."""
        if reading is not None and reading.item is item and reading.shingles is not None:
            response.meta[SHINGLES_META] = (item, reading.shingles)
        item.capture_id = response.meta.get("capture_id")
        item.source_updated = response.meta.get("hint")
        item.page_url = response.url
        item.redirected_from = response.meta.get("redirect_urls")
        return item

    def attachments(self, reading: Reading, page_url: str) -> Iterator[Any]:
        """Requests for the documents an article links to (fetched once a crawl), as the
        worker that read the page found them."""
        parent = article_id(page_url)
        for url, text in reading.attachments:
            yield from self.documents.request(url, "article", parent, text or None)

    @cached_property
    def documents(self) -> DocumentFetcher:
        return DocumentFetcher(self, self.crawler.settings)

    async def parse_document(self, response: Response) -> AsyncIterator[Any]:
        async for item in self.documents.parse(response):
            yield item

    def document_failed(self, failure: Failure) -> Iterator[Any]:
        yield from self.documents.failed(failure)

    def fail(self, response: Response, reason: str, message: str) -> None:
        """A response that came but cannot be used where the crawl needs it: an error."""
        self.count(f"failed/{reason}")
        self.logger.warning("Failed %s: %s (%s)", response.url, message, reason)

    def skip(self, response: Response, reason: str, message: str) -> None:
        self.count(f"skipped/{reason}")
        self.logger.warning("Skipped %s: %s (%s)", response.url, message, reason)

    def count(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"procarchive/{key}", count)
