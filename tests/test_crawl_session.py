"""The crawl session (archive.session): one crawls row and id for every component whatever
their order, one way for the store pipelines to fail, one rule for what needs no fetch."""

from __future__ import annotations

import errno
import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import CloseSpider

from archive import session as session_module
from archive.connection import open_archive
from archive.ids import notice_id
from archive.index import RefreshSlice
from archive.notices import write_notices
from archive.session import CrawlSession
from pipelines import notices, store
from pipelines.normalize import NormalizePipeline
from pipelines.notices import NoticesPipeline
from pipelines.store import StorePipeline
from samples.server import SampleServer
from samples.spse_site import SpseSite
from scrapers.items import ArticleItem, NoticeItem, NoticeSeenItem
from scrapers.lpse import Lpse
from scrapers.sources import Source
from scrapers.spiders.spse_notices import SpseNoticesSpider
from tests.conftest import archive_crawler, end_crawl, procarchive, write_registry
from tests.pipelines.test_notice_writes import notice

TEXT = "Pokja pemilihan mengumumkan pemenang tender jalan kabupaten tahun ini. " * 4
NOTICES_FIRST = {"pipelines.notices.NoticesPipeline": 100, "pipelines.store.StorePipeline": 900}


@pytest.mark.parametrize(
    "pipelines",
    [NOTICES_FIRST, {"pipelines.notices.NoticesPipeline": 100}],
    ids=["notices-before-store", "notices-without-store"],
)
def test_notices_and_captures_name_their_crawl_whatever_the_pipelines(
    tmp_path: Path, pipelines: dict[str, int]
) -> None:
    with SampleServer({"spse": SpseSite.sample()}) as server:
        registry = write_registry(tmp_path / "sources.yml", server.urls, only=("spse",))
        run = procarchive(
            "crawl", "spse", "--registry", str(registry), "--db", str(tmp_path / "archive.db"),
            "--lpse", "lkpp", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "PROCARCHIVE_DOCUMENTS=0",
            "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}", cwd=tmp_path,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    db = open_archive(tmp_path / "archive.db", create=False)
    ((crawl_id, status),) = db.execute("select id, status from crawls").fetchall()
    assert status == "ok"
    assert db.execute("select distinct crawl_id from notices").fetchall() == [(crawl_id,)]
    assert db.execute("select distinct crawl_id from captures").fetchall() == [(crawl_id,)]


def test_the_first_component_to_ask_opens_the_crawls_row(tmp_path: Path) -> None:
    crawler = archive_crawler({"PROCARCHIVE_DB": str(tmp_path / "archive.db")})
    crawler.spider = Spider(name="spse")
    pipeline = NoticesPipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.process_item(notice())
    pipeline.close_spider()
    crawler.stats.set_value("response_received_count", 4)
    crawler.stats.set_value("item_scraped_count", 1)
    end_crawl(crawler)
    db = open_archive(tmp_path / "archive.db", create=False)
    ((crawl_id, status, new),) = db.execute("select id, status, items_new from crawls")
    assert (status, new) == ("ok", 1)
    assert db.execute("select crawl_id from notices").fetchall() == [(crawl_id,)]


def test_a_crawl_whose_row_the_disk_refuses_ends_before_it_fetches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(session_module, "open_crawl", full)
    crawler = archive_crawler({"PROCARCHIVE_DB": str(tmp_path / "archive.db")})
    crawler.spider = Spider(name="blog")
    session = CrawlSession.of(crawler)
    with pytest.raises(CloseSpider) as closed:
        session.spider_opened(crawler.spider)
    assert closed.value.reason == "archive unwritable"
    assert session.unwritable == "OSError: [Errno 28] No space left on device"


def test_a_crawl_without_the_session_is_told_what_is_missing() -> None:
    crawler = archive_crawler({"EXTENSIONS": {}})
    with pytest.raises(RuntimeError, match=r"archive\.session\.CrawlSession is not among"):
        StorePipeline.from_crawler(crawler)


# The store pipelines: one batching path, one way to fail.


def article(n: int) -> ArticleItem:
    item = ArticleItem(url=f"https://blog.example.id/{n}", source="blog", title=f"B{n}", text=TEXT)
    return NormalizePipeline().process_item(item)


def notice_item(n: int) -> NoticeItem:
    return replace(notice(), package_code=str(10012300 + n))


STORES = [
    pytest.param(StorePipeline, store, "write_articles", article, "article_write", id="articles"),
    pytest.param(NoticesPipeline, notices, "write_notices", notice_item, "notice_write", id="notices"),
]  # fmt: skip


class Engine:
    """Stands for the engine: what the session asks of it when the archive refuses a write."""

    def __init__(self, spider: Spider) -> None:
        self.spider = spider
        self.closed: list[str] = []

    def close_spider_async(self, reason: str) -> None:
        self.closed.append(reason)


def failing_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cls: Any, module: Any, write: str,
    error: BaseException,
) -> tuple[Any, Any, Engine]:  # fmt: skip
    crawler = archive_crawler(
        {"PROCARCHIVE_DB": str(tmp_path / "archive.db"), "PROCARCHIVE_BATCH_SIZE": 2}
    )
    crawler.spider = Spider(name="blog")
    engine = Engine(crawler.spider)
    crawler.engine = engine  # type: ignore[assignment]
    real = getattr(module, write)
    calls = []

    def first_batch_fails(*args: Any) -> Any:
        calls.append(args)
        if len(calls) == 1:
            raise error
        return real(*args)

    monkeypatch.setattr(module, write, first_batch_fails)
    pipeline = cls.from_crawler(crawler)
    pipeline.open_spider()
    return crawler, pipeline, engine


