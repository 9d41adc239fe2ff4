"""The articles page's facets, summed from articles_facet_counts, are the facets Datasette
would count from the rows, for every filter; the counts follow inserts, updates and deletes."""

from __future__ import annotations

import asyncio
import itertools
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from archive.connection import open_archive
from archive.migrations import COUNTED, FACET_COUNTS
from tests.test_metadata import fetch_all

SOURCES = ["lkpp_news", "kebijakan_pbj_blog", "pps_news", "regional_01"]
KINDS = ["news", "mou", "tender", None]
YEARS = [2014, 2015, 2020, None]


def article(n: int, rng: random.Random) -> dict[str, Any]:
    return {
        "id": f"{n:016x}", "url": f"https://news.test/{n}", "source": rng.choice(SOURCES),
        "title": f"Berita {n}", "published_at": rng.choice(["2020-01-01T00:00:00+07:00", "2020-02-03", None]),
        "year": rng.choice(YEARS), "kind": rng.choice(KINDS), "lang": "id",
        "content_hash": str(n), "first_seen_at": "2026-01-01", "last_seen_at": "2026-01-01",
        "text": "Pengadaan barang." if n % 2 else "Nota kesepahaman.",
    }  # fmt: skip


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("facets") / "archive.db"
    rng = random.Random(3)
    db = open_archive(path)
    db.table("articles").insert_all(article(n, rng) for n in range(400))
    # Reclassified, re-dated and deleted rows move the counts as the rows move.
    db.execute("UPDATE articles SET kind = 'mou' WHERE rowid % 7 = 0")
    db.execute("UPDATE articles SET year = 2021, source = 'pps_news' WHERE rowid % 11 = 0")
    db.execute("UPDATE articles SET published_at = '2021-03-01' WHERE rowid % 5 = 0")
    db.execute("DELETE FROM articles WHERE rowid % 13 = 0")
    db.conn.commit()
    db.close()
    return path


def counted_from_rows(archive: Path) -> dict[tuple[Any, ...], int]:
    db = open_archive(archive, create=False)
    columns = ", ".join(COUNTED.values())
    rows = db.execute(f"select {columns}, count(*) from articles group by {columns}").fetchall()
    db.close()
    return {tuple(row[:-1]): row[-1] for row in rows}


def test_triggers_keep_the_counts_of_every_combination(archive: Path) -> None:
    db = open_archive(archive, create=False)
    columns = ", ".join(COUNTED)
    kept = db.execute(f"select {columns}, n from articles_facet_counts where n > 0").fetchall()
    db.close()
    assert {tuple(row[:-1]): row[-1] for row in kept} == counted_from_rows(archive)


PAGES = [
    "",
    "source=pps_news",
    "kind=mou",
    "year=2015",
    "source=lkpp_news&kind=news",
    "source=regional_01&year=2014&kind=tender",
    "kind=mou&_sort=title",
    "source=nowhere",
    "source=",
]


@pytest.mark.parametrize("query", PAGES)
def test_precounted_facets_equal_the_counted_ones(archive: Path, query: str) -> None:
    """One page with each facet twice: from metadata (precounted) and as Datasette's own
    column facet (`_facet=`, which the page shows as hideable)."""
    path = f"/archive/articles.json?_extra=facet_results&{query}"
    path += "".join(f"&_facet={column}" for column in FACET_COUNTS)
    page = fetch_all(archive, [path])[path].json()
    facets = page["facet_results"]
    assert page["filtered_table_rows_count"] == rows_matching(archive, query)
    for column in FACET_COUNTS:
        mine, stock = sorted(
            (f for f in facets.values() if f["name"] == column), key=lambda f: f["hideable"]
        )
        assert not mine["hideable"] and stock["hideable"], (query, column)
        assert mine["type"] == "column" and mine["truncated"] == stock["truncated"]
        assert mine["results"] == stock["results"], (query, column)


@pytest.fixture
def inflated(archive: Path, tmp_path: Path) -> Path:
    """A copy whose precomputed counts are a thousand times the rows: which facets were
    summed, and which counted from the rows, shows in the figures."""
    copy = tmp_path / "archive.db"
    shutil.copy(archive, copy)
    db = open_archive(copy, create=False)
    db.execute("UPDATE articles_facet_counts SET n = n * 1000")
    db.conn.commit()
    db.close()
    return copy


def facet_counts(page: dict[str, Any], column: str) -> dict[Any, int]:
    return {v["value"]: v["count"] for v in page["facet_results"][column]["results"]}


