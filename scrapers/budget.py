"""A crawl's budget and its trap detection: what keeps a site that never ends (a feed that
always has a next page, a calendar, a pager counting on) from keeping a crawl going.

A spider middleware after the incremental skip, so it counts what will be fetched:

  budget/pages          requests a crawl makes, of every kind (pages, listings, documents)
  budget/new_articles   articles not yet archived a crawl fetches; once spent, no further
                        listing page is read either (it could only name more)
  budget/listing_depth  listing pages followed one from another (a pager's hops)
  trap/no_new_links     a chain of listing pages naming no article URL its kind of page had
                        not named already, TRAP_STALE_PAGES in a row: a counter that grows
                        without new content
  trap/near_identical   an article page whose text (numbers aside) is that of
                        TRAP_SAME_TEXT pages already read at URLs of the same shape (a
                        calendar's days): neither it nor more URLs of that shape are kept

The defaults are settings (PROCARCHIVE_BUDGET_*), and a source's `budget:` entry in
sources.yml overrides them. Each reason is counted for every request or page it stops and
said once in the log; the walk is then incomplete (no article is called unlisted on its
word), and the crawl ends `limited` or `trapped` with a sentence saying why
(archive/health.py). A listing page's ListingItem comes before the listing requests it
yields (every spider yields it first): that is how its further pages know it was fresh.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Set
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from archive.session import CrawlSession
from scrapers.analysis.shingles import page_shingles
from scrapers.items import ArticleItem, ListingItem

logger = logging.getLogger(__name__)

BUDGETS = {
    "pages": "PROCARCHIVE_BUDGET_PAGES",
    "new_articles": "PROCARCHIVE_BUDGET_NEW_ARTICLES",
    "listing_depth": "PROCARCHIVE_BUDGET_LISTING_DEPTH",
}
SHINGLES_META = "procarchive_shingles"  # (item, its page's shingles), set by the spider
SAME_TEXT = 0.9  # Jaccard similarity of word shingles, numbers aside: the same page
DIGITS = re.compile(r"\d+")
SPENT = {
    "pages": "{n} requests made, the most a crawl makes",
    "new_articles": "{n} new articles fetched, the most a crawl fetches",
    "listing_depth": "listing pages followed {n} deep, the deepest a crawl follows",
}


@dataclass(frozen=True)
class Budget:
    pages: int
    new_articles: int
    listing_depth: int
    stale_pages: int  # trap/no_new_links after this many listing pages without new links
    same_text: int  # trap/near_identical after this many pages of one shape and text

    @classmethod
    def of(cls, settings: BaseSettings, overrides: dict[str, int]) -> Self:
        limits = {
            name: int(overrides.get(name) or settings.getint(key)) for name, key in BUDGETS.items()
        }
        return cls(
            **limits,
            stale_pages=settings.getint("PROCARCHIVE_TRAP_STALE_PAGES"),
            same_text=settings.getint("PROCARCHIVE_TRAP_SAME_TEXT"),
        )


def url_shape(url: str) -> str:
    """The URL with its numbers (path and query values) as N and its query keys sorted:
    /agenda/2026/12/03 and /agenda/2027/01/01 are one shape, /read/bu/<slug> another each."""
    parts = urlsplit(url)
    query = sorted((key, DIGITS.sub("N", value)) for key, value in parse_qsl(parts.query, True))
    return f"{parts.netloc}{DIGITS.sub('N', parts.path)}?{query}"


def similar(a: Set[int], b: Set[int]) -> bool:
    """Jaccard similarity of at least SAME_TEXT. The union's size is counted, not built, and
    texts whose sizes alone keep them below it (the share cannot pass smaller/larger) are
    not intersected: an article is compared with up to 16 texts of its URL's shape."""
    if not (a or b):
        return False
    smaller, larger = sorted((len(a), len(b)))
    if smaller / larger < SAME_TEXT:
        return False
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) >= SAME_TEXT


def read_shingles(item: ArticleItem, response: Response | None) -> frozenset[int] | None:
    """The shingles the extraction worker took of this item's page (the spider hands them
    on in the response's meta, SHINGLES_META, with the item they are of)."""
    if response is None:
        return None
    read = response.meta.get(SHINGLES_META)
    return read[1] if read is not None and read[0] is item else None


class Trapped(IgnoreRequest):
    """A queued request of a shape found to be a trap after it was scheduled (counted)."""


