"""`procarchive probe URL`: what a site offers a crawler, and a registry entry that uses it.

Through Scrapy with the crawls' politeness (robots.txt, AutoThrottle, the User-Agent), the
probe reads the page, robots.txt and its sitemaps, the feeds the page names and the
endpoints of its platform (WordPress, Blogger), tries every site extractor on the page, then
reads two of the article pages it found: which extractor reads them, and the dates it read.
Nothing is archived. This is how a user adds a source or repairs a drifted one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
import yaml
from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.settings import Settings
from twisted.python.failure import Failure

from scrapers.extract import blogger, discovery, wordpress
from scrapers.extract.article import parse_item
from scrapers.extract.extractors import TEMPLATES
from scrapers.extract.feeds import FeedError, parse_feed
from scrapers.items import ArticleItem
from scrapers.lpse import lpse_registry
from scrapers.sources import name_for_host

SAMPLE_ARTICLES = 2
MAX_SITEMAPS = 5  # of an index, the first few: enough to see what they hold
SPSE_MARKERS = ("Aplikasi SPSE", "/eproc4/", "spse.inaproc.id")
SlugLink = re.compile(r"^/([a-z0-9][a-z0-9-]*)/?$")

# The site extractors a crawl can use (the news templates): by spider, listing and article.
SITE_READERS = {
    name: (template.read_listing, template.read_own)
    for name, template in TEMPLATES.items()
    if template.read_listing and template.read_own
}


@dataclass
class Findings:
    url: str
    status: int | None = None
    platform: str = ""
    spse: bool = False
    spse_lpses: list[str | dict[str, str]] = field(default_factory=list)
    robots_sitemaps: list[str] = field(default_factory=list)
    sitemaps: dict[str, int] = field(default_factory=dict)  # URL -> article-like URLs named
    sitemap_urls: list[str] = field(default_factory=list)
    feeds: dict[str, int] = field(default_factory=dict)  # URL -> entries
    feed_urls: list[str] = field(default_factory=list)
    api: str | None = None
    api_urls: list[str] = field(default_factory=list)
    page_links: list[str] = field(default_factory=list)
    site_listing: str = ""  # the spider whose listing reader found articles on the page
    site_listing_urls: list[str] = field(default_factory=list)
    pattern: str | None = None
    samples: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def article_urls(self) -> list[str]:
        """The article URLs found, best path first."""
        found = [*self.sitemap_urls, *self.feed_urls, *self.api_urls, *self.site_listing_urls]
        if self.pattern:
            compiled = re.compile(self.pattern)
            found = [u for u in [*found, *self.page_links] if compiled.search(u)]
        return list(dict.fromkeys(found))


class ProbeSpider(scrapy.Spider):
    name = "probe"

    def __init__(self, url: str, findings: Findings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.findings = findings
        host = urlsplit(url).hostname or ""
        self.allowed_domains = [host.removeprefix("www.")]
        self.steps: list[Callable[[], Iterator[scrapy.Request]]] = [self.articles_step]
        self.asked: set[str] = set()
        self.started = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ProbeSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    def idle(self) -> None:
        if not self.started:
            raise DontCloseSpider
        while self.steps:
            requests = list(self.steps.pop(0)())
            if requests:
                assert self.crawler.engine is not None
                for request in requests:
                    self.crawler.engine.crawl(request)
                raise DontCloseSpider

    def ask(
        self, url: str, callback: Callable[..., Any], **cb_kwargs: Any
    ) -> Iterator[scrapy.Request]:
        if url in self.asked or not discovery.matching([url], None, self.allowed_domains):
            return
        self.asked.add(url)
        yield scrapy.Request(
            url, callback, errback=self.failed, dont_filter=True, cb_kwargs=cb_kwargs,
            meta={"handle_httpstatus_list": [404, 410]},
        )  # fmt: skip

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self.findings.failures.append(f"{request.url}: {failure.getErrorMessage()}")

    async def start(self) -> Any:
        for request in self.ask(self.url, self.parse_page):
            yield request
        for request in self.ask(discovery.robots_url(self.url), self.parse_robots):
            yield request
        self.started = True

    def parse_page(self, response: Response) -> Iterator[scrapy.Request]:
        found = self.findings
        found.status = response.status
        feeds, api = [], None
        if isinstance(response, TextResponse) and response.status == 200:
            html = response.text
            found.spse = any(m in html for m in SPSE_MARKERS) or self.spse_index(html)
            site = discovery.platform(html, response.url)
            found.platform, api = site.name, site.api
            found.page_links = discovery.links(html, response.url)
            for spider, (read_listing, _) in SITE_READERS.items():
                listed = read_listing(html, response.url).article_urls
                if listed and not found.site_listing:
                    found.site_listing, found.site_listing_urls = spider, list(listed)
            feeds = [*discovery.feed_links(html, response.url), *site.feeds]
        else:
            found.failures.append(f"{response.url}: HTTP {response.status}, not a page")
        # A probe may ask what a crawl would not: the platforms' usual endpoints.
        feeds += [urljoin(response.url, "/feed/"), urljoin(response.url, "/feeds/posts/default")]
        for url in dict.fromkeys(feeds):
            yield from self.ask(url, self.parse_feed)
        api = api or urljoin(response.url, "/wp-json/wp/v2/posts")
        yield from self.ask(f"{api}?per_page=10", self.parse_api)

    def spse_index(self, html: str) -> bool:
        """A page that links LPSEs by their slug (spse.inaproc.id's index)."""
        page = scrapy.Selector(text=html)
        lpses = []
        for link in page.css("a[href]"):
            match = SlugLink.match(urlsplit(link.attrib["href"]).path)
            text = " ".join(link.css("::text").getall()).strip()
            if match and text.upper().startswith("LPSE"):
                known = match[1] in lpse_registry()  # then its registry entry says the rest
                lpses.append(match[1] if known else {"slug": match[1], "name": text})
        self.findings.spse_lpses = lpses
        return bool(lpses)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        listed = []
        if response.status == 200:
            listed = discovery.sitemaps_in_robots(response.body, response.url)
        self.findings.robots_sitemaps = listed
        for url in listed or [discovery.default_sitemap(response.url)]:
            yield from self.ask(url, self.parse_sitemap)

    def parse_sitemap(self, response: Response, depth: int = 0) -> Iterator[scrapy.Request]:
        if response.status != 200:
            return
        try:
            sitemap = parse_feed(response.body, response.url)
        except FeedError as exc:
            self.findings.failures.append(f"{response.url}: not a sitemap ({exc})")
            return
        if sitemap.kind == "sitemapindex" and depth < 2:
            self.findings.sitemaps[response.url] = 0
            for entry in sitemap.entries[:MAX_SITEMAPS]:
                yield from self.ask(entry.url, self.parse_sitemap, depth=depth + 1)
            return
        urls = discovery.matching([e.url for e in sitemap.entries], None, self.allowed_domains)
        self.findings.sitemaps[response.url] = len(urls)
        self.findings.sitemap_urls += urls

    def parse_feed(self, response: Response) -> None:
        if response.status != 200:
            return
        try:
            feed = parse_feed(response.body, response.url)
        except FeedError:
            return  # a blind guess that is not a feed: nothing to say
        if feed.kind in ("atom", "rss") and feed.entries:
            urls = discovery.matching([e.url for e in feed.entries], None, self.allowed_domains)
            self.findings.feeds[response.url] = len(feed.entries)
            self.findings.feed_urls += urls

    def parse_api(self, response: Response) -> None:
        if response.status != 200:
            return
        try:
            page = wordpress.parse_posts(response.body, response.url, "probe", "+00:00")
        except wordpress.NotWordPress:
            return
        if page.links:
            self.findings.api = response.url.split("?", 1)[0]
            self.findings.api_urls = discovery.matching(page.links, None, self.allowed_domains)

    def articles_step(self) -> Iterator[scrapy.Request]:
        found = self.findings
        found.pattern = discovery.infer_pattern(article_like(found))
        for url in found.article_urls[:SAMPLE_ARTICLES]:
            yield from self.ask(url, self.parse_article)

    def parse_article(self, response: Response) -> None:
        if not isinstance(response, TextResponse) or response.status != 200:
            self.findings.samples.append({"url": response.url, "status": response.status})
            return
        html, url = response.text, response.url
        readers: list[tuple[str, Callable[[], ArticleItem | None]]] = [
            *((spider, lambda r=read: r(html, url, "probe")) for spider, (_, read) in SITE_READERS.items()),
            ("blogger", lambda: blogger.parse_post(html, url, "probe") if self.findings.platform == "blogger" else None),
            ("generic", lambda: parse_item(html, url, "probe")),
        ]  # fmt: skip
        for extractor, read in readers:
            item = read()
            if item is not None and item.text:
                self.findings.samples.append(
                    {"url": url, "extractor": extractor, "title": item.title,
                     "published_at": item.published_at, "chars": len(item.text)}
                )  # fmt: skip
                return
        self.findings.samples.append({"url": url, "extractor": None})


def article_like(found: Findings) -> list[str]:
    """The URLs to infer the article pattern from: what sitemaps, feeds, the posts API or a
    site's listing reader named, else the page's links that look like articles (a slug of
    several words, or an id)."""
    named = [*found.sitemap_urls, *found.feed_urls, *found.api_urls, *found.site_listing_urls]
    candidates = named or [u for u in found.page_links if looks_like_article(u)]
    return [u for u in candidates if urlsplit(u).path.strip("/") or urlsplit(u).query]


def looks_like_article(url: str) -> bool:
    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return last.count("-") >= 2 or bool(
        re.search(r"(?:^|&)\w*(?:id|sn|no)=\d{3,}", parts.query, re.I)
    )


def probe_settings(base: Settings) -> Settings:
    """The crawls' settings (robots.txt, AutoThrottle, User-Agent, limits) without the
    archive: nothing is captured, revalidated or stored."""
    settings = base.copy()
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set(
        "SPIDER_MIDDLEWARES",
        {"scrapers.incremental.SkipUnchangedMiddleware": None},
        priority="cmdline",
    )
    downloader = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    downloader |= {
        "scrapers.capture.CaptureMiddleware": None,
        "scrapers.incremental.RevalidateMiddleware": None,
    }
    settings.set("DOWNLOADER_MIDDLEWARES", downloader, priority="cmdline")
    settings.set("EXTENSIONS", {"scrapers.progress.ProgressLine": None}, priority="cmdline")
    settings.set("PROCARCHIVE_INCREMENTAL", False, priority="cmdline")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    return settings


def probe(url: str, settings: Settings) -> Findings:
    found = Findings(url)
    process = CrawlerProcess(probe_settings(settings))
    process.crawl(ProbeSpider, url=url, findings=found)
    process.start()
    return found


def proposal(found: Findings, name: str | None = None) -> dict[str, Any]:
    """A registry entry for the site, from what the probe found."""
    parts = urlsplit(found.url)
    host = parts.hostname or ""
    root = f"{parts.scheme}://{parts.netloc}/"
    entry: dict[str, Any] = {"name": name or name_for_host(host.removeprefix("www."))}
    options: dict[str, Any] = {}
    if found.spse:
        entry |= {"spider": "spse_notices", "start_urls": [root.rstrip("/")], "kind": "agency"}
        if found.spse_lpses:
            options["lpses"] = found.spse_lpses
    elif found.feeds and all("/feeds/posts/" in url for url in found.feeds):
        entry |= {"spider": "blogger_mirror", "start_urls": [root], "kind": "mirror"}
    elif found.api:
        entry |= {"spider": "wordpress_mirror", "start_urls": [root], "kind": "mirror"}
    else:
        spider = found.site_listing or matched_site_extractor(found) or "news"
        entry |= {"spider": spider, "start_urls": [found.url]}
        if found.sitemaps:
            options["sitemaps"] = found.robots_sitemaps or list(found.sitemaps)
        if found.feeds:
            options["feeds"] = list(found.feeds)
        if found.pattern:
            options["article_links"] = found.pattern
        if not (found.sitemaps or found.feeds):
            options["discovery"] = ["listings"]
    entry["allowed_domains"] = [host.removeprefix("www.")]
    if options:
        entry["options"] = options
    return entry


def matched_site_extractor(found: Findings) -> str:
    extractors = {s.get("extractor") for s in found.samples}
    return next((spider for spider in SITE_READERS if spider in extractors), "")


def report(found: Findings, entry: dict[str, Any]) -> str:
    lines = [f"probe of {found.url} (HTTP {found.status})"]
    if found.platform:
        lines.append(f"  platform: {found.platform}")
    if found.spse:
        lines.append(f"  SPSE: {len(found.spse_lpses)} LPSEs linked")
    lines.append(
        f"  robots.txt sitemaps: {', '.join(found.robots_sitemaps) or 'none (tried /sitemap.xml)'}"
    )
    for url, count in found.sitemaps.items():
        lines.append(f"  sitemap {url}: {count} URLs")
    for url, count in found.feeds.items():
        lines.append(f"  feed {url}: {count} entries")
    if found.api:
        lines.append(
            f"  WordPress posts API {found.api}: {len(found.api_urls)} posts on its first page"
        )
    if found.site_listing:
        lines.append(
            f"  {found.site_listing}'s listing reader: {len(found.site_listing_urls)} article links on the page"
        )
    lines.append(f"  links on the page: {len(found.page_links)}")
    lines.append(f"  article URL pattern: {found.pattern or 'none found'}")
    urls = found.article_urls
    lines.append(f"  article URLs found: {len(urls)}")
    lines += [f"    {u}" for u in urls[:5]]
    for sample in found.samples:
        if sample.get("extractor"):
            lines.append(
                f"  read {sample['url']}: by {sample['extractor']}, title {sample['title']!r}, "
                f"published {sample['published_at'] or 'no date found'}, {sample['chars']} characters"
            )
        else:
            lines.append(
                f"  read {sample['url']}: no article found (HTTP {sample.get('status', 200)})"
            )
    for failure in found.failures:
        lines.append(f"  failed: {failure}")
    if not urls and not found.spse:
        lines.append("  no article found: the entry below needs article_links or selectors by hand")
    lines.append("")
    lines.append("# a sources.yml entry (check it, then add it under `sources:`)")
    lines.append(yaml.safe_dump([entry], sort_keys=False, allow_unicode=True).rstrip())
    return "\n".join(lines)