def rows_matching(archive: Path, query: str) -> int:
    """The number of articles a page's equality filters select, counted from the rows."""
    filters = [pair.split("=") for pair in query.split("&") if pair and not pair.startswith("_")]
    where = " and ".join(f"{column} = ?" for column, _ in filters) or "1"
    db = open_archive(archive, create=False)
    found = db.execute(f"select count(*) from articles where {where}", [v for _, v in filters])
    count = int(found.fetchone()[0])
    db.close()
    return count


def test_pages_filtered_by_facet_columns_sum_the_counts(inflated: Path) -> None:
    """The facets and the page's row count: both from the (inflated) counts."""
    path = (
        "/archive/articles.json?_extra=facet_results&kind=mou&source=pps_news&_sort=title&_size=5"
    )
    page = fetch_all(inflated, [path])[path].json()
    real = rows_matching(inflated, "kind=mou&source=pps_news")
    assert page["filtered_table_rows_count"] == 1000 * real > 0
    assert facet_counts(page, "kind") == {"mou": 1000 * real}
    assert len(page["rows"]) == 5  # the rows themselves are the table's


@pytest.mark.parametrize(
    "query", ["_search=kesepahaman&source=pps_news", "lang=id", "source__contains=news"]
)
def test_other_filters_and_searches_count_from_the_rows(inflated: Path, query: str) -> None:
    path = f"/archive/articles.json?_extra=facet_results&{query}"
    page = fetch_all(inflated, [path])[path].json()
    assert sum(facet_counts(page, "source").values()) == page["filtered_table_rows_count"]


def test_the_articles_per_month_chart_sums_the_counts(archive: Path) -> None:
    path = "/archive/articles_per_month.json?_shape=array"
    chart = fetch_all(archive, [path])[path].json()
    db = open_archive(archive, create=False)
    expected = db.execute(
        "select substr(published_at, 1, 7) as month, source, count(*) as articles from articles "
        "where published_at is not null group by month, source order by month desc, source"
    ).fetchall()
    db.close()
    assert [tuple(row.values()) for row in chart] == expected != []


def test_a_later_page_shows_the_counts_of_the_whole_selection(archive: Path) -> None:
    first = "/archive/articles.json?_extra=facet_results&source=pps_news&_size=10"
    page = fetch_all(archive, [first])[first].json()
    later = page["next_url"].replace("http://localhost", "")
    assert "_next=" in later
    second = fetch_all(archive, [later])[later].json()
    for column in FACET_COUNTS:
        assert facet_counts(second, column) == facet_counts(page, column), column


@pytest.mark.parametrize(
    "sql",
    [
        'select count(*) from articles where "kind" like :p0 ',
        'select count(*) from articles where "lang" = :p0 ',
        "select count(*) from articles ",
        'select count(*) from notices where "lpse" = :p0 ',
    ],
)
def test_other_counts_are_left_as_they_are(archive: Path, sql: str) -> None:
    from datasette.app import Datasette

    from datasette_plugins.table_sql import summed_count

    async def rewritten() -> str:
        datasette = Datasette([str(archive)])
        await datasette.invoke_startup()
        return await summed_count(datasette.get_database("archive"), sql)

    assert asyncio.run(rewritten()) == sql


def test_every_combination_served_publicly_counts_what_count_star_counts(archive: Path) -> None:
    """Every combination of the articles page's filters (values the archive has, ones it
    lacks, none), served as `procarchive serve --public` serves them (immutable, with the
    plugins that remember the schema): the page's count and each facet's counts are those
    of count(*) over the rows, after the fixture's reclassifications and deletions."""
    choices: dict[str, list[Any]] = {
        "source": [None, *SOURCES, "nowhere"],
        "kind": [None, "news", "mou", "tender"],
        "year": [None, 2014, 2015, 2020, 2021],
    }
    filters = [
        {column: value for column, value in zip(choices, chosen, strict=True) if value is not None}
        for chosen in itertools.product(*choices.values())
    ]
    paths = [
        "/archive/articles.json?_extra=facet_results&"
        + "&".join(f"{column}={value}" for column, value in chosen.items())
        for chosen in filters
    ]
    pages = fetch_all(archive, paths, immutable=True)
    db = open_archive(archive, create=False)
    for chosen, path in zip(filters, paths, strict=True):
        page = pages[path].json()
        where = " and ".join([f"{column} = ?" for column in chosen] or ["1"])
        rows = f"from articles where {where}"
        count = db.execute(f"select count(*) {rows}", list(chosen.values())).fetchone()[0]
        assert page["filtered_table_rows_count"] == count, path
        for column in FACET_COUNTS:
            expected = db.execute(
                f"select {column}, count(*) {rows} and {column} is not null group by {column}",
                list(chosen.values()),
            ).fetchall()
            assert facet_counts(page, column) == dict(expected), (path, column)
    db.close()
    assert sum(pages[path].json()["filtered_table_rows_count"] > 0 for path in paths) > 40
