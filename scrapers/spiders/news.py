"""Any news site, on markup never seen: its articles found, in this order, through what the
site offers (sitemaps, then feeds, then listing pages read by URL pattern), and read by the
site's own extractor where one is given, else by the source's selectors, else generically.

Each step starts once the previous one's pages are all read (the spider is idle), so an
article keeps the change hint of the first path that names it, night after night. What each
path found and which extractor read each article are counted for the crawl's health
(archive/health.py): a source whose pages no longer look as expected is `drifted`.

Registry options (all optional):
  sitemaps       sitemap URLs (default: robots.txt's Sitemap lines, else /sitemap.xml)
  feeds          feed URLs (default: the start pages' <link rel=alternate> and the endpoints
                 of the platform they show: WordPress /feed/ and its posts API
                 /wp-json/wp/v2/posts, Blogger /feeds/posts/default)
  article_links  a regular expression over URLs: which links of listing pages are articles
                 (and which sitemap URLs); without it, sitemap URLs all count
  listing_pages  {urls: [...], pager: regex}: the listing pages (default: start_urls) and the
                 links that lead to their further pages (default: rel=next, page numbers)
  selectors      {title, body, date, author}: CSS selectors of the article page
  discovery      which paths to use, of [sitemaps, feeds, listings] (default: all)
  max_listing_pages  listing pages a crawl reads at most (a pager trap ends there)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import cached_property
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.gz import gunzip

from scrapers.extract import discovery, wordpress
from scrapers.extract.dates import parse_date
from scrapers.extract.extractors import (
    SELECTORS,
    ListingReading,
    Template,
    read_listing_page,
    template_for,
)
from scrapers.extract.feeds import FeedError, parse_feed
from scrapers.extract.pages import looks_truncated
from scrapers.items import ListingItem, SeenItem
from scrapers.spiders.base import SourceSpider

PATHS = ("sitemaps", "feeds", "listings")
MAX_SITEMAP_DEPTH = 3  # an index of indexes of sitemaps, no deeper
GZIP_MAGIC = b"\x1f\x8b"


class NewsSpider(SourceSpider):
    """Its subclasses are named after a template of scrapers.extract.extractors, whose own
    readers are their fast paths."""

    name = "news"

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    @cached_property
    def template(self) -> Template:
        return template_for(self.name)

    async def read_listing(self, html: str, url: str) -> ListingReading:
        """The listing page as the template's own reader, the URL patterns and the links
        outside <a href> (a board's onclick handlers) read it, in a worker process."""
        return await self.pool.run(
            read_listing_page, self.name, html, url, bool(self.own_extractor),
            self.article_pattern, self.pager_pattern, self.allowed_domains,
        )  # fmt: skip

    # The registry entry's options.

    @cached_property
    def options(self) -> dict[str, Any]:
        return self.source.options

    @cached_property
    def paths(self) -> list[str]:
        chosen = self.options.get("discovery") or PATHS
        return [p for p in PATHS if p in chosen]

    @cached_property
    def article_pattern(self) -> Any:
        return discovery.compile_pattern(self.options.get("article_links"), "article_links")

    @cached_property
    def pager_pattern(self) -> Any:
        listing = self.options.get("listing_pages") or {}
        return discovery.compile_pattern(listing.get("pager"), "listing_pages.pager")

    @cached_property
    def listing_urls(self) -> list[str]:
        listing = self.options.get("listing_pages") or {}
        return list(listing.get("urls") or self.start_urls)

    @cached_property
    def max_sitemaps(self) -> int:
        return self.crawler.settings.getint("PROCARCHIVE_MAX_SITEMAPS", 1000)

    @cached_property
    def max_listing_pages(self) -> int:
        default = self.crawler.settings.getint("PROCARCHIVE_MAX_LISTING_PAGES", 2000)
        return int(self.options.get("max_listing_pages") or default)

    # The walk: one step after another.

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hints: dict[str, str] = {}
        self.named: set[str] = set()  # article URLs some path has named
        self.feeds: dict[str, None] = dict.fromkeys(self.options.get("feeds") or [])
        self.asked: set[str] = set()  # discovery pages requested (feeds may page in circles)
        self.listed_pages: set[str] = set()  # listing pages asked for
        self.read_listings: set[str] = set()  # and read
        self.feed_dates: dict[str, str] = {}  # a feed entry's date, for a page without one
        self.apis: dict[str, None] = {}  # the WordPress posts API a start page names
        self.sitemaps_asked = 0  # sitemaps an index led to
        self.landed: set[str] = set()
        self.steps = [self.feed_step, self.listing_step]
        self.started = False

    async def start(self) -> AsyncIterator[Any]:
        try:
            self.expect()
            for request in self.sitemap_step():
                yield request
        finally:  # an error in the first step must not keep the spider open forever
            self.started = True

    @cached_property
    def own_extractor(self) -> str:
        """The site's own extractor, unless the entry turns it off (`site_extractor: false`:
        its selectors were written for other markup than the live site's)."""
        own = self.template.extractor if self.template.read_own else ""
        return own if self.options.get("site_extractor", True) else ""

    @cached_property
    def expected_extractor(self) -> str:
        return self.own_extractor or (SELECTORS if self.options.get("selectors") else "generic")

    def expect(self) -> None:
        """What the source's pages should show, said in the crawl's stats for its verdict."""
        assert self.crawler.stats is not None
        links = self.options.get("article_links")
        expected = f"article links matching {links}" if links else "article links"
        self.crawler.stats.set_value("procarchive/health/expected", expected)
        self.crawler.stats.set_value(
            "procarchive/health/expected_extractor", self.expected_extractor
        )

    def idle(self) -> None:
        """The previous step's pages are read: the next step, if any is left."""
        if not self.started:  # start() has not yielded its last request
            raise DontCloseSpider
        while self.steps:
            requests = list(self.steps.pop(0)())
            if requests:
                for request in requests:
                    assert self.crawler.engine is not None
                    self.crawler.engine.crawl(request)
                raise DontCloseSpider

    def sitemap_step(self) -> Iterator[Request]:
        if "sitemaps" in self.paths:
            configured = self.options.get("sitemaps") or self.options.get("sitemap")
            if configured:
                for url in [configured] if isinstance(configured, str) else configured:
                    yield from self.discover(url, self.parse_sitemap, "sitemaps")
            else:
                for robots in dict.fromkeys(discovery.robots_url(u) for u in self.start_urls):
                    yield from self.discover(robots, self.parse_robots, "sitemaps")
        if "feeds" in self.paths and not self.options.get("feeds"):
            for url in self.start_urls:  # their <head> names the feeds
                self.landed.add(url)
                yield from self.discover(url, self.parse_landing, "feeds")

    def feed_step(self) -> Iterator[Request]:
        if "feeds" not in self.paths:
            return
        for url in self.feeds:
            yield from self.discover(url, self.parse_feed, "feeds")
        for api in self.apis:  # WordPress's posts API names every post, page by page
            query = "per_page=100&page=1&orderby=date&order=desc"
            yield from self.discover(f"{api}?{query}", self.parse_api, "feeds")

    def listing_step(self) -> Iterator[Request]:
        if "listings" not in self.paths:
            return
        for url in self.listing_urls:
            yield from self.listing_page(url, dont_filter=url in self.landed)

    def discover(self, url: str, callback: Any, path: str, **cb_kwargs: Any) -> Iterator[Request]:
        """A robots.txt, sitemap, feed or landing page, once a crawl: one that may be absent
        (a 404 says the site does not offer it, counted as such, not as an error)."""
        if url in self.asked:
            return
        self.asked.add(url)
        statuses = (
            [400, 404, 410] if callback == self.parse_api else [404, 410]
        )  # 400: past the end
        meta = {"revalidate": True, "discovery": path, "handle_httpstatus_list": statuses}
        yield self.request(url, callback, meta=meta, dont_filter=True, cb_kwargs=cb_kwargs)

    def listing_page(self, url: str, dont_filter: bool = False) -> Iterator[Request]:
        if url in self.listed_pages:
            return
        self.listed_pages.add(url)
        yield self.request(
            url, self.parse_listing, meta={"revalidate": True}, dont_filter=dont_filter
        )

    # Reading what each step fetched.

    def absent(self, response: Response) -> bool:
        if response.status in (404, 410):
            path = response.meta["discovery"]
            self.count(f"discovery/{path}/absent")
            self.logger.info("%s offers no %s at %s", self.source.name, path, response.url)
            return True
        return False

    def parse_robots(self, response: Response) -> Iterator[Any]:
        listed = [] if self.absent(response) else self.robots_sitemaps(response)
        for url in listed or [discovery.default_sitemap(response.url)]:
            yield from self.discover(url, self.parse_sitemap, "sitemaps")

    def robots_sitemaps(self, response: Response) -> list[str]:
        return discovery.sitemaps_in_robots(response.body, response.url)

    def parse_sitemap(self, response: Response, depth: int = 0) -> Iterator[Any]:
        if self.absent(response):
            return
        body = response.body
        if body[:2] == GZIP_MAGIC:  # a .xml.gz served as a file, not as an encoding
            try:
                body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
            except (OSError, ValueError) as exc:
                self.fail(response, "bad_sitemap", f"cannot decompress: {exc}")
                return
        try:
            sitemap = parse_feed(body, response.url)
        except FeedError as exc:
            self.fail(response, "bad_sitemap", str(exc))
            return
        if sitemap.problem:
            self.listing_failed(response, "malformed_feed", sitemap.problem)
        self.count("discovery/sitemaps/pages")
        if sitemap.kind == "sitemapindex":
            if depth >= MAX_SITEMAP_DEPTH:
                self.fail(response, "sitemap_too_deep", "a sitemap index nested too deep")
                return
            for entry in discovery.matching(
                [e.url for e in sitemap.entries], None, self.allowed_domains
            ):
                if self.sitemaps_asked >= self.max_sitemaps:
                    self.budget_spent("sitemaps", self.sitemaps_asked)
                    return
                self.sitemaps_asked += 1
                yield from self.discover(entry, self.parse_sitemap, "sitemaps", depth=depth + 1)
            return
        if sitemap.kind != "sitemap":  # a feed named as a sitemap: read as one
            yield from self.read_feed(response, sitemap, "sitemaps")
            return
        urls = [e.url for e in sitemap.entries]
        articles = discovery.matching(urls, self.article_pattern, self.allowed_domains)
        if len(articles) < len(urls):
            self.count("discovery/sitemaps/not_articles", len(urls) - len(articles))
        hints = {e.url: e.updated for e in sitemap.entries if e.updated}
        yield from self.found(response, "sitemaps", articles, hints)

    def parse_landing(self, response: Response) -> None:
        if self.absent(response):
            return
        html = self.page_text(response)
        if html is None:
            return
        found = discovery.feed_links(html, response.url)
        site = discovery.platform(html, response.url)
        if site.name:
            self.count(f"discovery/platform/{site.name}")
        for url in [*found, *site.feeds]:
            if discovery.matching([url], None, self.allowed_domains):
                self.feeds.setdefault(url)
        if site.api and discovery.matching([site.api], None, self.allowed_domains):
            self.apis.setdefault(site.api)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        if self.absent(response):
            return
        try:
            feed = parse_feed(response.body, response.url)
        except FeedError as exc:
            self.fail(response, "bad_feed", str(exc))
            return
        if feed.problem:
            self.listing_failed(response, "malformed_feed", feed.problem)
        yield from self.read_feed(response, feed, "feeds")

    def parse_api(self, response: Response) -> Iterator[Any]:
        if self.absent(response) or wordpress.past_last_page(response.body):
            return
        try:
            page = wordpress.parse_posts(
                response.body, response.url, self.source.name, self.source.timezone
            )
        except wordpress.NotWordPress as exc:
            self.fail(response, "bad_feed", str(exc))
            return
        self.count("discovery/feeds/pages")
        articles = discovery.matching(page.links, None, self.allowed_domains)
        hints = {i.url: i.source_updated for i in page.items if i.source_updated}
        self.feed_dates.update((i.url, i.published_at) for i in page.items if i.published_at)
        yield from self.found(response, "feeds", articles, hints)
        pages = wordpress.header_number(response.headers.get("X-WP-TotalPages"))
        following = wordpress.next_page(response.url, pages, len(page.links))
        if following:
            yield from self.discover(following, self.parse_api, "feeds")

    def read_feed(self, response: Response, feed: Any, path: str) -> Iterator[Any]:
        self.count(f"discovery/{path}/pages")
        urls = [e.url for e in feed.entries]
        articles = discovery.matching(urls, None, self.allowed_domains)
        hints = {e.url: e.updated or e.published for e in feed.entries if e.updated or e.published}
        self.feed_dates.update((e.url, e.published) for e in feed.entries if e.published)
        yield from self.found(response, path, articles, hints, feed.total)
        if feed.next_url and discovery.matching([feed.next_url], None, self.allowed_domains):
            yield from self.discover(feed.next_url, self.parse_feed, path)

    async def parse_listing(self, response: Response) -> AsyncIterator[Any]:
        html = self.page_text(response)
        if html is None:
            self.count("failed_listing")
            return
        redirected = response.meta.get("redirect_urls")
        if redirected and response.url in self.read_listings:
            self.listing_failed(
                response, "listing_dropped", f"{redirected[0]} led to a page already read"
            )
            return
        self.read_listings.add(response.url)
        self.count("discovery/listings/pages")
        self.listed_pages.add(response.url)  # its pager links to it too
        if looks_truncated(html):
            self.listing_failed(response, "truncated_listing", "the listing page is cut short")
        reading = await self.read_listing(html, response.url)
        listing, generic, extra = reading.own, reading.generic, reading.extra
        articles = listing.article_urls if listing else []
        if not articles:
            articles = list(dict.fromkeys([*generic.article_urls, *extra]))
            if articles and self.own_extractor:
                self.count("health/listing_fallback")
        if not articles:
            self.count("health/listing_pages_empty")
            self.listing_failed(response, "empty_listing", "a listing page without article links")
        else:
            for output in self.found(response, "listings", articles, {}):
                yield output
        own = [*listing.page_urls, *filter(None, [listing.next_url])] if listing else []
        for url in dict.fromkeys([*own, *generic.page_urls]):
            if url in self.listed_pages:
                continue
            if len(self.listed_pages) >= self.max_listing_pages:
                self.budget_spent("listing_pages", len(self.listed_pages))
                return
            for request in self.listing_page(url):
                yield request

    def budget_spent(self, what: str, count: int) -> None:
        """Once a crawl: the site offers more pages of a kind than a crawl reads (a trap, or a
        site grown past the budget), so the walk is incomplete and the crawl `limited`."""
        if self.crawler.stats and self.crawler.stats.get_value(f"procarchive/budget/{what}"):
            return
        self.count(f"budget/{what}")
        self.count("failed_listing")
        self.logger.warning(
            "%s: %d %s read, the most a crawl reads: the rest is not (budget/%s)",
            self.source.name, count, what.replace("_", " "), what,
        )  # fmt: skip

    def found(
        self, response: Response, path: str, articles: list[str], hints: dict[str, str],
        total: int | None = None,
    ) -> Iterator[Any]:  # fmt: skip
        """A page of `path` named these article URLs: the listing record, and requests for
        the articles no earlier page named."""
        yield ListingItem(self.source.name, response.url, articles, total)
        new = [u for u in dict.fromkeys(articles) if u not in self.named]
        self.count(f"discovery/{path}/links", len(articles))
        assert self.crawler.stats is not None  # per page: the fewest and the most links
        self.crawler.stats.min_value(f"procarchive/discovery/{path}/fewest_links", len(articles))
        self.crawler.stats.max_value(f"procarchive/discovery/{path}/most_links", len(articles))
        self.count(f"discovery/{path}/new_links", len(new))
        for url in new:
            self.named.add(url)
            if url in hints:
                self.hints[url] = hints[url]
            yield self.article_request(url, self.parse_article, hint=self.hints.get(url))

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        if response.status == 304:  # revalidated: the archived copy is current
            yield SeenItem([response.url], self.source.name)
            return
        html = self.page_text(response)
        if html is None:
            return
        reading = await self.read(html, response.url)
        item, extractor = reading.item, reading.extractor
        if item is None:
            self.skip(response, "no_article", "no article text found")
            self.count("health/no_article")
            return
        self.count(f"health/articles/{extractor}")
        if extractor != self.expected_extractor:  # some fall back: said, if not yet drift
            self.count("warnings/extractor_fallback")
        item.url = discovery.without_session(item.url)  # a redirect may have added one
        if item.published_at is None and response.url in self.feed_dates:
            item.published_at = parse_date(self.feed_dates[response.url], self.source.timezone)
        yield self.provenance(item, response, reading)
        for request in self.attachments(reading, item.url):
            yield request
