"""pps.go.kr/eng press releases: the board's list pages and a release's view page.

Board links carry list state (pageIndex, search fields) and servers add a ;jsessionid to the
path; a release is named by its board key and sequence number (bbsSn) alone, so that it
keeps one URL whichever list page led to it. The pager shows ten pages at a time and its
"Next" button jumps a block, so the next page is found by its number, not by the button.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from scrapers.extract.article import parse_item as parse_any_article
from scrapers.extract.dates import parse_date
from scrapers.extract.lkpp import Listing
from scrapers.extract.text import element_paragraphs, join_paragraphs
from scrapers.items import ArticleItem

KST = "+09:00"
LISTING_LINKS = ".bbs_list a[href*='bbsSn=']::attr(href)"
PAGER_LINKS = ".paging a::attr(href)"
TITLE = ".view_head .view_tit::text, .bbs_view .view_tit::text"
INFO_ITEMS = ".view_info li"
INFO_LABEL = ".label::text"
BODY = ".bbs_view .view_cont"
SITE_NAMES = ("PPS", "Public Procurement Service")
ARTICLE_PARAMETERS = ("key", "bbsSn")
LIST_PARAMETERS = ("key", "pageIndex")
DATE_LABELS = ("date", "posted", "registered")
DEPARTMENT_LABELS = ("division", "department")


def parse_listing(html: str, url: str) -> Listing:
    page = Selector(text=html)
    links = dict.fromkeys(
        board_url(urljoin(url, href.strip()), ARTICLE_PARAMETERS)
        for href in page.css(LISTING_LINKS).getall()
    )
    current = page_index(url)
    pages = {
        page_index(target): board_url(target, LIST_PARAMETERS)
        for target in (urljoin(url, href.strip()) for href in page.css(PAGER_LINKS).getall())
    }
    return Listing(
        article_urls=list(links),
        next_url=pages.get(current + 1),
        page_urls=[link for number, link in sorted(pages.items()) if number != current],
    )


def parse_article(html: str, url: str, source: str, offset: str = KST) -> ArticleItem | None:
    page = Selector(text=html)
    body = page.css(BODY)
    title = " ".join(" ".join(page.css(TITLE).getall()).split())
    if not body or not title:
        return parse_any_article(html, url, source, offset, SITE_NAMES)
    info = info_fields(page)
    return ArticleItem(
        url=board_url(url, ARTICLE_PARAMETERS),
        source=source,
        title=title,
        text=join_paragraphs(element_paragraphs(body[0].root)),
        published_at=parse_date(first_field(info, DATE_LABELS), offset),
        author=first_field(info, DEPARTMENT_LABELS),
    )


def info_fields(page: Selector) -> dict[str, str]:
    """The view page's "Label : value" items, by lower-case label."""
    fields = {}
    for item in page.css(INFO_ITEMS):
        label = " ".join(item.css(INFO_LABEL).getall())
        text = " ".join(item.xpath("string()").get("").split())
        name = label.strip().rstrip(":").strip().lower()
        if name:
            fields[name] = text.removeprefix(" ".join(label.split())).strip()
    return fields


def first_field(fields: dict[str, str], labels: tuple[str, ...]) -> str | None:
    return next((fields[label] for label in labels if fields.get(label)), None)


def board_url(url: str, keep: tuple[str, ...]) -> str:
    """The URL with only the `keep` query parameters (in that order) and no session id."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    kept = [(name, query[name]) for name in keep if query.get(name)]
    if not kept:
        return url
    path = parts.path.split(";", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(kept), ""))


def page_index(url: str) -> int:
    raw = dict(parse_qsl(urlsplit(url).query)).get("pageIndex", "1")
    return int(raw) if raw.isdigit() else 1
