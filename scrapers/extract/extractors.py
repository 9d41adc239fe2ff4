"""Which extractor reads the pages of each spider: one table for the spiders' callbacks, for
saved pages (`procarchive extract`) and for the probe.

A spider's name is a template: the markup its sources write. An article page is read by the
template's own reader (the site's markup, a fast path), else by the source's `selectors`,
else by the generic extractor; read_article does that and the article's analysis in one go,
in a worker process during a crawl.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from scrapers.analysis.article import analyse
from scrapers.analysis.language import SAMPLE_CHARS
from scrapers.analysis.shingles import page_shingles
from scrapers.extract import blogger, discovery, lkpp, pps
from scrapers.extract.article import parse_item
from scrapers.extract.discovery import Listing
from scrapers.extract.documents import attachment_links
from scrapers.extract.feeds import FeedEntry
from scrapers.extract.selectors import SelectorArticle
from scrapers.items import ArticleItem
from scrapers.sources import Source

GENERIC = "generic"
SELECTORS = "selectors"
PAGE_HEAD_BYTES = 200_000  # where a saved page's markers are looked for


def same_url(url: str) -> str:
    return url


@dataclass(frozen=True)
class Template:
    spider: str
    extractor: str = GENERIC  # the name of its own reader, counted in the crawl's health
    read_own: Callable[..., ArticleItem | None] | None = None  # (html, url, source, offset)
    read_listing: Callable[[str, str], Listing] | None = None
    extra_links: Callable[[str, str], list[str]] | None = None  # links outside <a href>
    site_names: tuple[str, ...] = ()  # cut from the end of a title the generic extractor reads
    markers: tuple[bytes, ...] = ()  # markup that names the template on a saved page
    article_url: Callable[[str], str] = same_url  # the URL the generic extractor reads at
    fallback: bool = True  # False: the own reader's None means "not an article page"
    page_kind: Callable[[str, str], str] | None = None  # "item": one post; else what it is


TEMPLATES = {
    template.spider: template
    for template in (
        Template(
            "lkpp_news", "lkpp", lkpp.read_own, lkpp.parse_listing,
            site_names=lkpp.SITE_NAMES, markers=(b'class="news-detail',),
        ),
        Template(
            "pps_news", "pps", pps.read_own, pps.parse_listing, pps.goview_links,
            site_names=pps.SITE_NAMES, markers=(b'class="board_view', b'class="bbs_view'),
            article_url=pps.board_url,
        ),
        Template(
            "blogger_mirror", "blogger", blogger.parse_post, fallback=False,
            page_kind=blogger.page_kind,
            markers=(
                b'content="blogger" name="generator"', b"content='blogger' name='generator'",
                b'name="generator" content="blogger"',
            ),
        ),
        Template("wordpress_mirror"),
        Template("news"),
        Template("article"),
    )
}  # fmt: skip


def template_for(spider: str) -> Template:
    """The spider's template; a spider that reads no article pages (spse_notices) has the
    generic extractor's."""
    return TEMPLATES.get(spider) or TEMPLATES["article"]


def guess_spider(body: bytes) -> str:
    """The template a saved page's markup names, where no URL of a source does."""
    head = body[:PAGE_HEAD_BYTES]
    for template in TEMPLATES.values():
        if any(marker in head for marker in template.markers):
            return template.spider
    return "article"


@dataclass(frozen=True)
class Reading:
    item: ArticleItem | None
    extractor: str  # which read it: the template's own ("lkpp"), "selectors" or "generic"
    # (absolute URL, link text) of the documents the article's page links to
    attachments: tuple[tuple[str, str], ...] = ()
    shingles: frozenset[int] | None = None  # the article's, for the crawl's trap check


def read_article(
    spider: str,
    html: str,
    url: str,
    source: Source,
    sample_chars: int = SAMPLE_CHARS,
    entry: FeedEntry | None = None,
) -> Reading:
    """The article a crawl by `spider` takes from the page, analysed, the documents it
    links to and its shingles (scrapers.budget's trap check): all the CPU-heavy work on a
    page, so that a worker process can do it in one go (parsing the page again for its links
    on the crawl's thread cost as much as the rest of a page's fetch there). `entry`: the
    feed entry that named the page (Blogger), for what the page leaves out."""
    reading = read_only(template_for(spider), html, url, source, entry)
    if reading.item is None:
        return reading
    analyse(reading.item, sample_chars)
    return replace(
        reading,
        attachments=tuple(attachment_links(html, url)),
        shingles=page_shingles(reading.item.title, reading.item.text),
    )


def read_only(
    template: Template, html: str, url: str, source: Source, entry: FeedEntry | None
) -> Reading:
    own = template.read_own if source.options.get("site_extractor", True) else None
    if own is not None:
        hints: dict[str, Any] = {"entry": entry} if entry is not None else {}
        item = own(html, url, source.name, source.timezone, **hints)
        if item is not None or not template.fallback:
            return Reading(item, template.extractor)
    chosen = source.options.get("selectors")
    if chosen:
        item = SelectorArticle(**chosen).read(html, url, source)
        if item is not None:
            return Reading(item, SELECTORS)
    found = parse_item(
        html, template.article_url(url), source.name, source.timezone, template.site_names
    )
    return Reading(found, GENERIC)


@dataclass(frozen=True)
class ListingReading:
    own: Listing | None  # the template's own reading; None: not its markup, or none
    generic: Listing  # by URL pattern (scrapers.extract.discovery.read_listing)
    extra: list[str] = field(default_factory=list)  # article links outside <a href>


def read_listing_page(
    spider: str,
    html: str,
    url: str,
    own: bool,
    article_pattern: re.Pattern[str] | None,
    pager_pattern: re.Pattern[str] | None,
    domains: Sequence[str],
) -> ListingReading:
    """A listing page read every way a news spider reads one, in a worker process: a
    pager that shows every page of a large site makes it thousands of links to resolve,
    parsing the crawl's thread would do between fetches. `own`: the template's own reader
    is used (the source does not turn it off)."""
    template = template_for(spider)
    site = template.read_listing(html, url) if own and template.read_listing else None
    # A pager without rows is kept: the articles may come from links outside <a href>.
    kept = site if site is not None and (site.article_urls or site.page_urls) else None
    generic = discovery.read_listing(html, url, article_pattern, pager_pattern, domains)
    outside = template.extra_links(html, url) if template.extra_links else []
    return ListingReading(kept, generic, discovery.matching(outside, article_pattern, domains))
