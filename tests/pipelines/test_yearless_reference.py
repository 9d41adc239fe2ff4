"""An undated page through the pipelines and a real crawl: published_at stays empty, and its
MoU's year-less date ("Senin (4/11)") resolves against the archive's first fetch of the page,
the same on every re-crawl (issue 13, item 2)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider

from archive.connection import open_archive
from pipelines.mou_dates import MouDatePipeline
from pipelines.normalize import NormalizePipeline
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline
from procarchive.reclassify import reclassify
from samples.content import Article
from samples.server import Page
from scrapers.analysis.article import analyse
from scrapers.extract.dates import local_day
from scrapers.extract.extractors import read_article
from scrapers.items import ArticleItem
from scrapers.sources import Source
from tests.conftest import archive_crawler, crawl, end_crawl, write_registry
from tests.extract.test_yearless_dates import TEXT, TITLE

URL = "https://www.lkpp.go.id/read/bu/katalog-sleman"
MORE = "Kepala LKPP menyebut katalog lokal membuka pasar pemerintah bagi usaha kecil di daerah."


def by_selectors(text: str, published_at: str | None = None) -> ArticleItem:
    """As a site's own selectors read the page, analysed in the worker without the archive."""
    item = ArticleItem(url=URL, source="lkpp_news", title=TITLE, text=text)
    return analyse(replace(item, published_at=published_at))


def by_the_generic_worker(text: str) -> ArticleItem:
    """As the generic extractor's worker reads it: analysed, without the archive."""
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    html = f"<html lang='id'><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>{paragraphs}</article></body></html>"
    source = Source("lkpp_news", "article", (URL,), ("www.lkpp.go.id",))
    item = read_article("article", html, URL, source).item
    assert item is not None and item.published_at is None and item.kind == "mou"
    assert item.mou is not None and item.mou["signed_on"] is None  # no reference there
    return item


def run_pipelines(path: Path, item: ArticleItem, fetched_at: str) -> None:
    """One crawl's pipelines in run order, on a clock set by hand."""
    crawler = archive_crawler({"PROCARCHIVE_DB": str(path), "PROCARCHIVE_STRICT": True})
    crawler.spider = Spider(name="lkpp_news")
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    item = NormalizePipeline().process_item(item)
    item.fetched_at = fetched_at
    for pipeline in (MouDatePipeline.from_crawler(crawler), ValidatePipeline(crawler), store):
        item = pipeline.process_item(item)
    store.close_spider()
    store.spider_closed(crawler.spider, "finished")
    end_crawl(crawler)


@pytest.mark.parametrize("read", [by_selectors, by_the_generic_worker])
def test_the_first_fetch_dates_an_undated_mou_for_good(
    tmp_path: Path, read: Callable[[str], ArticleItem]
) -> None:
    path = tmp_path / "archive.db"
    run_pipelines(path, read(TEXT), "2024-11-20T02:00:00+00:00")
    # Six years on, "Senin (4/11)" read afresh would be 4 November 2030, also a Monday.
    assert date(2030, 11, 4).weekday() == 0
    run_pipelines(path, read(TEXT), "2030-11-20T02:00:00+00:00")  # unchanged
    run_pipelines(path, read(f"{TEXT}\n\n{MORE}"), "2031-01-05T02:00:00+00:00")  # edited
    db = open_archive(path)
    (article,) = db["articles"].rows
    assert (article["published_at"], article["year"]) == (None, None)
    assert article["first_seen_at"] == "2024-11-20T02:00:00+00:00"
    assert db["article_versions"].count == 1  # the edit was stored
    (mou,) = db["mous"].rows
    assert (mou["signed_on"], mou["signed_on_raw"], mou["year"]) == (
        "2024-11-04",
        "Senin (4/11)",
        2024,
    )
    reclassify(path)  # deriving the records again from the stored text dates it the same
    assert [m["signed_on"] for m in db["mous"].rows] == ["2024-11-04"]


def test_a_dated_page_is_dated_by_its_publication(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    item = by_selectors(TEXT, published_at="2024-11-05T09:00:00+07:00")
    run_pipelines(path, item, "2030-11-20T02:00:00+00:00")
    (mou,) = open_archive(path)["mous"].rows
    assert mou["signed_on"] == "2024-11-04"


# A real crawl: the sample agency site with one article whose page shows no date.
UNDATED = Article(
    slug="katalog-elektronik-sleman",
    title=TITLE,
    published=datetime(2024, 11, 4, 15, 0),  # the listing shows it; the page does not
    author="Humas LKPP",
    paragraphs=(*TEXT.split("\n\n"), MORE),
)
PAGE_DATE = re.compile(rb'<span class="news-date">.*?</span>', re.DOTALL)


def serve_undated(agency: Any) -> None:
    agency.articles.insert(0, UNDATED)
    agency.by_slug[UNDATED.slug] = UNDATED
    render = agency.article

    def article(shown: Article) -> Page:
        page: Page = render(shown)
        if shown.slug == UNDATED.slug:
            assert PAGE_DATE.search(page.body)
            page.body = PAGE_DATE.sub(b"", page.body)
        return page

    agency.article = article


def latest_monday_4_november(first_fetched: str) -> date:
    """Walking back a day at a time from the first fetch's day in Jakarta."""
    day = local_day(first_fetched)
    assert day is not None
    while (day.day, day.month, day.weekday()) != (4, 11, 0):
        day -= timedelta(days=1)
    return day


def test_an_undated_page_through_real_crawls(tmp_path: Path, sites: Any) -> None:
    server, _ = sites
    serve_undated(server.sites["lkpp"])
    registry = write_registry(tmp_path / "lkpp.yml", server.urls, only=("lkpp_news",))
    crawl(tmp_path, registry)
    db = open_archive(tmp_path / "archive.db", create=False)
    query = (
        "SELECT a.id, a.published_at, a.year, a.first_seen_at, a.kind, m.signed_on "
        "FROM articles a LEFT JOIN mous m ON m.article_id = a.id WHERE a.url LIKE ?"
    )
    identifier, published, year, first, kind, signed = db.execute(
        query, [f"%/{UNDATED.slug}"]
    ).fetchone()
    assert (published, year, kind) == (None, None, "mou")  # never the crawl time
    assert signed == latest_monday_4_november(first).isoformat()
    # The archive first fetched the page in November 2019; the site then edits it.
    earlier = "2019-11-10T01:00:00+00:00"
    with db.conn:
        db.execute("UPDATE articles SET first_seen_at = ? WHERE id = ?", [earlier, identifier])
    server.sites["lkpp"].edit(UNDATED.slug)
    assert crawl(tmp_path, registry)["items_changed"] == 1
    assert db.execute(query, [f"%/{UNDATED.slug}"]).fetchone()[1:] == (
        None, None, earlier, "mou", "2019-11-04"
    )  # fmt: skip
