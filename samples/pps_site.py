"""A Korean agency's English press releases, shaped like what is publicly known of pps.go.kr/eng.

The board the site runs since 2021 (`/eng/bbs/list.do?key=00796`): list pages whose rows
sit in `div.board_list tbody tr`, with the title in `td.title div.viewbox` inside
`<a href="#none" onclick="goView('<bbsSn>','0001')">` and the date in `td.normal`, paged
through `fn_egov_link_page(n)` (ten pages a block, a pinned notice on every page); view
pages at `/eng/bbs/view.do?key=00796&bbsSn=<bbsSn>` that read "Writer : ... Read : N
Date : YYYY-MM-DD HH:MM:SS Division: ...". Releases before 2021 are on the board before it,
`/bbs/selectBoard.do?boardId=ENG002&boardSeqNo=<n>`, a table of Subject / Writer / Date /
Read / Division / Contents. The live old board's list page is not publicly known: the one
here (`/bbs/selectBoardList.do?boardId=ENG002`) is our design, and so is the markup around
the known labels of both view pages.

The server keeps sessions as a Java servlet container does for a client that sends no
cookie (a crawl sends none): it writes `;jsessionid=...` into the paths of the links and
forms it renders, and the old board sends a visitor without a session to the same address
with one. `redesign()` serves the new board in another template that keeps only the board
script's goView and fn_egov_link_page calls, as a relaunch might.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from html import escape
from urllib.parse import urlencode

import yaml

from samples.content import CONTENT_DIR
from samples.documents import make_pdf
from samples.render import paragraphs_html
from samples.server import Page, SampleRequest, Site

CONTROL = "/__control/"
PER_PAGE = 10
BLOCK = 10  # pages the pager shows at a time; "Next" jumps to the next block
ROBOTS = "User-agent: *\nDisallow: /eng/search/\nDisallow: /__control/\nAllow: /eng/\n"
KST = timezone(timedelta(hours=9))
SESSION_COOKIE = "JSESSIONID"
DEFAULT_WRITER = "Spokesperson's Office"


@dataclass(frozen=True)
class Board:
    name: str  # its key in content/pps_news.yml
    list_path: str
    view_path: str
    file_path: str
    board_parameter: str  # the query parameter that names the board, and its value
    board_id: str
    id_parameter: str  # the query parameter that names a release

    def query(self, **more: object) -> str:
        return urlencode({self.board_parameter: self.board_id, **more})

    def view(self, release_id: int) -> str:
        return f"{self.view_path}?{self.query(**{self.id_parameter: release_id})}"


PRESS = Board(
    "press_releases", "/eng/bbs/list.do", "/eng/bbs/view.do", "/eng/bbs/fileDown.do",
    "key", "00796", "bbsSn",
)  # fmt: skip
OLD_BOARD = Board(
    "old_board", "/bbs/selectBoardList.do", "/bbs/selectBoard.do", "/bbs/fileDown.do",
    "boardId", "ENG002", "boardSeqNo",
)  # fmt: skip
BOARDS = (PRESS, OLD_BOARD)


@dataclass(frozen=True)
class Photo:
    after: int  # placed after this paragraph (0 = the first)
    file: str
    caption: str


@dataclass(frozen=True)
class Release:
    id: int  # its number on its board (bbsSn, boardSeqNo)
    board: Board
    title: str
    published: datetime  # KST, naive
    department: str
    writer: str
    views: int
    paragraphs: tuple[str, ...]
    attachments: tuple[str, ...] = ()
    photo: Photo | None = None
    pinned: bool = False
    modified: datetime | None = None

    @property
    def path(self) -> str:
        """Its view page, as the board names it (no list state, no session)."""
        return self.board.view(self.id)

    @property
    def last_change(self) -> datetime:
        return self.modified or self.published

    @property
    def text_paragraphs(self) -> tuple[str, ...]:
        """The paragraphs as a reader sees them: the photo's caption in its place."""
        if self.photo is None:
            return self.paragraphs
        cut = self.photo.after + 1
        return (*self.paragraphs[:cut], self.photo.caption, *self.paragraphs[cut:])


