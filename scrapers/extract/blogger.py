"""Blogger blogs: the Atom feed at /feeds/posts/default and the post pages.

Blogger templates vary but keep Blogger's own class names (post-title, post-body,
date-header, published), which is what these selectors rely on. Some themes (the 2022-23
ones) show no date at all: the feed entry a post was found in fills what its page leaves out.
"""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from parsel import Selector, SelectorList

from scrapers.extract.article import parse_item as parse_any_article
from scrapers.extract.dates import WIB, parse_date
from scrapers.extract.feeds import FeedEntry, FeedPage, parse_feed
from scrapers.extract.text import (
    clean_author,
    element_paragraphs,
    html_paragraphs,
    join_paragraphs,
    split_reference,
    strip_site_suffix,
)
from scrapers.items import ArticleItem

FEED_PATH = "feeds/posts/default"
TITLE = ".post-title, h3.entry-title"
BODY = ".post-body, .entry-content"
PUBLISHED = "abbr.published::attr(title), [itemprop=datePublished]::attr(content)"
DATE_HEADER = ".date-header"
AUTHOR = ".post-author .fn, [itemprop=author] [itemprop=name]"
BLOG_TITLE = (
    "meta[property='og:site_name']::attr(content), .header .title a::text, .header h1::text"
)
CANONICAL = "link[rel=canonical]::attr(href)"
REFERENCE_LINK = "a::attr(href)"
# What the page is, as Blogger's page data says: "item" (a post), "static_page" (/p/...),
# "archive", "index" (home, label and search pages) or "error".
PAGE_TYPE = re.compile(r"""['"]pageType['"]\s*:\s*['"](\w+)['"]""")
STATIC_PAGE_PATH = re.compile(r"/p/[^/]+\.html$")
ONE_POST = ("item", "static_page")


def feed_url(blog_url: str, start_index: int = 1, max_results: int = 25) -> str:
    """The blog's Atom feed of posts, one page of it."""
    query = urlencode({"start-index": start_index, "max-results": max_results})
    return f"{urljoin(blog_url.rstrip('/') + '/', FEED_PATH)}?{query}"


def parse_feed_page(body: bytes, url: str, max_results: int = 25) -> FeedPage:
    """Parse one page of the feed; where Blogger leaves out rel=next, page by totalResults.
    Blogger's own rel=next names www.blogger.com/feeds/<blog id>/...: the blog's next page is
    read on the blog's host instead, which the crawl is confined to (where `url` is the
    blog's feed: a saved copy's own URL keeps Blogger's link)."""
    page = parse_feed(body, url)
    if FEED_PATH not in url:
        return page
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


def page_kind(url: str, html: str | None = None) -> str:
    """What a Blogger page is: its page data's pageType, else "static_page" for a /p/ path,
    else "item" (a post)."""
    found = PAGE_TYPE.search(html) if html else None
    if found:
        return found[1]
    return "static_page" if STATIC_PAGE_PATH.search(urlsplit(url).path) else "item"


def parse_post(
    html: str, url: str, source: str, offset: str | None = WIB, entry: FeedEntry | None = None
) -> ArticleItem | None:
    """A post (or a static page) as its page shows it, with what the page leaves out (its
    date, its text) taken from the post's feed entry, if given. None for a page of several
    posts (an archive, the home page)."""
    if page_kind(url, html) not in ONE_POST:
        return None
    page = Selector(text=html)
    body = page.css(BODY)
    blog_title = page.css(BLOG_TITLE).get()
    title = _string(page.css(TITLE))
    if not body or not title:  # a theme of its own: the generic extractor's reading
        found = parse_any_article(html, url, source, offset, (blog_title or "",))
        return _with_entry(found, entry, page, offset, found.published_at) if found else None
    paragraphs = element_paragraphs(body[0].root)
    if paragraphs and paragraphs[0] == title:  # newer themes put it in the body
        paragraphs = paragraphs[1:]
    paragraphs, reference = split_reference(paragraphs)
    reference = _reference_link(body[0], reference) or reference
    canonical = page.css(CANONICAL).get()
    item = ArticleItem(
        url=urljoin(url, canonical) if canonical else url,
        source=source,
        title=strip_site_suffix(title, (blog_title or "",)),
        text=join_paragraphs(paragraphs),
        author=clean_author(_string(page.css(AUTHOR))),
        reference=reference,
    )
    return _with_entry(item, entry, page, offset, _string(page.css(DATE_HEADER)))


def feed_post(entry: FeedEntry, source: str, offset: str | None = WIB) -> ArticleItem:
    """A post as its feed entry gives it: its own URL, title, time (with the blog's offset)
    and, where the feed carries the content, its text."""
    paragraphs, reference = split_reference(html_paragraphs(entry.content_html or ""))
    return ArticleItem(
        url=entry.url,
        source=source,
        title=entry.title,
        text=join_paragraphs(paragraphs),
        published_at=parse_date(entry.published, offset),
        author=clean_author(entry.author),
        reference=reference,
    )


def _with_entry(
    item: ArticleItem,
    entry: FeedEntry | None,
    page: Selector,
    offset: str | None,
    guess: str | None,
) -> ArticleItem:
    """The page's reading, its gaps filled from the feed entry. Times: the page's own
    timestamp, else the feed's (Blogger's own record of the post), else the date header or
    the generic extractor's date."""
    fed = feed_post(entry, item.source, offset) if entry else None
    stamps = [*page.css(PUBLISHED).getall(), fed.published_at if fed else None, guess]
    item.published_at = next(filter(None, (parse_date(s, offset) for s in stamps)), None)
    if fed is None:
        return item
    if not item.text:
        item.text, item.reference = fed.text, fed.reference
    item.title = item.title or fed.title
    item.author = item.author or fed.author
    return item


def _string(found: SelectorList[Selector]) -> str | None:
    """The first element's text, spaces collapsed (its title may sit in a link, on lines of
    its own)."""
    for element in found:
        text = " ".join(element.xpath("string()").get("").split())
        if text:
            return text
    return None


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
