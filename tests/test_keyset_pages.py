"""Later pages of the articles table: every row once, in the page's order, read from the
sort index in order (not a sort of every row after the cursor)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from archive.connection import open_archive
from datasette_plugins.table_sql import in_index_order, with_tie_breaker
from tests.test_metadata import fetch_all

# What Datasette 0.65 runs for `/archive/articles?source=...&_next=...` (sort_desc published_at).
NEXT_PAGE = (
    'select id, source from articles where "source" = :p0 and (published_at < :p2 or '
    "published_at is null or (published_at = :p2 and ((id > :p1)))) "
    "order by published_at desc, id limit 21"
)


def test_the_null_branch_is_kept_off_the_index_and_nothing_else_changes() -> None:
    rewritten = in_index_order(NEXT_PAGE)
    assert rewritten == NEXT_PAGE.replace("or published_at is null", "or +published_at is null")
    bracketed = "([announced at] < :p3 or [announced at] is null or ([announced at] = :p3 and "
    assert in_index_order(bracketed).count("+[announced at] is null") == 1
    for untouched in ("select * from articles where published_at is null",
                      "select * from articles where (a < :p1 or b is null or (a = :p1 and "):  # fmt: skip
        assert in_index_order(untouched) == untouched


def test_a_first_page_sorted_by_one_column_gets_the_primary_key_as_tie_breaker() -> None:
    first = (
        'select id, source from articles where "source" = :p0 order by published_at desc limit 21'
    )
    assert with_tie_breaker(first, ["id"]) == first.replace("desc limit", "desc, id limit")
    ascending = "select * from [my table] order by [a b] limit 101"
    assert with_tie_breaker(ascending, []) == ascending.replace("] limit", "], rowid limit")
    assert with_tie_breaker(ascending, ["k 1", "k2"]).endswith(
        "order by [a b], [k 1], k2 limit 101"
    )
    for untouched in (
        NEXT_PAGE,
        "select * from t order by a, b limit 5",
        "select * from (select * from t order by a limit 5)",
        # a user's query joining tables: "id" would be ambiguous
        "select n.id, a.title from notices n join articles a on a.id = n.id order by lpse limit 5",
        "select * from notices join articles using (id) where lpse = 'x' order by lpse limit 5",
    ):
        assert with_tie_breaker(untouched, ["id"]) == untouched


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Articles with shared and missing publication dates (ties and NULLs across pages)."""
    path = tmp_path_factory.mktemp("keyset") / "archive.db"
    rng = random.Random(5)
    dates = [None, "2019-05-01", "2020-01-01T08:00:00+07:00", "2021-12-31", "2024-02-29"]
    db = open_archive(path)
    db.table("articles").insert_all(
        {"id": f"{rng.getrandbits(64):016x}", "url": f"https://news.test/{n}",
         "source": rng.choice(["a", "b"]), "title": f"Berita {n}", "kind": "news",
         "published_at": rng.choice(dates), "content_hash": str(n),
         "first_seen_at": "2026-01-01", "last_seen_at": "2026-01-01", "text": "Pengadaan."}
        for n in range(300)
    )  # fmt: skip
    db.execute("ANALYZE")
    db.conn.commit()
    db.close()
    return path


def every_page(archive: Path, query: str) -> list[str]:
    ids: list[str] = []
    path: str | None = f"/archive/articles.json?_shape=objects&_size=13&_nofacet=1&{query}"
    while path:
        page: Any = fetch_all(archive, [path])[path].json()
        ids += [row["id"] for row in page["rows"]]
        path = page["next_url"] and page["next_url"].replace("http://localhost", "")
    return ids


@pytest.mark.parametrize("source", ["", "a"])
def test_paging_through_gives_every_row_once_in_order(archive: Path, source: str) -> None:
    db = open_archive(archive, create=False)
    where = "where source = ?" if source else ""
    expected = [row[0] for row in db.execute(
        f"select id from articles {where} order by published_at desc, id", [source] if source else []
    )]  # fmt: skip
    db.close()
    assert every_page(archive, f"source={source}" if source else "") == expected


def test_the_next_page_reads_the_sort_index_in_order(archive: Path) -> None:
    db = open_archive(archive, create=False)
    plan = db.execute(f"explain query plan {in_index_order(NEXT_PAGE)}", ["a", "x", "2021"])
    steps = " | ".join(row[3] for row in plan.fetchall())
    db.close()
    assert "MULTI-INDEX OR" not in steps and "TEMP B-TREE FOR ORDER BY" not in steps, steps
    assert "idx_articles_source_published_at" in steps, steps
