"""pps.go.kr/eng press releases: list and view pages of both boards as the sample board writes
them (our own writing in the shapes publicly known of the live site), and the English MoU
release as the classifier reads it."""

from __future__ import annotations

from datetime import date

import pytest

from samples.pps_site import OLD_BOARD, PRESS, PressReleaseBoard, Release, pps_releases
from scrapers.analysis.kinds import classify
from scrapers.analysis.language import detect_language
from scrapers.analysis.records import annotate
from scrapers.extract import pps
from scrapers.extract.extractors import Reading, read_article
from scrapers.sources import Source

BASE = "https://www.pps.go.kr"
LIST = f"{BASE}/eng/bbs/list.do?key=00796"
OLD_LIST = f"{BASE}/bbs/selectBoardList.do?boardId=ENG002"
SESSION = ";jsessionid=5F2C0D9A41B7E3C8A0D64B2E9F1C7A33.node1"
LKPP_PLAN = 2201170013  # the new board, a photo with its caption
LKPP_MOU = 171  # the old board, two attachments and a photo


def board(per_page: int = 10, redesigned: bool = False) -> PressReleaseBoard:
    site = PressReleaseBoard(pps_releases(), per_page)
    site.base_url = BASE
    if redesigned:
        site.redesign()
    return site


def served(site: PressReleaseBoard, path: str, query: dict[str, str]) -> str:
    page = site.route(path, query)
    assert page.status == 200, (path, query, page.status)
    return page.body.decode("utf-8")


def list_page(number: int, site: PressReleaseBoard | None = None, old: bool = False) -> str:
    where = OLD_BOARD if old else PRESS
    query = {where.board_parameter: where.board_id, "pageIndex": str(number)}
    return served(site or board(), where.list_path, query)


def release(number: int) -> Release:
    return next(r for r in pps_releases() if r.id == number)


def view_page(number: int, site: PressReleaseBoard | None = None) -> str:
    """A view page as the server sends it to a client without a session cookie (the old
    board's redirect has put the session id in the path)."""
    where = release(number).board
    query = {where.board_parameter: where.board_id, where.id_parameter: str(number)}
    return served(site or board(), where.view_path + SESSION, query)


def read(html: str, at: str) -> Reading:
    """The release as the pps_news template reads it (a crawl, `procarchive extract`)."""
    source = Source("pps_news", "pps_news", (LIST,), ("www.pps.go.kr",), timezone=pps.KST)
    return read_article("pps_news", html, at, source)


def url(number: int) -> str:
    return BASE + release(number).path


def on(where: object) -> list[Release]:
    return [r for r in pps_releases() if r.board == where]


def test_list_rows_open_releases_through_go_view() -> None:
    html = list_page(1)
    assert "goView('" in html and 'href="#none"' in html and "bbsSn=" not in html
    first = pps.parse_listing(html, LIST)
    second = pps.parse_listing(list_page(2), f"{LIST}&pageIndex=2")
    releases = on(PRESS)
    pinned = [url(r.id) for r in releases if r.pinned]  # a notice heads every page
    assert pinned and first.article_urls[: len(pinned)] == second.article_urls[: len(pinned)]
    assert first.article_urls == list(dict.fromkeys(pinned + [url(r.id) for r in releases[:10]]))
    assert second.article_urls == pinned + [url(r.id) for r in releases[10:]]
    assert set(first.article_urls) | set(second.article_urls) == {url(r.id) for r in releases}
    assert (first.next_url, first.page_urls) == (f"{LIST}&pageIndex=2", [f"{LIST}&pageIndex=2"])
    assert (second.next_url, second.page_urls) == (None, [LIST])  # page 1 as the menu links it