@pytest.mark.parametrize(("cls", "module", "write", "make", "what"), STORES)
def test_a_batch_the_disk_refuses_stops_the_crawl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cls: Any, module: Any, write: str,
    make: Any, what: str,
) -> None:  # fmt: skip
    full = OSError(errno.ENOSPC, "No space left on device")
    crawler, pipeline, engine = failing_store(tmp_path, monkeypatch, cls, module, write, full)
    for n in range(2):
        pipeline.process_item(make(n))  # no exception: the batch is counted
    assert engine.closed == ["archive unwritable"]
    assert CrawlSession.of(crawler).unwritable == "OSError: [Errno 28] No space left on device"
    assert crawler.stats.get_value("procarchive/failed/ArchiveUnwritable") == 2
    assert crawler.stats.get_value(f"procarchive/failed/{what}") is None


@pytest.mark.parametrize(("cls", "module", "write", "make", "what"), STORES)
def test_a_batch_the_database_rejects_is_counted_and_the_next_is_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cls: Any, module: Any, write: str,
    make: Any, what: str,
) -> None:  # fmt: skip
    broken = sqlite3.IntegrityError("UNIQUE constraint failed")
    crawler, pipeline, engine = failing_store(tmp_path, monkeypatch, cls, module, write, broken)
    for n in range(3):
        pipeline.process_item(make(n))
    pipeline.close_spider()
    assert engine.closed == [] and CrawlSession.of(crawler).unwritable is None
    assert crawler.stats.get_value(f"procarchive/failed/{what}") == 2
    table = "articles" if cls is StorePipeline else "notices"
    assert open_archive(tmp_path / "archive.db", create=False)[table].count == 1


# Notices need no fetch by the rule articles follow: archived as listed, not due for refresh.


def settled_archive(path: Path, codes: list[str]) -> None:
    db = open_archive(path)
    write_notices(db, [replace(notice(), package_code=code) for code in codes], None)
    with db.conn:
        db.execute("UPDATE notices SET stage = 'Selesai', status = 'complete'")


def test_a_settled_notice_is_fetched_again_on_its_refresh_day_only(tmp_path: Path) -> None:
    refresh = RefreshSlice(slices=2, day=2)
    codes = [str(code) for code in range(10012340, 10012360)]
    due = next(c for c in codes if notice_id("jatengprov", "tender", c) in refresh)
    not_due = next(c for c in codes if notice_id("jatengprov", "tender", c) not in refresh)
    settled_archive(tmp_path / "archive.db", [due, not_due])
    crawler = archive_crawler(
        {"PROCARCHIVE_DB": str(tmp_path / "archive.db"), "PROCARCHIVE_INCREMENTAL": True,
         "PROCARCHIVE_REFRESH_SLICES": refresh.slices, "PROCARCHIVE_REFRESH_DAY": refresh.day},
        SpseNoticesSpider,
    )  # fmt: skip
    crawler.stats.open_spider()
    source = Source("spse", "spse_notices", ("http://spse.test",), ("spse.test",))
    spider = SpseNoticesSpider.from_crawler(crawler, source=source)
    crawler.spider = spider
    spider.base, spider.listed, spider.visited = "http://spse.test", {}, set()
    spider.archived = CrawlSession.of(crawler).index
    lpse = Lpse("jatengprov", "LPSE Provinsi Jawa Tengah")

    def visit(code: str, stage: str) -> list[Any]:
        spider.visited.clear()
        return list(spider.visit(lpse, "tender", {"package_code": code, "stage": stage}))

    (seen,) = visit(not_due, "Selesai")
    assert isinstance(seen, NoticeSeenItem)
    assert seen.ids == [notice_id("jatengprov", "tender", not_due)]
    (request,) = visit(due, "Selesai")  # today's slice: fetched whatever the listing says
    assert isinstance(request, Request) and f"/{due}/" in request.url
    (changed,) = visit(not_due, "Pengumuman Pascakualifikasi")  # the listing shows another
    assert isinstance(changed, Request)
    assert crawler.stats.get_value("procarchive/notices_settled_not_fetched") == 1
