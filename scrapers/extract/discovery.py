"""Finding a news site's articles on markup never seen: what robots.txt, a page's <head> and
its links say, read without any site's selectors.

Sitemaps come from robots.txt `Sitemap:` lines (else /sitemap.xml); feeds from the page's
<link rel=alternate> and the endpoints of the platform the page shows (WordPress, Blogger);
listing pages are read by URL pattern: the links that match a source's `article_links`, and
its pager (`listing_pages.pager`, else rel=next and page-number links).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector
from scrapy.utils.sitemap import sitemap_urls_from_robots

from scrapers.sources import in_domains

FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
# Query parameters and path tails that number a listing's pages.
PAGE_PARAMETERS = frozenset(
    {"page", "paged", "p", "pageindex", "pageno", "hal", "halaman", "start"}
)
PAGE_PATH = re.compile(r"/(?:page|hal|halaman)/\d+/?$", re.IGNORECASE)
# Links that are never articles, whatever the pattern: files and the site's furniture.
# A servlet container's session id in the path (";jsessionid=..."): a new one a visit.
SESSION_ID = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
NOT_PAGES = re.compile(
    r"\.(?:jpe?g|png|gif|svg|webp|css|js|ico|pdf|docx?|xlsx?|pptx?|zip|rar|mp4|mp3)(?:[?#]|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Listing:
    """What a listing page offers: article links, its next page, every page its pager shows."""

    article_urls: list[str] = field(default_factory=list)
    next_url: str | None = None
    page_urls: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Platform:
    name: str  # "wordpress", "blogger" or ""
    feeds: tuple[str, ...] = ()  # the platform's own endpoints for this site
    api: str | None = None  # WordPress's REST posts endpoint


def sitemaps_in_robots(robots: bytes, url: str) -> list[str]:
    return list(dict.fromkeys(sitemap_urls_from_robots(robots, base_url=url)))


def default_sitemap(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/sitemap.xml"


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def feed_links(html: str, url: str) -> list[str]:
    """The feeds a page's <head> announces (rel=alternate with a feed type), comments feeds
    left out."""
    page = Selector(text=html)
    found = []
    for link in page.css("link[rel~=alternate][href]"):
        kind = (link.attrib.get("type") or "").split(";")[0].strip().lower()
        href = link.attrib["href"].strip()
        if kind in FEED_LINK_TYPES and "comments" not in href.lower():
            found.append(urljoin(url, href))
    return list(dict.fromkeys(found))


def platform(html: str, url: str) -> Platform:
    """The blog platform a page shows (its generator, its API link), with the endpoints that
    list the site's posts."""
    page = Selector(text=html)
    generator = " ".join(page.css("meta[name=generator]::attr(content)").getall()).lower()
    api = page.css("link[rel='https://api.w.org/']::attr(href)").get()
    root = urljoin(url, "/")
    if api or "wordpress" in generator or "/wp-content/" in html:
        base = urljoin(url, api) if api else urljoin(root, "wp-json/")
        return Platform("wordpress", (urljoin(root, "feed/"),), urljoin(base, "wp/v2/posts"))
    if "blogger" in generator or "blogger.com/static" in html or "/feeds/posts/default" in html:
        return Platform("blogger", (urljoin(root, "feeds/posts/default"),))
    return Platform("")


def links(html: str, url: str) -> list[str]:
    """Every link of a page as an absolute URL without its fragment, in page order."""
    page = Selector(text=html)
    found = []
    for href in page.css("a[href]::attr(href)").getall():
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        absolute = without_session(joined(url, href).split("#", 1)[0])
        if absolute.startswith(("http://", "https://")) and not NOT_PAGES.search(absolute):
            found.append(absolute)
    return list(dict.fromkeys(found))


def joined(base: str, href: str) -> str:
    """urljoin, remembered: a listing's links are joined by the template's reader and by
    the URL patterns' reader, and each page of a pager that names every page names the same
    ones (some 300 links, 40% of reading a listing). A path from the root joins the same
    onto any URL of the host (RFC 3986 5.2.2), so it is remembered by the host's root."""
    if href.startswith("/") and not href.startswith("//"):
        parts = urlsplit(base)
        if parts.scheme and parts.netloc:
            return _joined(f"{parts.scheme}://{parts.netloc}/", href)
    return _joined(base, href)


_joined = lru_cache(maxsize=8192)(urljoin)


def without_session(url: str) -> str:
    """The URL without a session id in its path, which would make every visit's links new."""
    return SESSION_ID.sub("", url)


def matching(
    urls: Iterable[str], pattern: re.Pattern[str] | None, domains: Sequence[str]
) -> list[str]:
    """The URLs on the source's domains that the pattern finds (all of them without one)."""
    return [u for u in urls if in_domains(u, domains) and (pattern is None or pattern.search(u))]