def test_pager_block_leads_past_its_tenth_page() -> None:
    site = board(per_page=1)  # eleven pages: a block of ten, then one
    first = pps.parse_listing(list_page(1, site), LIST)
    assert first.page_urls == [f"{LIST}&pageIndex={n}" for n in range(2, 12)]
    tenth = pps.parse_listing(list_page(10, site), f"{LIST}&pageIndex=10")
    assert tenth.next_url == f"{LIST}&pageIndex=11"  # only the "Next" block button names it
    last = pps.parse_listing(list_page(11, site), f"{LIST}&pageIndex=11")
    assert last.next_url is None
    assert last.article_urls[-1] == url(on(PRESS)[-1].id)


def test_a_list_page_reached_with_a_session_and_no_key_names_its_board_by_its_form() -> None:
    listing = pps.parse_listing(list_page(1), f"{BASE}/eng/bbs/list.do{SESSION}")
    assert listing.article_urls[0] == url(next(r.id for r in on(PRESS) if r.pinned))
    assert listing.next_url == f"{LIST}&pageIndex=2"


def test_old_board_rows_link_with_session_ids_and_are_named_without() -> None:
    html = list_page(1, old=True)
    assert ";jsessionid=" in html  # the server wrote its session into the row links
    first = pps.parse_listing(html, OLD_LIST)
    second = pps.parse_listing(list_page(2, old=True), f"{OLD_LIST}&pageIndex=2")
    releases = on(OLD_BOARD)
    assert first.article_urls == [url(r.id) for r in releases[:10]]
    assert second.article_urls == [url(r.id) for r in releases[10:20]]
    assert (first.next_url, first.page_urls) == (
        f"{OLD_LIST}&pageIndex=2",
        [f"{OLD_LIST}&pageIndex=2"],
    )
    assert second.page_urls == [OLD_LIST]


def test_go_view_calls_are_found_wherever_a_redesign_puts_them() -> None:
    html = list_page(1, board(redesigned=True))
    listing = pps.parse_listing(html, LIST)
    assert listing.article_urls == []  # no board_list table: not the board's rows
    assert listing.page_urls == [f"{LIST}&pageIndex=2"]  # its pager calls stay
    releases = on(PRESS)
    pinned = [url(r.id) for r in releases if r.pinned]
    assert pps.goview_links(html, LIST) == list(
        dict.fromkeys(pinned + [url(r.id) for r in releases[:10]])
    )
    assert pps.goview_links("<script>function goView(bbsSn, code) {}</script>", LIST) == []
    escaped = f'<a href="javascript:goView(&#39;{LKPP_PLAN}&#39;,&#39;0001&#39;)">A release</a>'
    assert pps.goview_links(escaped, LIST) == [url(LKPP_PLAN)]


def test_new_board_release_is_read_by_its_labels() -> None:
    session_url = f"{BASE}/eng/bbs/view.do{SESSION}?key=00796&bbsSn={LKPP_PLAN}&pageIndex=1"
    html = view_page(LKPP_PLAN)
    assert "Division:" in html and "Date :" in html and "Writer :" in html
    item = pps.read_own(html, session_url, "pps_news")
    assert item is not None
    expected = release(LKPP_PLAN)
    assert (item.url, item.source, item.title) == (url(LKPP_PLAN), "pps_news", expected.title)
    assert item.text.split("\n\n") == list(expected.text_paragraphs)  # the caption in its place
    assert item.published_at == "2022-01-17T17:33:01+09:00"
    assert (item.author, item.reference) == ("International Cooperation Division", None)
    for chrome in (
        "Writer",
        "Read :",
        "Attached File",
        "Prev",
        "There is no post",
        "Share",
        "Copyright",
    ):
        assert chrome not in item.text


def test_labels_are_read_without_the_info_lists_class() -> None:
    html = view_page(LKPP_PLAN).replace('class="view_info"', 'class="post_meta"')
    item = pps.read_own(html, url(LKPP_PLAN), "pps_news")
    assert item is not None
    assert (item.published_at, item.author) == (
        "2022-01-17T17:33:01+09:00",
        "International Cooperation Division",
    )


