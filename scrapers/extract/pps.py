"""pps.go.kr/eng press releases: the boards' list pages and a release's view page.

Two boards hold the releases: the one the site runs since 2021 (list.do and view.do under
/eng/bbs/, board `key`, releases by `bbsSn`) and the one before it (/bbs/selectBoard.do,
`boardId`, releases by `boardSeqNo`). The new board's rows link through goView('<bbsSn>',
...) and its pager through fn_egov_link_page(n), scripts that submit the list form: their
URLs are the list page's own, with the release or page number put in. Board links carry
list state and servers add ;jsessionid to the path, so a release is named by its board and
number alone (board_url) and keeps one URL whichever page led to it.

View pages are read by their labels ("Date :", "Division:"; the old board's Subject / Date /
Division / Contents table), not by the classes around them. Where neither shape is found,
read_own says None: the spider reads the page generically and counts that it did.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from scrapers.extract.dates import parse_date
from scrapers.extract.discovery import Listing
from scrapers.extract.text import element_paragraphs, join_paragraphs
from scrapers.items import ArticleItem

KST = "+09:00"
GO_VIEW = re.compile(r"""goView\(\s*['"](\d+)['"]""")
LINK_PAGE = re.compile(r"""fn_egov_link_page\(\s*['"]?(\d+)""")
ROW_HANDLERS = "div.board_list tbody tr [onclick*=goView]::attr(onclick)"
ROW_LINKS = ".bbs_list a[href*='boardSeqNo=']::attr(href), .bbs_list a[href*='bbsSn=']::attr(href)"
PAGER_HANDLERS = (
    "[onclick*=fn_egov_link_page]::attr(onclick), a[href*=fn_egov_link_page]::attr(href)"
)
PAGER_LINKS = ".paging a[href*='pageIndex=']::attr(href)"
TITLE = ".board_view .view_title::text, .view_head .view_tit::text, .bbs_view .view_tit::text"
BODY = ".board_view .view_cont, .bbs_view .view_cont"
INFO = ".board_view .view_info, .bbs_view .view_info"
# Without the info list's class: the innermost element that reads "Date : <date>... Division:".
LABELLED = (
    r"//*[re:test(normalize-space(.), 'Date\s*:\s*\d\d\d\d-\d\d-\d\d')"
    r" and re:test(normalize-space(.), 'Division\s*:')]"
)
LABEL = re.compile(r"\b(Writer|Read|Date|Division|Department)\s*:", re.IGNORECASE)
SITE_NAMES = ("PPS", "Public Procurement Service")
BOARD_PARAMETERS = ("key", "boardId")  # what names a board in its URLs
RELEASE_PARAMETERS = (("key", "bbsSn"), ("boardId", "boardSeqNo"))  # what names a release
VIEW_PAGE = "view.do"  # where goView sends the new board's list form


def parse_listing(html: str, url: str) -> Listing:
    """A list page's releases (goView rows, the old board's linked rows) and its pager."""
    page = Selector(text=html)
    board = board_parameters(page, url)
    articles = [
        release_url(url, board, n) for n in numbers(GO_VIEW, page.css(ROW_HANDLERS).getall())
    ]
    articles += [board_url(urljoin(url, href.strip())) for href in page.css(ROW_LINKS).getall()]
    pages = {
        n: list_url(url, board, n) for n in numbers(LINK_PAGE, page.css(PAGER_HANDLERS).getall())
    }
    for href in page.css(PAGER_LINKS).getall():
        target = board_url(urljoin(url, href.strip()))
        pages.setdefault(page_index(target), target)
    current = page_index(url)
    return Listing(
        article_urls=list(dict.fromkeys(articles)),
        next_url=pages.get(current + 1),
        page_urls=[link for number, link in sorted(pages.items()) if number != current],
    )


def goview_links(html: str, url: str) -> list[str]:
    """The releases a list page opens through goView, wherever its markup puts the calls
    (handlers, javascript: links, inline scripts)."""
    page = Selector(text=html)
    board = board_parameters(page, url)
    calls = page.xpath("//@onclick | //@href | //script/text()").getall()
    return list(dict.fromkeys(release_url(url, board, n) for n in numbers(GO_VIEW, calls)))


def read_own(html: str, url: str, source: str, offset: str | None = KST) -> ArticleItem | None:
    """A view page of the new board or of the old one; None where it is neither."""
    page = Selector(text=html)
    return read_view(page, url, source, offset) or read_old_view(page, url, source, offset)


def read_view(page: Selector, url: str, source: str, offset: str | None) -> ArticleItem | None:
    body = page.css(BODY)
    title = " ".join(" ".join(page.css(TITLE).getall()).split())
    if not body or not title:
        return None
    info = page.css(INFO) or page.xpath(LABELLED)[-1:]
    fields = labelled(" ".join(info[0].xpath(".//text()").getall()) if info else "")
    return ArticleItem(
        url=board_url(url),
        source=source,
        title=title,
        text=join_paragraphs(element_paragraphs(body[0].root)),
        published_at=parse_date(fields.get("date"), offset),
        author=fields.get("division") or fields.get("department"),
    )


def read_old_view(page: Selector, url: str, source: str, offset: str | None) -> ArticleItem | None:
    """The old board's view table: a row a label (th), its value beside it (td)."""
    for table in page.css("table"):
        cells = {
            cell_text(th).rstrip(":").strip().lower(): td[0]
            for th in table.css("th")
            if (td := th.xpath("following-sibling::td[1]"))
        }
        title = cell_text(cells.get("subject"))
        if not title or "contents" not in cells:
            continue
        return ArticleItem(
            url=board_url(url),
            source=source,
            title=title,
            text=join_paragraphs(element_paragraphs(cells["contents"].root)),
            published_at=parse_date(cell_text(cells.get("date")), offset),
            author=cell_text(cells.get("division")) or None,
        )
    return None


def cell_text(cell: Selector | None) -> str:
    return " ".join(cell.xpath("string()").get("").split()) if cell is not None else ""


def labelled(text: str) -> dict[str, str]:
    """ "Writer : A Read : 814 Date : 2022-01-17 17:33:01 Division: B" by lower-case label."""
    parts = LABEL.split(" ".join(text.split()))
    return {
        label.lower(): value.strip()
        for label, value in zip(parts[1::2], parts[2::2], strict=True)
        if value.strip()
    }


def numbers(pattern: re.Pattern[str], texts: Iterable[str]) -> list[int]:
    return [int(n) for text in texts for n in pattern.findall(text)]


def board_parameters(page: Selector, url: str) -> dict[str, str]:
    """What names the board of a list page: its URL's key or boardId, else its list form's."""
    query = dict(parse_qsl(urlsplit(url).query))
    found = {}
    for name in BOARD_PARAMETERS:
        value = query.get(name) or page.css(f"form input[name={name}]::attr(value)").get()
        if value:
            found[name] = value.strip()
    return found


def release_url(list_page: str, board: dict[str, str], number: int) -> str:
    """The view page goView(number) opens from this list page."""
    parts = urlsplit(urljoin(session_free(list_page), VIEW_PAGE))
    query = urlencode([*board.items(), ("bbsSn", str(number))])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def list_url(list_page: str, board: dict[str, str], number: int) -> str:
    """The page fn_egov_link_page(number) opens: this list's path, its board, the number
    (page 1 as the board's menu links it, without one)."""
    parts = urlsplit(session_free(list_page))
    state = [("pageIndex", str(number))] if number > 1 else []
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path, urlencode([*board.items(), *state]), "")
    )


def board_url(url: str) -> str:
    """A board page's URL without a session id, list state or search fields: a release by its
    board and number, a list page by its board and page number (none for page 1)."""
    parts = urlsplit(session_free(url))
    query = dict(parse_qsl(parts.query))
    keep: tuple[str, ...] | None = next(
        (names for names in RELEASE_PARAMETERS if query.get(names[1])), None
    )
    if keep is None and any(query.get(name) for name in BOARD_PARAMETERS):
        keep = (*BOARD_PARAMETERS, "pageIndex")
    if keep is None:
        return parts.geturl()
    kept = [(name, query[name]) for name in keep if query.get(name)]
    kept = [(name, value) for name, value in kept if (name, value) != ("pageIndex", "1")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))


def session_free(url: str) -> str:
    """The URL without the ;jsessionid=... (or any ;parameter) a servlet container adds."""
    parts = urlsplit(url)
    return parts._replace(path=parts.path.split(";", 1)[0]).geturl()


def page_index(url: str) -> int:
    raw = dict(parse_qsl(urlsplit(url).query)).get("pageIndex", "1")
    return int(raw) if raw.isdigit() else 1