class TrapGateMiddleware:
    """Downloader middleware: article requests already queued when their URL shape was
    found to be a trap (a calendar's days are asked for side by side) are not fetched."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._trapped: set[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def trapped(self) -> set[str]:
        """The shapes CrawlBudgetMiddleware found to be traps (built after this middleware,
        so found on first use); none without it."""
        if self._trapped is None:
            budget = self.crawler.get_spider_middleware(CrawlBudgetMiddleware)
            self._trapped = budget.trapped if budget is not None else set()
        return self._trapped

    def process_request(self, request: Request) -> None:
        if request.meta.get("article") and url_shape(request.url) in self.trapped:
            self.crawler.stats.inc_value("procarchive/trap/near_identical")
            raise Trapped(f"trap/near_identical: {request.url}")


class CrawlBudgetMiddleware(BaseSpiderMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.budget: Budget | None = None
        self.requests = 0
        self.new_articles = 0
        self.named: dict[str, set[str]] = {}  # a kind of listing page -> article URLs named
        self.texts: dict[str, list[tuple[frozenset[int], int]]] = {}  # shape -> (text, pages)
        self.trapped: set[str] = set()  # URL shapes of near-identical pages (TrapGateMiddleware)
        self.said: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Any) -> None:
        source = getattr(spider, "source", None)
        self.budget = Budget.of(self.crawler.settings, getattr(source, "budget", None) or {})

    # Requests

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        assert self.budget is not None
        listing = bool(request.meta.get("revalidate"))
        if listing:
            parent = (
                response.meta if response is not None and response.meta.get("revalidate") else {}
            )
            depth = parent.get("listing_depth", 0) + 1 if parent else 0
            stale = (
                0
                if not parent or parent.get("procarchive_fresh")
                else parent.get("stale_pages", 0) + 1
            )
            request.meta.update(listing_depth=depth, stale_pages=stale)
            if self.new_articles >= self.budget.new_articles:
                return self.stop(request, "budget/new_articles", self.new_articles)
            if depth > self.budget.listing_depth:
                return self.stop(request, "budget/listing_depth", self.budget.listing_depth)
            if stale >= self.budget.stale_pages:
                return self.stop(request, "trap/no_new_links", stale)
        elif request.meta.get("article"):
            if url_shape(request.url) in self.trapped:
                return self.stop(request, "trap/near_identical")
            if self.is_new(request.url):
                if self.new_articles >= self.budget.new_articles:
                    return self.stop(request, "budget/new_articles", self.new_articles)
                self.new_articles += 1
        if self.requests >= self.budget.pages:
            return self.stop(request, "budget/pages", self.requests)
        self.requests += 1
        return request

    def is_new(self, url: str) -> bool:
        session = CrawlSession.of(self.crawler)
        return session.aliases.article_id(url) not in session.index.articles

    def stop(self, request: Request, reason: str, figure: int = 0) -> Request | None:
        """Not made: counted, and said once a crawl with what was spent."""
        stats = self.crawler.stats
        assert stats is not None and self.budget is not None
        stats.inc_value(f"procarchive/{reason}")
        if reason in self.said:
            return None
        self.said.add(reason)
        stats.inc_value("procarchive/failed_listing")  # the walk is incomplete
        kind, name = reason.split("/")
        source = getattr(getattr(self.crawler.spider, "source", None), "name", "")
        if kind == "budget":
            why = SPENT[name].format(n=figure)
            advice = f"raise budget.{name} of the source in sources.yml if the site is that large"
        elif name == "no_new_links":
            why = f"{figure} listing pages in a row named no article not named before"
            advice = "a pager or calendar counting on without new content"
        else:
            why = f"{self.budget.same_text} pages at URLs shaped like {request.url} read the same"
            advice = "a calendar or generated pages; no more of that shape are fetched"
        logger.warning(
            "%s: %s (%s): %s; first not fetched: %s", source, why, reason, advice, request.url
        )
        return None

    # Items

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        assert self.budget is not None
        if isinstance(item, ListingItem) and response is not None:
            kind = getattr(response.request.callback, "__name__", "") if response.request else ""
            named = self.named.setdefault(kind, set())
            fresh = any(
                u not in named and url_shape(u) not in self.trapped for u in item.article_urls
            )
            named.update(item.article_urls)
            response.meta["procarchive_fresh"] = fresh or response.meta.get(
                "procarchive_fresh", False
            )
        if not isinstance(item, ArticleItem):
            return item
        if response is not None and not response.meta.get("article") and self.is_new(item.url):
            self.new_articles += 1  # read from an API page, not fetched on its own
        return None if self.near_identical(item, read_shingles(item, response)) else item

    def near_identical(self, item: ArticleItem, text: frozenset[int] | None = None) -> bool:
        """`text`: the page's shingles, if the worker that read it took them already."""
        assert self.budget is not None
        shape = url_shape(item.page_url or item.url)
        if shape in self.trapped:
            self.stop_item(item, shape)
            return True
        if text is None:
            text = page_shingles(item.title, item.text)
        clusters = self.texts.setdefault(shape, [])
        for index, (seen, pages) in enumerate(clusters):
            if similar(text, seen):
                clusters[index] = (seen, pages + 1)
                if pages + 1 > self.budget.same_text:
                    self.trapped.add(shape)
                    self.stop_item(item, shape)
                    return True
                return False
        if len(clusters) < 16:  # a shape's first texts are enough to tell a trap
            clusters.append((text, 1))
        return False

    def stop_item(self, item: ArticleItem, shape: str) -> None:
        self.stop(Request(item.page_url or item.url), "trap/near_identical")