def test_old_board_release_is_read_from_its_table() -> None:
    redirected = f"{BASE}/bbs/selectBoard.do{SESSION}?boardId=ENG002&boardSeqNo={LKPP_MOU}"
    item = pps.read_own(view_page(LKPP_MOU), redirected, "pps_news")
    assert item is not None
    expected = release(LKPP_MOU)
    assert item.url == f"{BASE}/bbs/selectBoard.do?boardId=ENG002&boardSeqNo={LKPP_MOU}"
    assert item.title == expected.title
    assert item.text.split("\n\n") == list(expected.text_paragraphs)
    assert item.published_at == "2015-10-05T14:20:31+09:00"
    assert item.author == "International Cooperation Division"
    for chrome in ("Subject", "Writer", "Attached File", ".pdf", "Preview"):
        assert chrome not in item.text


def test_every_release_of_both_boards_parses_as_english_in_korean_time() -> None:
    site = board()
    for expected in pps_releases():
        item = pps.read_own(view_page(expected.id, site), BASE + expected.path, "pps_news")
        assert item is not None and item.title == expected.title
        assert item.url == BASE + expected.path
        assert item.published_at == expected.published.isoformat() + "+09:00"
        assert item.author == expected.department
        assert detect_language(item.title, item.text) == "en"


def test_a_view_page_of_unknown_markup_is_left_to_the_generic_extractor() -> None:
    html = view_page(LKPP_PLAN, board(redesigned=True))
    session_url = f"{BASE}/eng/bbs/view.do{SESSION}?key=00796&bbsSn={LKPP_PLAN}&pageIndex=2"
    assert pps.read_own(html, session_url, "pps_news") is None
    reading = read(html, session_url)
    item = reading.item
    assert reading.extractor == "generic"
    assert item is not None and item.url == url(LKPP_PLAN)
    assert item.title == release(LKPP_PLAN).title
    assert release(LKPP_PLAN).paragraphs[2] in item.text
    assert pps.read_own("<html><body></body></html>", url(LKPP_PLAN), "pps_news") is None
    assert read("<html><body></body></html>", url(LKPP_PLAN)).item is None


def test_pages_saved_from_the_earlier_sample_board_still_read() -> None:
    """Archived captures of the board as our first sample wrote it (plain links, a linked
    pager, a "bbs_view" page) are read by the same functions."""
    listing = pps.parse_listing(
        '<table class="bbs_list"><tr><td><a href="./view.do?key=00796&amp;bbsSn=1510050021'
        '&amp;pageIndex=1&amp;searchCnd=">A release</a></td></tr></table>'
        '<div class="paging"><a href="./list.do?key=00796&amp;pageIndex=2">2</a></div>',
        LIST,
    )
    assert listing.article_urls == [f"{BASE}/eng/bbs/view.do?key=00796&bbsSn=1510050021"]
    assert listing.next_url == f"{LIST}&pageIndex=2"
    item = pps.read_own(
        '<div class="bbs_view"><div class="view_head"><h5 class="view_tit">A release</h5>'
        '<ul class="view_info"><li><span class="label">Date :</span> 2015-10-05 14:20:31</li>'
        '<li><span class="label">Division :</span> International Cooperation Division</li>'
        '<li><span class="label">Read :</span> 1203</li></ul></div>'
        '<div class="view_cont"><p>The text of the release.</p></div></div>',
        f"{BASE}/eng/bbs/view.do?key=00796&bbsSn=1510050021&pageIndex=2",
        "pps_news",
    )
    assert item is not None and (item.title, item.text) == ("A release", "The text of the release.")
    assert (item.published_at, item.author) == (
        "2015-10-05T14:20:31+09:00",
        "International Cooperation Division",
    )


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (f"{BASE}/eng/bbs/view.do;jsessionid=AB12.node1?key=00796&bbsSn=2201170013&pageIndex=3&searchCnd=&searchWrd=",
         f"{BASE}/eng/bbs/view.do?key=00796&bbsSn=2201170013"),
        (f"{BASE}/eng/bbs/view.do?bbsSn=2201170013&key=00796", f"{BASE}/eng/bbs/view.do?key=00796&bbsSn=2201170013"),
        (f"{BASE}/bbs/selectBoard.do;jsessionid=Qx7Ab!-1908?boardId=ENG002&boardSeqNo=225&pageIndex=1",
         f"{BASE}/bbs/selectBoard.do?boardId=ENG002&boardSeqNo=225"),
        (f"{BASE}/eng/bbs/list.do;jsessionid=AB12?key=00796&pageIndex=1", LIST),
        (f"{BASE}/eng/bbs/list.do?pageIndex=4&key=00796&searchWrd=MoU", f"{LIST}&pageIndex=4"),
        (f"{BASE}/eng/index.do;jsessionid=AB12", f"{BASE}/eng/index.do"),
    ],
)  # fmt: skip
def test_board_url_names_a_page_by_its_board_and_number(raw: str, named: str) -> None:
    assert pps.board_url(raw) == named


