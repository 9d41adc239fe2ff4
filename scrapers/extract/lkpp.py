"""lkpp.go.id news as our sample site writes it: the paginated listing and the article page.

These selectors are a fast path: the live site's markup is not publicly known, so the spider
finds articles by URL pattern and reads pages generically where these find nothing (and
says so: a source whose pages all fall back has drifted). scrapers.extract.extractors says
which reader reads a page.
"""

from __future__ import annotations

from urllib.parse import urljoin

from parsel import Selector

from scrapers.extract.dates import WIB, parse_date
from scrapers.extract.discovery import Listing, joined
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


def parse_listing(html: str, url: str) -> Listing:
    page = Selector(text=html)
    links = dict.fromkeys(joined(url, href.strip()) for href in page.css(LISTING_LINKS).getall())
    next_href = page.css(LISTING_NEXT).get()
    pages = dict.fromkeys(joined(url, href.strip()) for href in page.css(LISTING_PAGES).getall())
    return Listing(list(links), urljoin(url, next_href) if next_href else None, list(pages))


def read_own(html: str, url: str, source: str, offset: str | None = WIB) -> ArticleItem | None:
    """The article by the site's selectors; None where the page does not have them."""
    page = Selector(text=html)
    body = page.css(BODY)
    title = page.css(TITLE).get()
    if not body or not title:
        return None
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
