"""The store: upserts by id, versions on change, FTS in sync, the crawls row."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from scrapy import Spider
from sqlite_utils import Database

from archive.articles import write_articles
from archive.connection import open_archive
from archive.crawls import crawl_summary
from pipelines.normalize import NormalizePipeline
from pipelines.store import StorePipeline, article_row
from scrapers.analysis.agencies import gazetteer
from scrapers.items import ArticleItem
from tests.conftest import archive_crawler, end_crawl

TEXT = "LKPP dan PPS Korea memperpanjang kerja sama pengadaan publik. " * 5


def article(**changes: object) -> dict[str, object]:
    item = ArticleItem(url="https://lkpp.go.id/berita/mou", source="lkpp_news", title="MoU", text=TEXT,
                       published_at="2015-10-02T16:40:00+07:00")  # fmt: skip
    return article_row(NormalizePipeline().process_item(replace(item, **changes)))  # type: ignore[arg-type]


def test_new_unchanged_changed_and_versions() -> None:
    db = open_archive(":memory:")
    assert write_articles(db, [article()], 1) == {"new": 1, "changed": 0, "unchanged": 0}
    first = next(db["articles"].rows)
    assert write_articles(db, [article()], 2) == {"new": 0, "changed": 0, "unchanged": 1}
    assert db["article_versions"].count == 0
    edited = article(title="MoU diperpanjang")
    assert write_articles(db, [edited], 3) == {"new": 0, "changed": 1, "unchanged": 0}
    row = next(db["articles"].rows)
    assert (row["title"], row["first_seen_at"], row["crawl_id"]) == (
        "MoU diperpanjang",
        first["first_seen_at"],
        3,
    )
    version = next(db["article_versions"].rows)
    assert (version["title"], version["content_hash"], version["crawl_id"]) == (
        "MoU",
        first["content_hash"],
        2,
    )
    assert db["articles"].count == 1


def test_full_text_search_follows_changes_only() -> None:
    db = open_archive(":memory:")
    write_articles(db, [article()], 1)
    search = "select count(*) from articles_fts where articles_fts match ?"
    assert db.execute(search, ["Korea"]).fetchone()[0] == 1
    write_articles(db, [article(text=TEXT.replace("Korea", "Chile"))], 2)
    assert db.execute(search, ["Korea"]).fetchone()[0] == 0
    assert db.execute(search, ["chile"]).fetchone()[0] == 1
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")


def test_diacritics_are_folded_in_search() -> None:
    db = open_archive(":memory:")
    write_articles(db, [article(text=TEXT + " Kerja sama dengan Bogotá.")], 1)
    assert (
        db.execute(
            "select count(*) from articles_fts where articles_fts match 'bogota'"
        ).fetchone()[0]
        == 1
    )


def test_pipeline_batches_and_records_the_crawl(tmp_path) -> None:
    path = tmp_path / "archive.db"
    crawler = archive_crawler({"PROCARCHIVE_DB": str(path), "PROCARCHIVE_BATCH_SIZE": 2})
    crawler.spider = Spider(name="lkpp_news")
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    for n in range(3):
        item = NormalizePipeline().process_item(
            ArticleItem(
                url=f"https://lkpp.go.id/berita/{n}", source="lkpp_news", title=f"B{n}", text=TEXT
            )
        )
        pipeline.process_item(item)
    db = open_archive(path)
    assert db["articles"].count == 2  # the first batch is committed, the third item waits
    crawler.stats.set_value("response_received_count", 4)
    crawler.stats.set_value("item_scraped_count", 3)
    pipeline.close_spider()
    pipeline.spider_closed(crawler.spider, "finished")
    end_crawl(crawler)
    assert db["articles"].count == 3
    # The gazetteer's organisations, read without compiling its patterns on the crawl's thread.
    listed = [(a.name, a.full, a.country, a.type) for a in gazetteer().agencies.values()]
    assert sorted(db.execute("SELECT name, full_name, country, type FROM agencies")) == sorted(
        listed
    )
    crawl = next(db["crawls"].rows)
    assert (crawl["status"], crawl["items_new"], crawl["pages_fetched"], crawl["source"]) == (
        "ok",
        3,
        4,
        "lkpp_news",
    )


def test_crawl_summary_counts_errors_and_failure() -> None:
    dead = {
        "response_received_count": 0,
        "procarchive/failed/DNSLookupError": 1,
        "log_count/ERROR": 2,
    }
    summary = crawl_summary(dead, "finished")
    assert summary["status"] == "failed" and summary["errors"] == 1
    assert json.loads(summary["error_reasons"]) == {"failed/DNSLookupError": 1}
    http = {"response_received_count": 9, "item_scraped_count": 5, "procarchive/failed/http_500": 1,
            "procarchive/skipped/robots": 2, "procarchive/skipped/bad_feed": 1}  # fmt: skip
    summary = crawl_summary(http, "finished")
    assert summary["status"] == "ok" and summary["errors"] == 2
    assert crawl_summary({**http, "item_scraped_count": 0}, "finished")["status"] == "failed"
    assert crawl_summary(http, "shutdown")["status"] == "failed"
    nothing_left = {"response_received_count": 0}
    assert crawl_summary(nothing_left, "finished")["status"] == "failed"
    assert crawl_summary(nothing_left, "finished", resumed=True)["status"] == "ok"


def test_an_exception_in_a_callback_is_one_error() -> None:
    summary = crawl_summary(
        {"spider_exceptions/ValueError": 1, "spider_exceptions/count": 1,
         "response_received_count": 3, "item_scraped_count": 2},
        "finished",
    )  # fmt: skip
    assert summary["errors"] == 1
    assert summary["error_reasons"] == '{"ValueError": 1}'


def opened_store(tmp_path: Path, batch_size: int) -> tuple[Any, StorePipeline, Database]:
    """A store pipeline opened on a new archive in `tmp_path`, and that archive."""
    path = tmp_path / "archive.db"
    crawler = archive_crawler({"PROCARCHIVE_DB": str(path), "PROCARCHIVE_BATCH_SIZE": batch_size})
    crawler.spider = Spider(name="lkpp_news")
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    return crawler, pipeline, open_archive(path)


def test_a_batch_the_database_rejects_is_counted_and_the_crawl_goes_on(tmp_path) -> None:
    crawler, pipeline, db = opened_store(tmp_path, batch_size=2)
    db.execute(
        "CREATE TRIGGER refuse AFTER INSERT ON articles WHEN new.title = 'B0' "
        "BEGIN SELECT RAISE(ABORT, 'a row this database will not take'); END"
    )
    for n in range(3):
        item = ArticleItem(
            url=f"https://lkpp.go.id/berita/{n}", source="lkpp_news", title=f"B{n}", text=TEXT
        )
        pipeline.process_item(NormalizePipeline().process_item(item))  # no exception
    pipeline.close_spider()
    pipeline.spider_closed(crawler.spider, "finished")
    end_crawl(crawler)
    assert [row["title"] for row in db["articles"].rows] == ["B2"]
    crawl = next(db["crawls"].rows)
    assert json.loads(crawl["error_reasons"]) == {"failed/article_write": 2}
    assert crawl["errors"] == 2 and crawl["finished_at"]


def test_an_article_and_its_records_are_written_together_or_not_at_all(tmp_path) -> None:
    """A batch whose agencies the archive refuses leaves no article behind either: written
    alone, the article would read as unchanged to the next crawl, its records never made."""
    _, pipeline, db = opened_store(tmp_path, batch_size=1)
    db.execute(
        "CREATE TRIGGER refuse AFTER INSERT ON article_agencies "
        "BEGIN SELECT RAISE(ABORT, 'no agencies today'); END"
    )
    item = ArticleItem(url="https://lkpp.go.id/berita/0", source="lkpp_news", title="B0",
                       text=TEXT, agencies={"LKPP": 5})  # fmt: skip
    pipeline.process_item(NormalizePipeline().process_item(item))
    assert db["articles"].count == 0 and db["article_versions"].count == 0
    db.execute("DROP TRIGGER refuse")
    pipeline.process_item(NormalizePipeline().process_item(item))
    assert db["articles"].count == 1
    assert [row["agency"] for row in db["article_agencies"].rows] == ["LKPP"]