def test_english_mou_release_is_an_mou_between_lkpp_and_pps() -> None:
    item = pps.read_own(view_page(LKPP_MOU), url(LKPP_MOU), "pps_news")
    assert item is not None
    annotate(item)
    assert item.kind == "mou" and item.mou is not None
    parties = {p["agency"] for p in item.mou["parties"] if p["role"] == "party"}
    assert parties == {"LKPP", "PPS"}
    assert (item.mou["signed_on"], item.mou["renewal"]) == ("2015-10-02", True)


@pytest.mark.parametrize(
    ("title", "text", "kind"),
    [
        ("PPS Signs MoU with Mongolia", "PPS signed a memorandum of understanding in Ulaanbaatar on 2 March 2016.", "mou"),
        ("PPS to Sign MoU with Peru", "PPS will sign a memorandum of understanding with Peru next month.", "mou_mention"),
        ("PPS and Peru Discuss Cooperation", "The two agencies have not signed an MoU yet.", "news"),
        ("PPS Reviews MoU with Peru", "The MoU that PPS signed with Peru last year covers training.", "mou_mention"),
    ],
)  # fmt: skip
def test_english_kinds(title: str, text: str, kind: str) -> None:
    assert classify(title, text, date(2016, 3, 4)) == kind


def test_sample_board_keeps_sessions_as_a_servlet_container_does() -> None:
    site = board()
    query = {"boardId": "ENG002", "boardSeqNo": str(LKPP_MOU)}
    sent_back = site.route("/bbs/selectBoard.do", query)  # no session: sent back with one
    location = sent_back.headers["Location"]
    assert sent_back.status == 302 and ";jsessionid=" in location
    assert pps.board_url(location) == url(LKPP_MOU)
    assert sent_back.headers["Set-Cookie"].startswith("JSESSIONID=")
    to_list = site.route("/eng/bbs/list.do", {})  # no board named: the press board's list
    assert to_list.status == 302 and ";jsessionid=" in to_list.headers["Location"]
    assert pps.board_url(to_list.headers["Location"]) == LIST
    with_cookie = site.serve(
        "/eng/bbs/view.do", {"key": "00796", "bbsSn": str(LKPP_PLAN)}, "C00K1E"
    )
    assert ";jsessionid=" not in with_cookie.body.decode("utf-8")  # a cookie: no rewriting
    assert ";jsessionid=" in view_page(LKPP_PLAN, site)


def test_board_revises_and_deletes_releases_through_its_control_path() -> None:
    site = board()
    assert site.route(f"/__control/edit/{LKPP_PLAN}", {}).status == 200
    revised = pps.read_own(view_page(LKPP_PLAN, site), url(LKPP_PLAN), "pps_news")
    assert revised is not None and revised.text.endswith("(Revised.)")
    assert site.route(f"/__control/delete/{LKPP_PLAN}", {}).status == 200
    query = {"key": "00796", "bbsSn": str(LKPP_PLAN)}
    assert site.route("/eng/bbs/view.do", query).status == 404
    assert url(LKPP_PLAN) not in pps.parse_listing(list_page(1, site), LIST).article_urls
    assert site.route("/__control/edit/123", {}).status == 404
