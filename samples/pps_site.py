"""A Korean agency's English press-release board, modelled on pps.go.kr/eng: a list table
(No | Title | Department | Date | Views) with a pinned notice and a pager that shows ten
pages a block, and view pages that carry the release with its attachments and links to the
neighbouring releases, inside the site's menus and footer."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from html import escape

import yaml

from samples.content import CONTENT_DIR
from samples.documents import make_pdf
from samples.render import paragraphs_html
from samples.server import Page, Site

BOARD_KEY = "00796"
LIST_PATH = "/eng/bbs/list.do"
VIEW_PATH = "/eng/bbs/view.do"
FILE_PATH = "/eng/bbs/fileDown.do"
CONTROL = "/__control/"
PER_PAGE = 10
BLOCK = 10  # pages the pager shows at a time; "Next" jumps to the next block
ROBOTS = "User-agent: *\nDisallow: /eng/search/\nDisallow: /__control/\nAllow: /eng/\n"
KST = timezone(timedelta(hours=9))


@dataclass(frozen=True)
class Photo:
    after: int  # placed after this paragraph (0 = the first)
    file: str
    caption: str


@dataclass(frozen=True)
class Release:
    id: int  # the board's sequence number (bbsSn)
    title: str
    published: datetime  # KST, naive
    department: str
    views: int
    paragraphs: tuple[str, ...]
    attachments: tuple[str, ...] = ()
    photo: Photo | None = None
    pinned: bool = False
    modified: datetime | None = None

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
    """The board's releases (content/pps_news.yml), newest first."""
    rows = yaml.safe_load((CONTENT_DIR / "pps_news.yml").read_text(encoding="utf-8"))
    releases = [
        Release(
            id=int(row["id"]),
            title=row["title"],
            published=datetime.strptime(row["published"], "%Y-%m-%d %H:%M:%S"),
            department=row["department"],
            views=int(row["views"]),
            paragraphs=tuple(row["paragraphs"]),
            attachments=tuple(row.get("attachments", ())),
            photo=Photo(**row["photo"]) if "photo" in row else None,
            pinned=bool(row.get("pinned", False)),
        )
        for row in rows
    ]
    return tuple(sorted(releases, key=lambda r: r.published, reverse=True))


def view_path(release: Release) -> str:
    return f"{VIEW_PATH}?key={BOARD_KEY}&bbsSn={release.id}"


