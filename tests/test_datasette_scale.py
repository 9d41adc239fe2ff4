"""What keeps the published archive fast at a million articles: the search query that reads
only the newest hits, indexes in the table page's order, a whole streamed CSV, cached counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.connection import open_archive
from archive.migrations import FILTER_COMBINATIONS
from procarchive.serve import build_datasette, inspect_path, write_inspect_file
from tests.test_metadata import fetch_all

HITS = 80  # more than a page of the search query (50)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Articles archived in rowid order; every third one names "kesepahaman"."""
    path = tmp_path_factory.mktemp("scale") / "archive.db"
    db = open_archive(path)
    db.table("articles").insert_all(
        {"id": f"{n:016x}", "url": f"https://news.test/{n}", "source": f"site{n % 3}",
         "title": f"Berita {n}", "published_at": f"2020-01-01T00:00:{n % 60:02d}+07:00",
         "year": 2020, "kind": "news", "content_hash": str(n), "first_seen_at": "2026-01-01",
         "last_seen_at": "2026-01-01",
         "text": "Nota kesepahaman ditandatangani." if n % 3 == 0 else "Pengadaan barang."}
        for n in range(3 * HITS)
    )  # fmt: skip
    db.close()
    return path


def test_search_query_returns_the_newest_hits_and_pages_back(archive: Path) -> None:
    first = "/archive/search.json?term=kesepahaman&_shape=array"
    page = fetch_all(archive, [first])[first].json()
    positions = sorted((row["position"] for row in page), reverse=True)
    matching_rowids = [n + 1 for n in range(3 * HITS) if n % 3 == 0]
    assert positions == sorted(matching_rowids, reverse=True)[:50]
    assert all("[kesepahaman]" in row["excerpt"].lower() for row in page)
    earlier = f"/archive/search.json?term=kesepahaman&before={min(positions)}&_shape=array"
    rest = fetch_all(archive, [earlier])[earlier].json()
    assert sorted(row["position"] for row in rest) == matching_rowids[: HITS - 50]


def test_search_reads_the_index_in_rowid_order_without_sorting_every_hit(archive: Path) -> None:
    db = open_archive(archive, create=False)
    inner = (
        "select rowid from articles_fts where articles_fts match 'kesepahaman' "
        "and rowid < 9223372036854775807 order by rowid desc limit 100"
    )
    plan = " ".join(row[3] for row in db.execute(f"explain query plan {inner}").fetchall())
    assert "VIRTUAL TABLE INDEX" in plan and "TEMP B-TREE" not in plan, plan


def test_filtered_article_pages_read_rows_in_page_order(archive: Path) -> None:
    db = open_archive(archive, create=False)
    for column, value in (("source", "site1"), ("kind", "news"), ("year", 2020)):
        sql = f"select * from articles where {column} = ? order by published_at desc limit 51"
        plan = " ".join(row[3] for row in db.execute(f"explain query plan {sql}", [value]))
        assert f"idx_articles_{column}_published_at" in plan and "TEMP B-TREE" not in plan, plan


def test_articles_page_promotes_the_search_query(archive: Path) -> None:
    page = fetch_all(archive, ["/archive/articles"])["/archive/articles"]
    assert page.status_code == 200
    assert 'action="/archive/search"' in page.text and 'name="term"' in page.text


def test_streamed_csv_through_datasette_has_every_row(archive: Path) -> None:
    path = "/archive/articles.csv?source=site1&_stream=on&_size=max&_nocol=text"
    lines = fetch_all(archive, [path])[path].text.strip().splitlines()
    assert lines[0].startswith("id,") and len(lines) == 1 + HITS


def test_public_serving_uses_cached_table_counts(archive: Path) -> None:
    assert not inspect_path(archive).exists()
    assert build_datasette(archive, public=True).inspect_data is None
    path = write_inspect_file(archive)
    counts = json.loads(path.read_text())["archive"]["tables"]
    assert counts["articles"]["count"] == 3 * HITS and "articles_fts" not in counts
    database = build_datasette(archive, public=True).get_database("archive")
    assert database.cached_table_counts["articles"] == 3 * HITS
    assert build_datasette(archive).inspect_data is None  # a mutable archive is counted


def archive_before_combined_filter_indexes(path: Path) -> None:
    """An archive as the migrations before 0028 left it, with the planner's statistics."""
    db = open_archive(path)
    for columns in FILTER_COMBINATIONS:
        db.execute(f"DROP INDEX idx_articles_{'_'.join(columns)}_published_at")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = '0028_combined_filter_indexes'")
    db.table("articles").insert_all(
        {"id": f"{n:016x}", "url": f"https://news.test/{n}", "source": f"site{n % 7}",
         "kind": ("news", "mou", "tender")[n % 3], "year": 2010 + n % 16,
         "published_at": f"{2010 + n % 16}-01-01", "content_hash": str(n),
         "first_seen_at": "2026-01-01", "last_seen_at": "2026-01-01"}
        for n in range(2000)
    )  # fmt: skip
    db.execute("ANALYZE")
    db.conn.commit()
    db.close()


def test_pages_with_combined_filters_start_at_their_first_row(tmp_path: Path) -> None:
    """0028 on an archive made before it: an index for each combination of the articles
    page's filters, in the page's order, with statistics, and the page's query reads it."""
    path = tmp_path / "archive.db"
    archive_before_combined_filter_indexes(path)
    db = open_archive(path, create=False)  # migrates
    stats = {row[0] for row in db.execute("select idx from sqlite_stat1")}
    indexes = {index.name: index.columns for index in db.table("articles").indexes}
    for columns in FILTER_COMBINATIONS:
        index = f"idx_articles_{'_'.join(columns)}_published_at"
        assert indexes[index] == [*columns, "published_at"] and index in stats, index
        where = " and ".join(f'"{column}" = ?' for column in columns)
        sql = f"select * from articles where {where} order by published_at desc, id limit 21"
        values = {"source": "site3", "kind": "mou", "year": "2013"}
        found = db.execute(f"explain query plan {sql}", [values[column] for column in columns])
        plan = [row[3] for row in found]
        assert plan[0].startswith(f"SEARCH articles USING INDEX {index} ("), plan
        assert plan[1:] == ["USE TEMP B-TREE FOR RIGHT PART OF ORDER BY"], plan  # ties by id
    db.close()