def pager_links(
    page_links: Sequence[str], url: str, pattern: re.Pattern[str] | None, html: str
) -> list[str]:
    """Further pages of the listing at `url`: links matching the source's pager pattern, else
    rel=next and links to the same path that differ by a page number."""
    if pattern is not None:
        return [u for u in page_links if pattern.search(u) and u != url]
    found = [urljoin(url, h) for h in Selector(text=html).css("a[rel~=next]::attr(href)").getall()]
    host, path, _, _, unpaged = page_parts(url)
    for link in page_links:
        link_host, link_path, numbered, paged, link_unpaged = page_parts(link)
        if link_host != host or link == url:
            continue
        if (link_path == path and numbered & PAGE_PARAMETERS) or (
            paged and link_unpaged == unpaged
        ):
            found.append(link)
    return list(dict.fromkeys(found))


@lru_cache(maxsize=8192)
def page_parts(url: str) -> tuple[str, str, frozenset[str], bool, str]:
    """What the pager compares of a URL: its host, its path without a trailing slash, the
    query parameters with numbers (lowercased), whether its path has a page segment, and
    its path without one. Remembered: each page of a listing names the same pages."""
    parts = urlsplit(url)
    numbered = frozenset(k.lower() for k, v in parse_qsl(parts.query) if v.isdigit())
    paged = bool(PAGE_PATH.search(parts.path))
    unpaged = PAGE_PATH.sub("", parts.path).rstrip("/")
    return parts.netloc, parts.path.rstrip("/"), numbered, paged, unpaged


def read_listing(
    html: str,
    url: str,
    article_pattern: re.Pattern[str] | None,
    pager_pattern: re.Pattern[str] | None,
    domains: Sequence[str],
) -> Listing:
    """A listing page read by URL pattern alone (no pattern: no article links, for a page's
    links are mostly not articles)."""
    page_links = links(html, url)
    articles = matching(page_links, article_pattern, domains) if article_pattern else []
    pages = [u for u in pager_links(page_links, url, pager_pattern, html) if u not in articles]
    return Listing(articles, None, matching(pages, None, domains))


def compile_pattern(raw: str | None, what: str) -> re.Pattern[str] | None:
    if not raw:
        return None
    try:
        return re.compile(raw)
    except re.error as exc:
        raise ValueError(f"{what}: not a regular expression: {raw!r} ({exc})") from exc


def infer_pattern(urls: Sequence[str]) -> str | None:
    """A regular expression for article URLs like these (what `probe` proposes as a source's
    `article_links`): the path segments they share, the ones that vary between a few values
    as alternatives, the last one as any slug; query-string articles by their id parameter."""
    parts = [urlsplit(u) for u in urls if u]
    if not parts:
        return None
    queried = [p for p in parts if p.query]
    if len(queried) * 2 > len(parts):
        return _query_pattern(queried)
    by_depth: dict[int, list[list[str]]] = {}
    for p in parts:
        segments = [s for s in p.path.split("/") if s]
        by_depth.setdefault(len(segments), []).append(segments)
    depth, group = max(by_depth.items(), key=lambda kv: (len(kv[1]), kv[0]))
    if depth == 0:
        return None
    pieces = []
    for position in range(depth):
        values = sorted({segments[position] for segments in group})
        if position == depth - 1:
            pieces.append(r"\d+" if all(v.isdigit() for v in values) else "[^/?#]+")
        elif len(values) == 1:
            pieces.append(re.escape(values[0]))
        elif len(values) <= 4 and len(group) > len(values):
            pieces.append("(?:" + "|".join(map(re.escape, values)) + ")")
        elif all(v.isdigit() for v in values):
            pieces.append(r"\d+")
        else:
            pieces.append("[^/?#]+")
    return "/" + "/".join(pieces) + "/?$"


def _query_pattern(parts: Sequence[object]) -> str | None:
    paths = {p.path.split(";")[0] for p in parts}  # type: ignore[attr-defined]
    if len(paths) != 1:
        return None
    queries = [dict(parse_qsl(p.query)) for p in parts]  # type: ignore[attr-defined]
    varying = [
        name
        for name in queries[0]
        if all(name in q for q in queries) and len({q[name] for q in queries}) == len(queries)
    ]
    if not varying:
        return None
    name = varying[0]
    digits = all(q[name].isdigit() for q in queries)
    return (
        re.escape(paths.pop())
        + r"(?:;[^?]*)?\?(?:.*&)?"
        + re.escape(name)
        + "="
        + (r"\d+" if digits else "[^&#]+")
    )