class PressReleaseBoard(Site):
    def __init__(self, releases: tuple[Release, ...], per_page: int = PER_PAGE) -> None:
        self.releases = list(releases)
        self.by_id = {r.id: r for r in releases}
        self.per_page = per_page

    def edit(self, bbs_sn: int) -> None:
        """Correct a release's last paragraph, as a division revising a posted release."""
        release = self.by_id[bbs_sn]
        paragraphs = (*release.paragraphs[:-1], release.paragraphs[-1] + " (Revised.)")
        now = datetime.now(KST).replace(tzinfo=None, microsecond=0)
        edited = replace(release, paragraphs=paragraphs, modified=now)
        self.releases[self.releases.index(release)] = edited
        self.by_id[bbs_sn] = edited

    def delete(self, bbs_sn: int) -> None:
        self.releases.remove(self.by_id.pop(bbs_sn))

    def route(self, path: str, query: dict[str, str]) -> Page:
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
        if query.get("key", BOARD_KEY) != BOARD_KEY:
            return Page.error(404, "The board does not exist.")
        if path in ("/eng", "/eng/", LIST_PATH):
            page = query.get("pageIndex", "1")
            return self.listing(int(page) if page.isdigit() else 1)
        if path == VIEW_PATH:
            raw_id = query.get("bbsSn", "")
            release = self.by_id.get(int(raw_id)) if raw_id.isdigit() else None
            if release is not None:
                return self.view(release, query.get("pageIndex", "1"))
            return Page.error(404, "The post does not exist or has been deleted.")
        if path == FILE_PATH:
            return self.attachment(query)
        return Page.error(404, "The page you requested could not be found.")

    def attachment(self, query: dict[str, str]) -> Page:
        """An attachment as a PDF of our own making; of a release with several files the
        last is missing, as on a board that lost some old uploads."""
        raw_id, raw_n = query.get("bbsSn", ""), query.get("fileSn", "")
        release = self.by_id.get(int(raw_id)) if raw_id.isdigit() else None
        n = int(raw_n) if raw_n.isdigit() else 0
        count = len(release.attachments) if release else 0
        if release is None or not 1 <= n <= count or (count > 1 and n == count):
            return Page.error(404, "The file could not be found.")
        name = release.attachments[n - 1]
        body = make_pdf(release.title, [f"Attachment {n}: {name}", *release.paragraphs])
        disposition = f'attachment; filename="{name}"'
        return Page(200, "application/pdf", body, {"Content-Disposition": disposition})

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.releases) // self.per_page))

    def listing(self, page: int) -> Page:
        if not 1 <= page <= self.pages:
            return Page.error(404, "The page you requested could not be found.")
        start = (page - 1) * self.per_page
        rows = [
            self.row(str(len(self.releases) - start - n), release, page)
            for n, release in enumerate(self.releases[start : start + self.per_page])
        ]
        notices = [self.row("Notice", r, page, "notice") for r in self.releases if r.pinned]
        body = f"""<div class="bbs_top">
  <p class="total">Total <strong>{len(self.releases)}</strong> posts, page {page} of {self.pages}</p>
  <form class="bbs_search" action="/eng/search/bbs.do" method="get">
    <input type="hidden" name="key" value="{BOARD_KEY}">
    <select name="searchCnd" title="Search field"><option value="1">Title</option><option value="2">Content</option></select>
    <input type="text" name="searchWrd" title="Search word"> <button type="submit">Search</button>
  </form>
</div>
<table class="bbs_list">
  <caption>Press Releases: No, Title, Department, Date, Views</caption>
  <colgroup><col class="num"><col><col class="dept"><col class="date"><col class="hit"></colgroup>
  <thead><tr><th scope="col">No</th><th scope="col">Title</th><th scope="col">Department</th><th scope="col">Date</th><th scope="col">Views</th></tr></thead>
  <tbody>
{"".join(notices + rows)}
  </tbody>
</table>
{self.pager(page)}"""
        return Page.html(self.layout(f"Press Releases (page {page})", body))

    def row(self, number: str, release: Release, page: int, css: str = "") -> str:
        clip = (
            ' <img src="/eng/images/ico_file.gif" alt="attachment">' if release.attachments else ""
        )
        return f"""    <tr class="{css}">
      <td class="num">{number}</td>
      <td class="subject"><a href="./view.do?key={BOARD_KEY}&amp;bbsSn={release.id}&amp;pageIndex={page}&amp;searchCnd=&amp;searchWrd=" title="{escape(release.title)}">{escape(release.title)}</a>{clip}</td>
      <td class="dept">{escape(release.department)}</td>
      <td class="date">{release.published:%Y-%m-%d}</td>
      <td class="hit">{release.views}</td>
    </tr>
"""

    def pager(self, page: int) -> str:
        def href(n: int) -> str:
            return f"./list.do?key={BOARD_KEY}&amp;pageIndex={n}"

        first = (page - 1) // BLOCK * BLOCK + 1
        last = min(first + BLOCK - 1, self.pages)
        numbers = "".join(
            f'<strong title="current page">{n}</strong>'
            if n == page
            else f'<a href="{href(n)}">{n}</a>'
            for n in range(first, last + 1)
        )
        previous_block = max(1, first - 1)
        next_block = min(self.pages, last + 1)
        return f"""<div class="paging">
  <a class="btn_first" href="{href(1)}" title="first page">First</a>
  <a class="btn_prev" href="{href(previous_block)}" title="previous ten pages">Prev</a>
  <span class="num">{numbers}</span>
  <a class="btn_next" href="{href(next_block)}" title="next ten pages">Next</a>
  <a class="btn_last" href="{href(self.pages)}" title="last page">Last</a>
</div>"""

    def view(self, release: Release, page: str) -> Page:
        index = self.releases.index(release)
        newer = self.releases[index - 1] if index > 0 else None
        older = self.releases[index + 1] if index + 1 < len(self.releases) else None
        files = "".join(
            f'<li><a href="{FILE_PATH}?key={BOARD_KEY}&amp;bbsSn={release.id}&amp;fileSn={n}">'
            f'{escape(name)}</a> <a class="btn_view" href="#">Preview</a></li>'
            for n, name in enumerate(release.attachments, start=1)
        )
        body = f"""<div class="bbs_view">
  <h4 class="blind">게시글 상세페이지</h4>
  <div class="view_head">
    <h5 class="view_tit">{escape(release.title)}</h5>
    <ul class="view_info">
      <li><span class="label">Date :</span> {release.published:%Y-%m-%d %H:%M:%S}</li>
      <li><span class="label">Division :</span> {escape(release.department)}</li>
      <li><span class="label">Read :</span> {release.views}</li>
    </ul>
  </div>
  <div class="view_cont">
{self.content(release)}
  </div>
  <dl class="view_file"><dt>Attachments</dt><dd><ul>{files or "<li>No attachments.</li>"}</ul></dd></dl>
  <ul class="view_nav">
    <li class="prev"><span>Previous post</span> {self.neighbour(newer)}</li>
    <li class="next"><span>Next post</span> {self.neighbour(older)}</li>
  </ul>
  <div class="btn_area"><a class="btn" href="{LIST_PATH}?key={BOARD_KEY}&amp;pageIndex={escape(page)}">List</a></div>
</div>"""
        html = Page.html(self.layout(release.title, body))
        html.last_modified = release.last_change.replace(tzinfo=KST).astimezone(UTC)
        return html

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

    @staticmethod
    def neighbour(release: Release | None) -> str:
        if release is None:
            return "<em>There is no post.</em>"
        return f'<a href="{view_path(release).replace("&", "&amp;")}">{escape(release.title)}</a>'

    def layout(self, title: str, body: str) -> str:
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
    <li class="on"><a href="{LIST_PATH}?key={BOARD_KEY}">What's New</a></li>
  </ul></nav>
</header>
<div id="container">
  <aside id="lnb"><h2>What's New</h2><ul>
    <li class="on"><a href="{LIST_PATH}?key={BOARD_KEY}">Press Releases</a></li>
    <li><a href="{LIST_PATH}?key=00797">Notices</a></li>
    <li><a href="{LIST_PATH}?key=00798">Events</a></li>
  </ul></aside>
  <div id="contents">
    <div class="location">Home &gt; What's New &gt; Press Releases</div>
    <h3 class="tit">Press Releases</h3>
    <div class="share"><span>Share</span> <a href="#" class="copy">Copy Link</a> <a href="#" class="print" onclick="window.print();return false;">Print</a></div>
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
