"""The table pages' SQL rewrites (datasette_plugins/table_sql.py): one wrapper a database,
the rewrites in their documented order, and Datasette's own SQL on a version they were not
written for."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from datasette import version
from datasette.app import Datasette

from archive.connection import open_archive
from datasette_plugins import table_sql
from tests.test_metadata import ROOT, fetch_all

FILTERED = (
    "/archive/articles.json?kind=mou&_sort_desc=published_at&_size=3&_nofacet=1&_shape=objects"
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten MoU articles, half published the same day, whose precomputed counts say a
    thousand times more: a summed count shows in the figure."""
    path = tmp_path_factory.mktemp("table_sql") / "archive.db"
    db = open_archive(path)
    db.table("articles").insert_all(
        {"id": f"{n:016x}", "url": f"https://news.test/{n}", "source": "pps_news",
         "title": f"MoU {n}", "kind": "mou", "year": 2020, "content_hash": str(n),
         "published_at": "2020-02-03" if n % 2 else f"2020-01-{n + 10:02d}",
         "first_seen_at": "2026-01-01", "last_seen_at": "2026-01-01", "text": "Nota."}
        for n in range(10)
    )  # fmt: skip
    db.execute("UPDATE articles_facet_counts SET n = n * 1000")
    db.conn.commit()
    db.close()
    return path


def statements_run(archive: Path, sqls: list[str]) -> list[str]:
    """What the database is asked to run for each statement, rewritten as Datasette would be."""

    async def run() -> list[str]:
        datasette = Datasette([str(archive)], plugins_dir=str(ROOT / "datasette_plugins"))
        database = datasette.get_database("archive")
        return [await table_sql.rewritten(database, sql) for sql in sqls]

    return asyncio.run(run())


def test_each_statement_gets_the_rewrite_of_its_shape(archive: Path) -> None:
    count = 'select count(*) from articles where "kind" = :p0 '
    first = 'select id from articles where "kind" = :p0 order by published_at desc limit 4'
    later = (
        'select id from articles where "kind" = :p0 and (published_at < :p2 or published_at '
        "is null or (published_at = :p2 and ((id > :p1)))) order by published_at desc, id limit 4"
    )
    assert [r.__name__ for r in table_sql.REWRITES] == [
        "summed_count", "first_page_tie_broken", "later_page_in_index_order",
    ]  # fmt: skip  # the order the module's docstring gives
    assert statements_run(archive, [count, first, later]) == [
        'select coalesce(sum(n), 0) from articles_facet_counts where "kind" = :p0',
        first.replace("desc limit", "desc, id limit"),
        later.replace("or published_at is null", "or +published_at is null"),
    ]


def test_a_database_is_wrapped_once(archive: Path) -> None:
    async def wrapped() -> Any:
        datasette = Datasette([str(archive)], plugins_dir=str(ROOT / "datasette_plugins"))
        await datasette.invoke_startup()
        return datasette.get_database("archive").execute

    execute = asyncio.run(wrapped())
    assert execute.__qualname__ == "rewriting.<locals>.execute_rewritten"
    inner = next(c.cell_contents for c in execute.__closure__ if callable(c.cell_contents))
    assert inner.__func__.__qualname__ == "Database.execute"  # not another plugin's wrapper


def test_on_its_version_the_page_count_is_summed(archive: Path) -> None:
    page = fetch_all(archive, [FILTERED])[FILTERED].json()
    assert page["filtered_table_rows_count"] == 10_000
    # the newest day's five articles, by id (the tie-breaker)
    assert [row["id"] for row in page["rows"]] == [f"{n:016x}" for n in (1, 3, 5)]


@pytest.mark.parametrize("other", ["0.64.8", "1.0a19"])
def test_another_datasette_version_keeps_its_own_sql_with_a_warning(
    archive: Path, other: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(version, "__version__", other)
    with caplog.at_level(logging.WARNING, logger="datasette_plugins.table_sql"):
        response = fetch_all(archive, [FILTERED])[FILTERED]
    assert response.status_code == 200
    assert response.json()["filtered_table_rows_count"] == 10  # counted from the rows
    warned = [r.getMessage() for r in caplog.records if r.name == "datasette_plugins.table_sql"]
    assert len(warned) == 1 and f"this is Datasette {other}" in warned[0], warned
    assert "written for Datasette 0.65.x" in warned[0]


def test_any_065_release_is_the_version_written_for() -> None:
    assert table_sql.written_for("0.65.5") and table_sql.written_for("0.65.12")
    assert not table_sql.written_for("0.66.0") and not table_sql.written_for("1.0a19")
