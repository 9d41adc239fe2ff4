"""An immutable database's schema is asked once (datasette_plugins/immutable_schema.py): the
same pages, far fewer round trips through Datasette's SQL threads; a mutable one is asked
every time."""

from __future__ import annotations

import asyncio
import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from datasette_plugins.immutable_schema import Answers, copied, reads_only_the_schema
from procarchive.serve import build_datasette
from tests.test_metadata import build_archive

# Distinct pages, so that the public site's page cache (response_cache.py) answers none.
PAGES = [
    "/archive/articles?source=lkpp_news",
    "/archive/articles?kind=mou",
    "/archive/articles.json?year=2016&_extra=facet_results",
    "/archive/notices?lpse=nasional",
    "/archive/mous",
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("immutable_schema") / "archive.db")


def counting_round_trips(database: Any) -> list[int]:
    """A counter (its one item) of the database's round trips into its SQL threads."""
    trips = [0]
    execute_fn = database.execute_fn

    async def counted(fn: Any) -> Any:
        trips[0] += 1
        return await execute_fn(fn)

    database.execute_fn = counted
    return trips


def served(archive: Path, public: bool) -> tuple[dict[str, str], list[int]]:
    """Each page's body, and the round trips into SQLite's threads each page made after
    another page of its table."""

    async def run() -> tuple[dict[str, str], list[int]]:
        datasette = build_datasette(archive, public=public)
        await datasette.invoke_startup()
        trips = counting_round_trips(datasette.get_database("archive"))
        bodies: dict[str, str] = {}
        counts: list[int] = []
        for path in PAGES:
            # Another page of the same table first: its schema questions are asked there.
            await datasette.client.get(path + ("&" if "?" in path else "?") + "_size=1")
            trips[0] = 0
            response = await datasette.client.get(path)
            assert response.status_code == 200, path
            bodies[path], counts = response.text, [*counts, trips[0]]
        return bodies, counts

    return asyncio.run(run())


def test_immutable_pages_are_the_same_with_far_fewer_round_trips(archive: Path) -> None:
    public, public_trips = served(archive, public=True)
    local, local_trips = served(archive, public=False)
    json_page = "/archive/articles.json?year=2016&_extra=facet_results"
    public_page, local_page = json.loads(public[json_page]), json.loads(local[json_page])
    for key in ("rows", "filtered_table_rows_count", "facet_results"):
        assert public_page[key] == local_page[key], key
    assert public_page["filtered_table_rows_count"] > 0
    assert public["/archive/articles?kind=mou"].count("<tr>") > 1
    # Left on an articles page: its rows, its count and its three facets' sums (one visit).
    assert public_trips[:3] == [3, 3, 3], public_trips
    assert all(3 * mine < theirs for mine, theirs in zip(public_trips, local_trips, strict=True)), (
        public_trips,
        local_trips,
    )


def test_answers_are_copies_that_callers_may_change(archive: Path) -> None:
    async def run() -> tuple[list[str], list[str]]:
        datasette = build_datasette(archive, public=True)
        await datasette.invoke_startup()
        database = datasette.get_database("archive")
        columns = await database.table_columns("articles")
        columns.append("changed by a caller")
        return columns, await database.table_columns("articles")

    changed, again = asyncio.run(run())
    assert again == changed[:-1] and "url" in again


def test_a_mutable_database_is_asked_every_time(archive: Path) -> None:
    async def run() -> tuple[bool, bool]:
        datasette = build_datasette(archive, public=False)
        await datasette.invoke_startup()
        database = datasette.get_database("archive")
        return (
            database.table_columns.__func__ is type(database).table_columns,
            "execute_remembered" not in database.execute.__qualname__,
        )

    assert asyncio.run(run()) == (True, True)


def test_answers_are_bounded_least_recently_used_out_first() -> None:
    asked: list[str] = []

    async def ask(key: str) -> str:
        asked.append(key)
        return key.upper()

    async def run() -> list[str]:
        answers = Answers(limit=2)
        return [await answers.get((key,), partial(ask, key)) for key in "abacab"]

    assert asyncio.run(run()) == ["A", "B", "A", "C", "A", "B"]
    assert asked == ["a", "b", "c", "b"]  # b was the least recently used when c came


@pytest.mark.parametrize(
    ("sql", "schema_only"),
    [
        ("select sql from sqlite_master where name = :n and type=:t", True),
        ("select name from sqlite_master\n where type='table'", True),
        ("PRAGMA schema_version", True),
        ("select count(*) from articles", False),
        ("select * from sqlite_master join articles on 1", False),
        ("select name from sqlite_master where name in (select source from articles)", False),
        ("select name from sqlite_master; delete from articles", False),
        ("pragma table_info(articles)", False),
    ],
)
def test_only_statements_reading_the_schema_alone_are_kept(sql: str, schema_only: bool) -> None:
    assert reads_only_the_schema(sql) is schema_only


def internal_trips(archive: Path, public: bool) -> tuple[int, list[str]]:
    """Round trips into `_internal` on a page after another page of its table, and the
    databases `_internal` lists after one is added while serving."""

    async def run() -> tuple[int, list[str]]:
        datasette = build_datasette(archive, public=public)
        await datasette.invoke_startup()
        internal = datasette.get_database("_internal")
        trips = counting_round_trips(internal)
        await datasette.client.get("/archive/articles?_size=1")
        trips[0] = 0
        response = await datasette.client.get("/archive/articles?source=lkpp_news")
        assert response.status_code == 200 and "Search all tables" in response.text
        page_trips = trips[0]
        datasette.add_memory_database("added_later")
        assert (await datasette.client.get("/added_later")).status_code == 200
        listed = await internal.execute("select database_name from databases order by 1")
        return page_trips, [row[0] for row in listed]

    return asyncio.run(run())


def test_internal_schema_is_asked_once_while_every_database_is_immutable(archive: Path) -> None:
    public_trips, public_listed = internal_trips(archive, public=True)
    local_trips, local_listed = internal_trips(archive, public=False)
    assert public_trips == 0
    assert local_trips >= 6  # the menu's four questions and the refresh's two
    # A database added while serving is refreshed into `_internal` all the same.
    assert public_listed == local_listed == ["_internal", "added_later", "archive"]


def test_copies_are_deep_where_an_answer_holds_something_mutable() -> None:
    keys = [{"column": "source", "other_table": "sources"}]
    copy_of_keys = copied(keys)
    copy_of_keys[0]["column"] = "changed by a caller"
    assert keys[0]["column"] == "source"
    columns = [("id", "text"), ("url", "text")]
    assert copied(columns) == columns and copied(columns) is not columns
    assert copied("articles_fts") == "articles_fts" and copied(None) is None
