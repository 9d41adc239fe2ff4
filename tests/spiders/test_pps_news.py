"""pps_news callbacks with responses from the sample board: the boards' own reading as the
fast path, the goView calls and the generic extractor behind it, and the registry's URL
pattern over the live site's URL shapes."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from samples.pps_site import OLD_BOARD, PRESS, Board, PressReleaseBoard, Release, pps_releases
from scrapers.items import ArticleItem, ListingItem
from scrapers.sources import LIVE_REGISTRY, SAMPLE_REGISTRY, Source, fill_placeholders
from scrapers.spiders.pps_news import PpsNewsSpider
from tests.conftest import INLINE, fake_response

BASE = "http://pps.test"
LIST = f"{BASE}/eng/bbs/list.do?key=00796"
OLD_LIST = f"{BASE}/bbs/selectBoardList.do?boardId=ENG002"
SESSION = ";jsessionid=0C4F1B7A9D2E63C58B1A7F40D9E2C6B1.node1"
UZBEKISTAN_MOU = 2307040010  # the new board, two attachments (the second lost)
LKPP_MOU = 171  # the old board


def entry(registry: Any) -> dict[str, Any]:
    sources = yaml.safe_load(registry.read_text(encoding="utf-8"))["sources"]
    return next(s for s in sources if s["name"] == "pps_news")


SOURCE = Source(
    "pps_news", "pps_news", (LIST,), ("pps.test",), country="KR", language="en",
    timezone="+09:00", options=fill_placeholders(entry(SAMPLE_REGISTRY)["options"], {"pps": BASE}),
)  # fmt: skip


def callback(request: Request) -> str:
    return getattr(request.callback, "__name__", "")


def spider() -> PpsNewsSpider:
    crawler = get_crawler(PpsNewsSpider, INLINE)
    crawler.stats.open_spider()
    return PpsNewsSpider.from_crawler(crawler, source=SOURCE)


def stat(crawled: PpsNewsSpider, key: str) -> Any:
    return crawled.crawler.stats.get_value(f"procarchive/{key}")


def collect(outputs: AsyncIterator[Any]) -> list[Any]:
    async def run() -> list[Any]:
        return [output async for output in outputs]

    return asyncio.run(run())


def page(path: str, query: dict[str, str], redesigned: bool = False) -> Response:
    site = PressReleaseBoard(pps_releases())
    site.base_url = BASE
    if redesigned:
        site.redesign()
    served = site.route(path, query)
    assert served.status == 200
    return fake_response(f"{BASE}{path}?{urlencode(query)}", served.body)


def list_page(board: Board, number: int = 1, redesigned: bool = False) -> Response:
    query = {board.board_parameter: board.board_id, "pageIndex": str(number)}
    return page(board.list_path, query, redesigned)


def release(number: int) -> Release:
    return next(r for r in pps_releases() if r.id == number)


def view_page(number: int, redesigned: bool = False) -> Response:
    """The view page at the URL the server sends a sessionless client to."""
    board = release(number).board
    query = {board.board_parameter: board.board_id, board.id_parameter: str(number)}
    return page(board.view_path + SESSION, query, redesigned)


def urls(board: Board, releases: list[Release]) -> list[str]:
    pinned = [r for r in pps_releases() if r.board == board and r.pinned]
    return list(dict.fromkeys(BASE + r.path for r in [*pinned, *releases]))


def on(board: Board) -> list[Release]:
    return [r for r in pps_releases() if r.board == board]


def test_listing_step_reads_both_boards() -> None:
    requests = list(spider().listing_step())
    assert [(r.url, callback(r)) for r in requests] == [
        (LIST, "parse_listing"), (OLD_LIST, "parse_listing")
    ]  # fmt: skip


def test_list_page_yields_its_releases_then_its_other_page() -> None:
    crawled = spider()
    listing, *requests = collect(crawled.parse_listing(list_page(PRESS)))
    assert isinstance(listing, ListingItem)
    assert listing.article_urls == urls(PRESS, on(PRESS)[:10])
    articles = [r for r in requests if callback(r) == "parse_article"]
    assert [r.url for r in articles] == listing.article_urls
    assert all(r.meta["article"] and r.meta["hint"] is None for r in articles)
    assert [r.url for r in requests if callback(r) == "parse_listing"] == [f"{LIST}&pageIndex=2"]
    assert stat(crawled, "health/listing_fallback") is None


def test_old_board_list_page_yields_its_releases_without_session_ids() -> None:
    _, *requests = collect(spider().parse_listing(list_page(OLD_BOARD)))
    articles = [r.url for r in requests if callback(r) == "parse_article"]
    assert articles == [BASE + r.path for r in on(OLD_BOARD)[:10]]
    assert [r.url for r in requests if callback(r) == "parse_listing"] == [
        f"{OLD_LIST}&pageIndex=2"
    ]


def test_last_page_leads_back_only_to_a_page_already_read() -> None:
    crawled = spider()
    crawled.listed_pages.add(LIST)  # the start page, read first
    _, *requests = collect(crawled.parse_listing(list_page(PRESS, 2)))
    assert requests and all(callback(r) == "parse_article" for r in requests)


def test_redesigned_list_page_falls_back_to_its_go_view_calls_and_keeps_its_pager() -> None:
    crawled = spider()
    listing, *requests = collect(crawled.parse_listing(list_page(PRESS, redesigned=True)))
    assert listing.article_urls == urls(PRESS, on(PRESS)[:10])
    assert stat(crawled, "health/listing_fallback") == 1
    assert [r.url for r in requests if callback(r) == "parse_listing"] == [f"{LIST}&pageIndex=2"]


def test_release_yields_one_item_and_its_attachments() -> None:
    crawled = spider()
    item, *attachments = collect(crawled.parse_article(view_page(UZBEKISTAN_MOU)))
    assert [request.meta["document"]["link_text"] for request in attachments] == list(
        release(UZBEKISTAN_MOU).attachments
    )
    assert isinstance(item, ArticleItem) and item.source == "pps_news"
    assert item.url == f"{BASE}/eng/bbs/view.do?key=00796&bbsSn={UZBEKISTAN_MOU}"
    assert item.page_url == f"{BASE}/eng/bbs/view.do{SESSION}?key=00796&bbsSn={UZBEKISTAN_MOU}"
    assert item.published_at == "2023-07-04T16:20:48+09:00"
    assert item.author == "International Cooperation Division"
    assert stat(crawled, "health/articles/pps") == 1


def test_old_board_release_is_read_by_the_site_extractor() -> None:
    crawled = spider()
    item, *attachments = collect(crawled.parse_article(view_page(LKPP_MOU)))
    assert item.url == f"{BASE}/bbs/selectBoard.do?boardId=ENG002&boardSeqNo={LKPP_MOU}"
    assert (item.published_at, item.author) == (
        "2015-10-05T14:20:31+09:00",
        "International Cooperation Division",
    )
    assert len(attachments) == 2 and "LKPP" in item.text
    assert stat(crawled, "health/articles/pps") == 1


def test_redesigned_release_is_read_generically_and_counted_so() -> None:
    crawled = spider()
    (item,) = collect(crawled.parse_article(view_page(UZBEKISTAN_MOU, redesigned=True)))
    assert item.title == release(UZBEKISTAN_MOU).title
    assert release(UZBEKISTAN_MOU).paragraphs[1] in item.text
    assert stat(crawled, "health/articles/generic") == 1
    assert stat(crawled, "health/articles/pps") is None


@pytest.mark.parametrize("registry", [SAMPLE_REGISTRY, LIVE_REGISTRY], ids=["samples", "live"])
def test_registry_pattern_names_both_boards_releases_and_nothing_else(registry: Any) -> None:
    pattern = re.compile(entry(registry)["options"]["article_links"])
    site = "https://www.pps.go.kr"
    releases = [
        f"{site}/eng/bbs/view.do?key=00796&bbsSn=2201170013",
        f"{site}/eng/bbs/view.do;jsessionid=8A1F.node1?key=00796&bbsSn=2201170013",
        f"{site}/eng/bbs/view.do?key=00796&pageIndex=2&bbsSn=2503270008",
        f"{site}/bbs/selectBoard.do?boardId=ENG002&boardSeqNo=225",
    ]
    others = [
        f"{site}/eng/bbs/list.do?key=00796&pageIndex=2",
        f"{site}/eng/bbs/view.do?key=00797&bbsSn=2201170013",  # the notices board
        f"{site}/eng/bbs/fileDown.do?key=00796&bbsSn=2201170013&fileSn=1",
        f"{site}/bbs/selectBoard.do?boardId=ENG003&boardSeqNo=12",
    ]
    assert all(pattern.search(u) for u in releases)
    assert not any(pattern.search(u) for u in others)
