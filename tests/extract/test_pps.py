"""pps.go.kr/eng press releases: list and view pages rendered by the sample board (our own
writing in the board's layout), and the English MoU release as the classifier reads it."""

from __future__ import annotations

from datetime import date

import pytest

from samples.pps_site import PressReleaseBoard, Release, pps_releases
from scrapers.extract import pps
from scrapers.extract.kinds import classify
from scrapers.extract.language import detect_language
from scrapers.extract.records import annotate

BASE = "https://www.pps.go.kr"
LIST = f"{BASE}/eng/bbs/list.do?key=00796"
LKPP_MOU = 1510050021


def board(per_page: int = 10) -> PressReleaseBoard:
    site = PressReleaseBoard(pps_releases(), per_page)
    site.base_url = BASE
    return site


def list_page(number: int, site: PressReleaseBoard | None = None) -> str:
    page = (site or board()).route("/eng/bbs/list.do", {"key": "00796", "pageIndex": str(number)})
    assert page.status == 200
    return page.body.decode("utf-8")


def release(bbs_sn: int) -> Release:
    return next(r for r in pps_releases() if r.id == bbs_sn)


def view_page(bbs_sn: int) -> str:
    page = board().route("/eng/bbs/view.do", {"key": "00796", "bbsSn": str(bbs_sn)})
    assert page.status == 200
    return page.body.decode("utf-8")


def view_url(bbs_sn: int) -> str:
    return f"{BASE}/eng/bbs/view.do?key=00796&bbsSn={bbs_sn}"


def test_listing_names_each_release_once_without_list_state() -> None:
    first = pps.parse_listing(list_page(1), LIST)
    second = pps.parse_listing(list_page(2), f"{LIST}&pageIndex=2")
    releases = pps_releases()
    pinned = [view_url(r.id) for r in releases if r.pinned]  # a notice heads every page
    assert pinned and first.article_urls[: len(pinned)] == second.article_urls[: len(pinned)]
    assert first.article_urls == list(
        dict.fromkeys(pinned + [view_url(r.id) for r in releases[:10]])
    )
    assert second.article_urls == pinned + [view_url(r.id) for r in releases[10:]]
    assert set(first.article_urls) | set(second.article_urls) == {view_url(r.id) for r in releases}
    assert (first.next_url, first.page_urls) == (f"{LIST}&pageIndex=2", [f"{LIST}&pageIndex=2"])
    assert (second.next_url, second.page_urls) == (None, [f"{LIST}&pageIndex=1"])


def test_pager_block_leads_past_its_tenth_page() -> None:
    site = board(per_page=1)  # twenty pages: two blocks of ten
    first = pps.parse_listing(list_page(1, site), LIST)
    assert first.page_urls == [f"{LIST}&pageIndex={n}" for n in (*range(2, 12), 20)]
    tenth = pps.parse_listing(list_page(10, site), f"{LIST}&pageIndex=10")
    assert tenth.next_url == f"{LIST}&pageIndex=11"  # only the "Next" block button names it
    last = pps.parse_listing(list_page(20, site), f"{LIST}&pageIndex=20")
    assert last.next_url is None and last.article_urls[-1] == view_url(pps_releases()[-1].id)


def test_release_is_read_without_the_board_around_it() -> None:
    session_url = (
        f"{BASE}/eng/bbs/view.do;jsessionid=Qx7Ab!-1908?key=00796&bbsSn={LKPP_MOU}&pageIndex=2"
    )
    item = pps.parse_article(view_page(LKPP_MOU), session_url, "pps_news")
    assert item is not None
    expected = release(LKPP_MOU)
    assert (item.url, item.source, item.title) == (view_url(LKPP_MOU), "pps_news", expected.title)
    assert item.text.split("\n\n") == list(expected.text_paragraphs)  # the caption in its place
    assert expected.photo and expected.photo.caption in item.text
    assert item.published_at == "2015-10-05T14:20:31+09:00"
    assert (item.author, item.reference) == ("International Cooperation Division", None)
    for chrome in ("Attachments", ".pdf", "Previous post", "게시글", "Copyright", "Share"):
        assert chrome not in item.text


def test_every_release_parses_as_english_in_korean_time() -> None:
    for expected in pps_releases():
        item = pps.parse_article(view_page(expected.id), view_url(expected.id), "pps_news")
        assert item is not None and item.title == expected.title
        assert item.published_at == expected.published.isoformat() + "+09:00"
        assert detect_language(item.title, item.text) == "en"


def test_page_without_the_board_falls_back_to_the_generic_extractor() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n} of a release that the CMS rendered without its board template, "
        "long enough for the generic extractor to keep it as the article text.</p>"
        for n in range(1, 5)
    )
    html = (
        "<html><head><title>PPS Opens a New Regional Office | Public Procurement Service</title>"
        '<meta property="article:published_time" content="2021-03-02T09:00:00+09:00"></head>'
        f"<body><article><h1>PPS Opens a New Regional Office</h1>{paragraphs}</article></body></html>"
    )
    item = pps.parse_article(html, view_url(1), "pps_news")
    assert item is not None and item.title == "PPS Opens a New Regional Office"
    assert item.published_at == "2021-03-02T09:00:00+09:00" and "Paragraph 4" in item.text
    assert pps.parse_article("<html><body></body></html>", view_url(1), "pps_news") is None


def test_english_mou_release_is_an_mou_between_lkpp_and_pps() -> None:
    item = pps.parse_article(view_page(LKPP_MOU), view_url(LKPP_MOU), "pps_news")
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


def test_board_revises_and_deletes_releases_through_its_control_path() -> None:
    site = board()
    assert site.route(f"/__control/edit/{LKPP_MOU}", {}).status == 200
    revised = pps.parse_article(
        site.route("/eng/bbs/view.do", {"key": "00796", "bbsSn": str(LKPP_MOU)}).body.decode(),
        view_url(LKPP_MOU),
        "pps_news",
    )
    assert revised is not None and revised.text.endswith("(Revised.)")
    assert site.route(f"/__control/delete/{LKPP_MOU}", {}).status == 200
    assert site.route("/eng/bbs/view.do", {"key": "00796", "bbsSn": str(LKPP_MOU)}).status == 404
    assert view_url(LKPP_MOU) not in pps.parse_listing(list_page(2, site), LIST).article_urls
    assert site.route("/__control/edit/123", {}).status == 404