@cache
def pps_releases() -> tuple[Release, ...]:
    """The releases of both boards (content/pps_news.yml), newest first."""
    content = yaml.safe_load((CONTENT_DIR / "pps_news.yml").read_text(encoding="utf-8"))
    releases = [
        Release(
            id=int(row["id"]),
            board=board,
            title=row["title"],
            published=datetime.strptime(row["published"], "%Y-%m-%d %H:%M:%S"),
            department=row["department"],
            writer=row.get("writer", DEFAULT_WRITER),
            views=int(row["views"]),
            paragraphs=tuple(row["paragraphs"]),
            attachments=tuple(row.get("attachments", ())),
            photo=Photo(**row["photo"]) if "photo" in row else None,
            pinned=bool(row.get("pinned", False)),
        )
        for board in BOARDS
        for row in content[board.name]
    ]
    return tuple(sorted(releases, key=lambda r: r.published, reverse=True))


@dataclass(frozen=True)
class Visit:
    """The session a request belongs to, and whether the links written for it carry it."""

    session: str
    rewrite: bool  # the client sent no session cookie
    new: bool = False  # the request named no session at all

    def url(self, path: str) -> str:
        return f"{path};jsessionid={self.session}" if self.rewrite else path


class PressReleaseBoard(Site):
    def __init__(self, releases: tuple[Release, ...], per_page: int = PER_PAGE) -> None:
        self.releases = list(releases)
        self.by_id = {r.id: r for r in releases}
        self.per_page = per_page
        self.redesigned = False
        self.sessions = itertools.count(1)

    def redesign(self) -> None:
        """Serve the new board in another template: cards instead of the table, a view page
        without the "Label :" list. The board script's calls stay."""
        self.redesigned = True

    def edit(self, release_id: int) -> None:
        """Correct a release's last paragraph, as a division revising a posted release."""
        release = self.by_id[release_id]
        paragraphs = (*release.paragraphs[:-1], release.paragraphs[-1] + " (Revised.)")
        now = datetime.now(KST).replace(tzinfo=None, microsecond=0)
        edited = replace(release, paragraphs=paragraphs, modified=now)
        self.releases[self.releases.index(release)] = edited
        self.by_id[release_id] = edited

    def delete(self, release_id: int) -> None:
        self.releases.remove(self.by_id.pop(release_id))

    def on(self, board: Board) -> list[Release]:
        return [r for r in self.releases if r.board == board]

    # Requests: the session first, then the page.

    def handle(self, request: SampleRequest) -> Page:
        if request.method != "GET":
            return Page.error(405, "Method Not Allowed")
        return self.serve(request.path, request.query, request.cookies.get(SESSION_COOKIE))

    def route(self, path: str, query: dict[str, str]) -> Page:
        return self.serve(path, query, None)

    def serve(self, raw_path: str, query: dict[str, str], cookie: str | None) -> Page:
        path, _, parameters = raw_path.partition(";")
        named = (
            parameters.removeprefix("jsessionid=") if parameters.startswith("jsessionid=") else ""
        )
        if cookie:
            visit = Visit(cookie, rewrite=False)
        elif named:
            visit = Visit(named, rewrite=True)
        else:
            visit = Visit(self.new_session(), rewrite=True, new=True)
        page = self.page(path, query, visit)
        if visit.new and page.status in (200, 302) and page.content_type == "text/html":
            page.headers["Set-Cookie"] = f"{SESSION_COOKIE}={visit.session}; Path=/; HttpOnly"
        return page

    def new_session(self) -> str:
        """A session id as Tomcat writes one: 32 hex digits and the node's route."""
        return hashlib.sha1(b"%d" % next(self.sessions)).hexdigest()[:32].upper() + ".node1"

    def page(self, path: str, query: dict[str, str], visit: Visit) -> Page:
        if path == "/robots.txt":
            return Page.text(ROBOTS)
        if path.startswith(CONTROL):  # a benchmark edits a server in another process
            action, _, raw_id = path.removeprefix(CONTROL).partition("/")
            if action not in ("edit", "delete") or not raw_id.isdigit():
                return Page.error(404, "unknown release or action")
            if int(raw_id) not in self.by_id:
                return Page.error(404, "unknown release")
            getattr(self, action)(int(raw_id))
            return Page.text("ok")
        if path in ("/eng", "/eng/") or (path == PRESS.list_path and "key" not in query):
            return self.redirect(visit.url(PRESS.list_path) + "?" + PRESS.query())
        for board in BOARDS:
            if path not in (board.list_path, board.view_path, board.file_path):
                continue
            if query.get(board.board_parameter) != board.board_id:
                return Page.error(404, "The board does not exist.")
            if path == board.list_path:
                raw = query.get("pageIndex", "1")
                return self.listing(board, int(raw) if raw.isdigit() else 1, visit)
            raw_id = query.get(board.id_parameter, "")
            release = self.by_id.get(int(raw_id)) if raw_id.isdigit() else None
            if release is None or release.board != board:
                return Page.error(404, "The post does not exist or has been deleted.")
            if path == board.file_path:
                return self.attachment(release, query.get("fileSn", ""))
            if board == OLD_BOARD and visit.new:  # sent back with a session in the path
                return self.redirect(visit.url(path) + "?" + urlencode(query))
            return self.view(release, visit)
        return Page.error(404, "The page you requested could not be found.")

    def redirect(self, target: str) -> Page:
        return Page(302, "text/html", b"", {"Location": self.base_url + target})

    def attachment(self, release: Release, raw_n: str) -> Page:
        """An attachment as a PDF of our own making; of a release with several files the
        last is missing, as on a board that lost some old uploads."""
        n = int(raw_n) if raw_n.isdigit() else 0
        count = len(release.attachments)
        if not 1 <= n <= count or (count > 1 and n == count):
            return Page.error(404, "The file could not be found.")
        name = release.attachments[n - 1]
        body = make_pdf(release.title, [f"Attachment {n}: {name}", *release.paragraphs])
        disposition = f'attachment; filename="{name}"'
        return Page(200, "application/pdf", body, {"Content-Disposition": disposition})

    # List pages.

    def pages(self, board: Board) -> int:
        return max(1, -(-len(self.on(board)) // self.per_page))

    def listing(self, board: Board, page: int, visit: Visit) -> Page:
        if not 1 <= page <= self.pages(board):
            return Page.error(404, "The page you requested could not be found.")
        releases = self.on(board)
        start = (page - 1) * self.per_page
        chunk = list(enumerate(releases[start : start + self.per_page]))
        numbered = [(str(len(releases) - start - n), r) for n, r in chunk]
        notices = [("Notice", r) for r in releases if r.pinned]
        if board == OLD_BOARD:
            body = self.old_list(numbered, page, visit)
        elif self.redesigned:
            body = self.card_list(notices + numbered, page)
        else:
            body = self.board_list(notices + numbered, page, visit)
        return Page.html(self.layout(board, f"Press Releases (page {page})", body))

    def board_list(self, rows: list[tuple[str, Release]], page: int, visit: Visit) -> str:
        releases = self.on(PRESS)
        cells = "".join(
            f"""    <tr{' class="notice"' if number == "Notice" else ""}>
      <td class="num">{'<span class="ico_notice">Notice</span>' if number == "Notice" else number}</td>
      <td class="title"><a href="#none" onclick="goView('{r.id}','0001')"><div class="viewbox">{escape(r.title)}</div></a></td>
      <td class="file">{'<img src="/eng/images/ico_file.gif" alt="attached file">' if r.attachments else ""}</td>
      <td class="normal">{r.published:%Y-%m-%d}</td>
      <td class="hit">{r.views}</td>
    </tr>
"""
            for number, r in rows
        )
        return f"""<form name="listForm" id="listForm" method="get" action="{visit.url(PRESS.list_path)}">
  <input type="hidden" name="key" value="{PRESS.board_id}">
  <input type="hidden" name="pageIndex" value="{page}">
  <input type="hidden" name="bbsSn" value="">
  <div class="board_top">
    <p class="total">Total <strong>{len(releases)}</strong> [{page}/{self.pages(PRESS)} Page]</p>
    <div class="board_search">
      <select name="searchCnd" title="Search field"><option value="1">Title</option><option value="2">Content</option></select>
      <input type="text" name="searchWrd" title="Search word"> <a href="#none" onclick="fn_search();" class="btn_search">Search</a>
    </div>
  </div>
</form>
<div class="board_list">
  <table>
    <caption>Press Releases: No, Title, File, Date, Read</caption>
    <colgroup><col class="num"><col><col class="file"><col class="date"><col class="hit"></colgroup>
    <thead><tr><th scope="col">No</th><th scope="col">Title</th><th scope="col">File</th><th scope="col">Date</th><th scope="col">Read</th></tr></thead>
    <tbody>
{cells}    </tbody>
  </table>
</div>
{self.pager(PRESS, page)}
<script>
function goView(bbsSn, bbsTyCode) {{
  var form = document.listForm;
  form.bbsSn.value = bbsSn;
  form.action = "{PRESS.view_path}";
  form.submit();
}}
function fn_egov_link_page(pageNo) {{
  var form = document.listForm;
  form.pageIndex.value = pageNo;
  form.action = "{PRESS.list_path}";
  form.submit();
}}
</script>"""

    def card_list(self, rows: list[tuple[str, Release]], page: int) -> str:
        cards = "".join(
            f"""  <li class="card{" pinned" if number == "Notice" else ""}">
    <a href="javascript:;" onclick="goView('{r.id}','0001'); return false;">
      <strong class="card_title">{escape(r.title)}</strong>
      <span class="card_date">{r.published:%d %b %Y}</span>
    </a>
  </li>
"""
            for number, r in rows
        )
        return f"""<ul class="press_cards">
{cards}</ul>
{self.pager(PRESS, page)}
<script src="/eng/js/board.js"></script>"""

    def old_list(self, rows: list[tuple[str, Release]], page: int, visit: Visit) -> str:
        cells = "".join(
            f"""    <tr>
      <td>{number}</td>
      <td class="subject"><a href="{visit.url(OLD_BOARD.view_path)}?{escape(OLD_BOARD.query(boardSeqNo=r.id, pageIndex=page))}">{escape(r.title)}</a></td>
      <td>{escape(r.department)}</td>
      <td>{r.published:%Y-%m-%d}</td>
      <td>{r.views}</td>
    </tr>
"""
            for number, r in rows
        )
        return f"""<div class="bbs_list">
  <table summary="Press releases before 2021: No, Subject, Division, Date, Read">
    <thead><tr><th>No</th><th>Subject</th><th>Division</th><th>Date</th><th>Read</th></tr></thead>
    <tbody>
{cells}    </tbody>
  </table>
</div>
{self.pager(OLD_BOARD, page)}
<script>
function fn_egov_link_page(pageNo) {{
  location.href = "{OLD_BOARD.list_path}?{OLD_BOARD.query()}&pageIndex=" + pageNo;
}}
</script>"""

    def pager(self, board: Board, page: int) -> str:
        def link(n: int, label: str, css: str, title: str) -> str:
            return f'<a href="#none" onclick="fn_egov_link_page({n}); return false;" class="{css}" title="{title}">{label}</a>'

        pages = self.pages(board)
        first = (page - 1) // BLOCK * BLOCK + 1
        last = min(first + BLOCK - 1, pages)
        numbers = "".join(
            f'<strong title="current page">{n}</strong>'
            if n == page
            else f'<a href="#none" onclick="fn_egov_link_page({n}); return false;">{n}</a>'
            for n in range(first, last + 1)
        )
        return f"""<div class="paging">
  {link(1, "First", "first", "first page")}
  {link(max(1, first - 1), "Prev", "prev", "previous ten pages")}
  <span class="num">{numbers}</span>
  {link(min(pages, last + 1), "Next", "next", "next ten pages")}
  {link(pages, "Last", "last", "last page")}
</div>"""

    # View pages.

    def view(self, release: Release, visit: Visit) -> Page:
        if release.board == OLD_BOARD:
            body = self.old_view(release, visit)
        elif self.redesigned:
            body = self.card_view(release)
        else:
            body = self.board_view(release, visit)
        html = Page.html(self.layout(release.board, release.title, body))
        html.last_modified = release.last_change.replace(tzinfo=KST).astimezone(UTC)
        return html

    def files(self, release: Release) -> str:
        board = release.board
        return "".join(
            f'<li><a href="{board.file_path}?{escape(board.query(**{board.id_parameter: release.id, "fileSn": n}))}">'
            f'{escape(name)}</a> <a href="#none" class="btn_preview">Preview</a></li>'
            for n, name in enumerate(release.attachments, start=1)
        )

    def board_view(self, release: Release, visit: Visit) -> str:
        board = self.on(PRESS)
        index = board.index(release)
        newer = board[index - 1] if index > 0 else None
        older = board[index + 1] if index + 1 < len(board) else None

        def neighbour(other: Release | None) -> str:
            if other is None:
                return "<span>There is no post.</span>"
            href = f"{visit.url(PRESS.view_path)}?{escape(PRESS.query(bbsSn=other.id))}"
            return f'<a href="{href}">{escape(other.title)}</a>'

        files = self.files(release)
        return f"""<div class="board_view">
  <div class="view_top">
    <h4 class="view_title">{escape(release.title)}</h4>
    <ul class="view_info">
      <li><span class="tit">Writer :</span> {escape(release.writer)}</li>
      <li><span class="tit">Read :</span> {release.views}</li>
      <li><span class="tit">Date :</span> {release.published:%Y-%m-%d %H:%M:%S}</li>
      <li><span class="tit">Division:</span> {escape(release.department)}</li>
    </ul>
  </div>
  {f'<div class="view_file"><strong class="tit">Attached File</strong><ul>{files}</ul></div>' if files else ""}
  <div class="view_cont">
{self.content(release)}
  </div>
</div>
<div class="board_nav">
  <dl class="prev"><dt>Prev</dt><dd>{neighbour(newer)}</dd></dl>
  <dl class="next"><dt>Next</dt><dd>{neighbour(older)}</dd></dl>
</div>
<div class="board_btn"><a class="btn_list" href="{visit.url(PRESS.list_path)}?{escape(PRESS.query(pageIndex=1))}">List</a></div>"""

    def card_view(self, release: Release) -> str:
        stamp = release.published.replace(tzinfo=KST).isoformat()
        return f"""<article class="press_view">
  <h2 class="press_title">{escape(release.title)}</h2>
  <p class="press_meta"><time datetime="{stamp}">{release.published:%d %B %Y}</time> | {escape(release.department)}</p>
  <div class="press_body">
{self.content(release)}
  </div>
  <a href="#none" onclick="history.back();" class="press_back">Back to the list</a>
</article>"""

    def old_view(self, release: Release, visit: Visit) -> str:
        files = self.files(release)
        attached = (
            f'<tr><th scope="row">Attached File</th><td><ul class="file">{files}</ul></td></tr>'
            if files
            else ""
        )
        back = f"{visit.url(OLD_BOARD.list_path)}?{escape(OLD_BOARD.query(pageIndex=1))}"
        return f"""<div class="board_view">
  <table class="view_table" summary="Press release: Subject, Writer, Date, Read, Division, Contents">
    <caption>Press release</caption>
    <colgroup><col style="width:15%"><col></colgroup>
    <tbody>
      <tr><th scope="row">Subject</th><td class="subject">{escape(release.title)}</td></tr>
      <tr><th scope="row">Writer</th><td>{escape(release.writer)}</td></tr>
      <tr><th scope="row">Date</th><td>{release.published:%Y-%m-%d %H:%M:%S}</td></tr>
      <tr><th scope="row">Read</th><td>{release.views}</td></tr>
      <tr><th scope="row">Division</th><td>{escape(release.department)}</td></tr>
      {attached}
      <tr><th scope="row">Contents</th><td class="contents">
{self.content(release)}
      </td></tr>
    </tbody>
  </table>
  <div class="btn_area"><a class="btn" href="{back}">List</a></div>
</div>"""

    @staticmethod
    def content(release: Release) -> str:
        if release.photo is None:
            return paragraphs_html(release.paragraphs)
        cut = release.photo.after + 1
        photo = (
            f'<p class="photo"><img src="/upload/bbs/{escape(release.photo.file)}" '
            f'alt="{escape(release.photo.caption)}"></p>\n'
            f'<p class="caption">{escape(release.photo.caption)}</p>'
        )
        return "\n".join(
            [
                paragraphs_html(release.paragraphs[:cut]),
                photo,
                paragraphs_html(release.paragraphs[cut:]),
            ]
        )

    def layout(self, board: Board, title: str, body: str) -> str:
        section = "Press Releases" if board == PRESS else "Press Releases (before 2021)"
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{escape(title)} | What's New | Public Procurement Service</title>
<link rel="stylesheet" href="/eng/css/common.css">
<script src="/eng/js/jquery.min.js"></script>
</head>
<body>
<div id="skip_nav">
  <a href="#contents">Go to contents area</a> <a href="#gnb">Go to main menus area</a> <a href="#footer">Go to footer links area</a>
</div>
<header id="header">
  <h1 class="logo"><a href="/eng/index.do"><img src="/eng/images/logo.png" alt="Public Procurement Service"></a></h1>
  <ul class="util"><li><a href="/kor/index.do" lang="ko">한국어</a></li><li><a href="/eng/sitemap.do">Sitemap</a></li></ul>
  <nav id="gnb"><ul>
    <li><a href="/eng/content.do?key=00801">About PPS</a></li>
    <li><a href="/eng/content.do?key=00777">KONEPS</a></li>
    <li><a href="/eng/content.do?key=00810">Procurement Policy</a></li>
    <li class="on"><a href="{PRESS.list_path}?{PRESS.query()}">What's New</a></li>
  </ul></nav>
</header>
<div id="container">
  <aside id="lnb"><h2>What's New</h2><ul>
    <li class="on"><a href="{PRESS.list_path}?{PRESS.query()}">Press Releases</a></li>
    <li><a href="{PRESS.list_path}?key=00797">Notices</a></li>
    <li><a href="{PRESS.list_path}?key=00798">Events</a></li>
  </ul></aside>
  <div id="contents">
    <div class="location">Home &gt; What's New &gt; {section}</div>
    <h3 class="tit">{section}</h3>
    <div class="share"><span>Share</span> <a href="#none" class="copy">Copy Link</a> <a href="#none" class="print" onclick="window.print();return false;">Print</a></div>
{body}
  </div>
</div>
<footer id="footer">
  <ul class="foot_link"><li><a href="/eng/content.do?key=00830">Privacy Policy</a></li><li><a href="/eng/content.do?key=00831">Copyright Policy</a></li></ul>
  <address>Government Complex-Daejeon, 189 Cheongsa-ro, Seo-gu, Daejeon, Republic of Korea</address>
  <p class="copy">Copyright &copy; Public Procurement Service. All rights reserved.</p>
</footer>
</body>
</html>"""
