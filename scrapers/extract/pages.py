"""Which extractor reads a saved page, and reading it: the code path crawls use."""

from __future__ import annotations

from scrapers.extract import blogger, lkpp, pps
from scrapers.extract.article import parse_item
from scrapers.extract.dates import WIB
from scrapers.items import ArticleItem

# Markup that names a template when the URL does not (a saved page, a sample site).
TEMPLATE_MARKERS = (
    (b'content="blogger" name="generator"', "blogger_mirror"),
    (b"content='blogger' name='generator'", "blogger_mirror"),
    (b'name="generator" content="blogger"', "blogger_mirror"),
    (b'class="news-detail', "lkpp_news"),
    (b'class="board_view', "pps_news"),
    (b'class="bbs_view', "pps_news"),
)


def looks_truncated(html: str) -> bool:
    """A page cut short on the way (a listing page of a site under load, a proxy's limit)
    has no closing </html>; a site's templates always write one."""
    return "</html>" not in html[-4096:].lower()


def guess_spider(body: bytes) -> str:
    head = body[:200_000]
    for marker, spider in TEMPLATE_MARKERS:
        if marker in head:
            return spider
    return "article"


def extract_article(
    html: str, url: str, spider: str, source: str, offset: str | None = WIB
) -> ArticleItem | None:
    """The article a crawl by `spider` would take from this page."""
    if spider == "lkpp_news":
        return lkpp.parse_article(html, url, source, offset)
    if spider == "blogger_mirror":
        return blogger.parse_post(html, url, source, offset)
    if spider == "pps_news":
        return pps.parse_article(html, url, source, offset)
    return parse_item(html, url, source, offset)
