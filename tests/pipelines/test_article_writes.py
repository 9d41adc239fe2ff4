"""Each of the archive's article writes is one transaction: a batch the database refuses
part of leaves none of it (and what it would have replaced stays)."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from archive.articles import mark_seen, write_articles, write_records
from archive.connection import open_archive
from tests.pipelines.test_store import article


def refuse(db: Database, table: str, when: str) -> None:
    db.execute(
        f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} WHEN {when} "
        "BEGIN SELECT RAISE(ABORT, 'a row this database will not take'); END"
    )


def test_a_batch_refused_at_its_second_article_leaves_none_of_it() -> None:
    db = open_archive(":memory:")
    refuse(db, "articles", "new.title = 'second'")
    batch = [article(url="https://lkpp.go.id/berita/1", title="first"),
             article(url="https://lkpp.go.id/berita/2", title="second")]  # fmt: skip
    with pytest.raises(Exception, match="will not take"):
        write_articles(db, batch, 1)
    assert db["articles"].count == 0 and db["article_urls"].count == 0
    assert not db.conn.in_transaction


def test_a_change_refused_keeps_the_state_it_would_have_replaced() -> None:
    db = open_archive(":memory:")
    write_articles(db, [article(title="old")], 1)
    refuse(db, "article_versions", "1")
    with pytest.raises(Exception, match="will not take"):
        write_articles(db, [article(title="new")], 2)
    assert [(row["title"], row["crawl_id"]) for row in db["articles"].rows] == [("old", 1)]


def test_records_refused_keep_the_records_they_would_have_replaced() -> None:
    db = open_archive(":memory:")
    row = {**article(), "id": "a", "agency_counts": {"LKPP": 2}}
    write_articles(db, [row], 1)
    write_records(db, [row])
    refuse(db, "article_agencies", "new.agency = 'PPS'")
    with pytest.raises(Exception, match="will not take"):
        write_records(db, [{**row, "agency_counts": {"LKPP": 3, "PPS": 1}}])
    assert [(r["agency"], r["mentions"]) for r in db["article_agencies"].rows] == [("LKPP", 2)]


def test_a_return_refused_leaves_the_article_gone() -> None:
    db = open_archive(":memory:")
    write_articles(db, [article()], 1)
    db.execute("UPDATE articles SET gone_at = '2026-01-01', gone_reason = 'http_404'")
    refuse(db, "article_versions", "1")
    identifier = next(db["articles"].rows)["id"]
    with pytest.raises(Exception, match="will not take"):
        mark_seen(db, [identifier], 2, "2026-02-01")
    assert next(db["articles"].rows)["gone_at"] == "2026-01-01"
