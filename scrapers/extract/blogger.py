"""Blogger blogs: the Atom feed at /feeds/posts/default and the post pages.

Blogger templates vary but keep Blogger's own class names (post-title, post-body,
date-header, published), which is what these selectors rely on.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from parsel import Selector

from scrapers.extract.article import parse_item as parse_any_article
from scrapers.extract.dates import WIB, parse_date
from scrapers.extract.feeds import FeedPage, parse_feed
from scrapers.extract.text import (
    clean_author,
    element_paragraphs,
    join_paragraphs,
    split_reference,
    strip_site_suffix,
)
from scrapers.items import ArticleItem

FEED_PATH = "feeds/posts/default"
TITLE = ".post-title::text, .post-title a::text, h3.entry-title::text"
BODY = ".post-body, .entry-content"
PUBLISHED = "abbr.published::attr(title), [itemprop=datePublished]::attr(content)"
DATE_HEADER = ".date-header span::text, .date-header::text"
AUTHOR = ".post-author .fn::text, [itemprop=author] [itemprop=name]::text"
BLOG_TITLE = (
    "meta[property='og:site_name']::attr(content), .header .title a::text, .header h1::text"
)
CANONICAL = "link[rel=canonical]::attr(href)"
REFERENCE_LINK = "a::attr(href)"


def feed_url(blog_url: str, start_index: int = 1, max_results: int = 25) -> str:
    """The blog's Atom feed of posts, one page of it."""
    query = urlencode({"start-index": start_index, "max-results": max_results})
    return f"{urljoin(blog_url.rstrip('/') + '/', FEED_PATH)}?{query}"


def parse_feed_page(body: bytes, url: str, max_results: int = 25) -> FeedPage:
    """Parse one page of the feed; where Blogger leaves out rel=next, page by totalResults.
    Blogger's own rel=next names www.blogger.com/feeds/<blog id>/...: the blog's next page is
    read on the blog's host instead, which the crawl is confined to."""
    page = parse_feed(body, url)
    if page.next_url and urlsplit(page.next_url).hostname != urlsplit(url).hostname:
        query = parse_qs(urlsplit(page.next_url).query)
        following, size = query.get("start-index", [""])[0], query.get("max-results", [""])[0]
        own = None
        if following.isdigit():
            size_of = int(size) if size.isdigit() else max_results
            own = feed_url(_blog_root(url), int(following), size_of)
        page = dataclasses.replace(page, next_url=own)
    if page.next_url or page.total is None or not page.entries:
        return page
    start = _start_index(url)
    if start - 1 + max_results < page.total:
        return dataclasses.replace(
            page, next_url=feed_url(_blog_root(url), start + max_results, max_results)
        )
    return page


def missing_entries(page: FeedPage, url: str) -> bool:
    """A page with no entries where the feed's total says there are some (or says nothing):
    a blog's feed is never empty at a start index inside its total."""
    return not page.entries and (page.total is None or _start_index(url) <= page.total)


def parse_post(html: str, url: str, source: str, offset: str = WIB) -> ArticleItem | None:
    page = Selector(text=html)
    body = page.css(BODY)
    title = page.css(TITLE).get()
    blog_title = page.css(BLOG_TITLE).get()
    if not body or not title:
        return parse_any_article(html, url, source, offset, (blog_title or "",))
    paragraphs, reference = split_reference(element_paragraphs(body[0].root))
    reference = _reference_link(body[0], reference) or reference
    published = page.css(PUBLISHED).get() or page.css(DATE_HEADER).get()
    canonical = page.css(CANONICAL).get()
    return ArticleItem(
        url=urljoin(url, canonical) if canonical else url,
        source=source,
        title=strip_site_suffix(title, (blog_title or "",)),
        text=join_paragraphs(paragraphs),
        published_at=parse_date(published, offset),
        author=clean_author(page.css(AUTHOR).get()),
        reference=reference,
    )


def _reference_link(body: Selector, reference: str | None) -> str | None:
    """Where the "Sumber:" line links to the original, the link is the better reference."""
    if not reference:
        return None
    for anchor in body.css("a"):
        if " ".join(anchor.xpath("string()").get("").split()) == reference:
            return anchor.attrib.get("href")
    return None


def _start_index(url: str) -> int:
    values = parse_qs(urlsplit(url).query).get("start-index", ["1"])
    return int(values[0]) if values[0].isdigit() else 1


def _blog_root(url: str) -> str:
    return url.split(FEED_PATH, 1)[0]
