"""lkpp.go.id news: the paginated listing and the article page.

Pages whose markup these selectors do not find (a redesign, an odd page) fall back to the
generic extractor, so a template change degrades extraction instead of losing articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from parsel import Selector

from scrapers.extract.article import parse_item as parse_any_article
from scrapers.extract.dates import WIB, parse_date
from scrapers.extract.text import (
    clean_author,
    element_paragraphs,
    join_paragraphs,
    split_reference,
    strip_site_suffix,
)
from scrapers.items import ArticleItem

LISTING_LINKS = ".news-item-title a::attr(href), .news-list article h3 a::attr(href)"
LISTING_NEXT = "a[rel=next]::attr(href), .pagination li.active + li a::attr(href)"
LISTING_PAGES = ".pagination a::attr(href)"
TITLE = "h1.news-title::text, .news-detail h1::text"
DATE = ".news-date"
AUTHOR = ".news-author::text"
BODY = ".news-detail .news-content, .news-content"
CANONICAL = "link[rel=canonical]::attr(href)"
SITE_NAMES = ("LKPP", "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah")


@dataclass(frozen=True)
class Listing:
    article_urls: list[str] = field(default_factory=list)
    next_url: str | None = None
    page_urls: list[str] = field(default_factory=list)  # every listing page the pager links


def parse_listing(html: str, url: str) -> Listing:
    page = Selector(text=html)
    links = dict.fromkeys(urljoin(url, href.strip()) for href in page.css(LISTING_LINKS).getall())
    next_href = page.css(LISTING_NEXT).get()
    pages = dict.fromkeys(urljoin(url, href.strip()) for href in page.css(LISTING_PAGES).getall())
    return Listing(list(links), urljoin(url, next_href) if next_href else None, list(pages))


def parse_article(html: str, url: str, source: str, offset: str = WIB) -> ArticleItem | None:
    page = Selector(text=html)
    body = page.css(BODY)
    title = page.css(TITLE).get()
    if not body or not title:
        return parse_any_article(html, url, source, offset, SITE_NAMES)
    paragraphs, reference = split_reference(element_paragraphs(body[0].root))
    canonical = page.css(CANONICAL).get()
    return ArticleItem(
        url=urljoin(url, canonical) if canonical else url,
        source=source,
        title=strip_site_suffix(title, SITE_NAMES),
        text=join_paragraphs(paragraphs),
        published_at=parse_date(" ".join(page.css(DATE).xpath("string()").getall()), offset),
        author=clean_author(page.css(AUTHOR).get()),
        reference=reference,
    )
