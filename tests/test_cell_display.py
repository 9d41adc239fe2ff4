"""A table page's cells prepared without a render_cell call for the cells no hook renders
(datasette_plugins/cell_display.py) are Datasette's own: the same columns and cells, the
same pages."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm
from datasette.views import table as table_view

from datasette_plugins import cell_display
from procarchive.serve import PLUGINS, TEMPLATES, load_metadata
from tests.test_metadata import build_archive

TIMING = re.compile(r"took [\d.]+ms")
PAGES = [
    "/archive/articles",
    "/archive/articles?source=lkpp_news&_size=5",
    "/archive/articles?kind=nothing-of-this-kind",
    "/archive/notices",  # amounts, rendered by rupiah.py
    "/archive/notice_awards",
    "/archive/mous",
    "/archive/articles_facet_counts",  # no primary key: rowid links
    "/archive/article_agencies",  # a compound primary key
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("cells") / "archive.db")


def served(archive: Path, stock: bool) -> dict[str, str]:
    async def run() -> dict[str, str]:
        datasette = Datasette(
            [str(archive)], metadata=load_metadata(), plugins_dir=str(PLUGINS),
            template_dir=str(TEMPLATES), settings={"suggest_facets": False},
        )  # fmt: skip
        await datasette.invoke_startup()
        if stock:
            table_view.display_columns_and_rows = cell_display.STOCK
        try:
            bodies = {}
            for path in PAGES:
                response = await datasette.client.get(path)
                assert response.status_code == 200, path
                bodies[path] = TIMING.sub("took some ms", response.text)
            return bodies
        finally:
            table_view.display_columns_and_rows = cell_display.STOCK

    return asyncio.run(run())


def test_pages_are_those_of_datasettes_own_cells(archive: Path) -> None:
    mine, theirs = served(archive, stock=False), served(archive, stock=True)
    assert mine == theirs
    assert "Rp " in mine["/archive/notices"]  # rupiah.py still renders its cells


class Marker:
    """A render_cell hook without `renders`, one async, one with: each called as pluggy
    calls them."""

    __name__ = "marker"  # what Datasette lists a plugin by

    @hookimpl
    def render_cell(self, value: Any, column: str) -> Any:
        return f"<{value}>" if column == "marked" else None


class AsyncMarker:
    __name__ = "async_marker"

    @hookimpl
    def render_cell(self, value: Any, column: str, row: Any) -> Any:
        async def rendered() -> Any:
            return None if column != "later" else f"later:{row['id']}"

        # On "marked", an awaitable of None: the next hook's answer is taken.
        return rendered() if column in ("later", "marked") else None


def declared(table: str | None, column: str) -> bool:
    return column == "declared"


class Declared:
    __name__ = "declared"

    def __init__(self) -> None:
        self.asked: list[str] = []

    @hookimpl
    def render_cell(self, value: Any, column: str, table: str) -> Any:
        self.asked.append(column)
        return f"declared in {table}" if column == "declared" else None

    render_cell.renders = declared


def test_cells_of_every_kind_as_datasette_prepares_them(tmp_path: Path) -> None:
    path = tmp_path / "cells.db"
    conn = sqlite3.connect(path)
    conn.execute(
        "create table t (id integer primary key, marked, later, declared, undeclared, "
        "link, spaced_link, blob, empty, long, number)"
    )
    rows = [
        (1, "a", "b", "c", "d", "https://x.example/a?b=<c>", "https://x.example/a b", b"\x00\x01",
         "", "y" * 100, 1.5),
        (2, None, None, None, None, " http://x.example/ ", "not a link", b"", None, "z", 0),
    ]  # fmt: skip
    conn.executemany("insert into t values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    plugins = [Marker(), AsyncMarker(), declaring := Declared()]
    for plugin in plugins:
        pm.register(plugin)
    try:
        datasette = Datasette([str(path)])

        async def both(link_column: bool) -> tuple[Any, Any]:
            db = datasette.get_database("cells")
            result = await db.execute("select * from t")
            arguments = (datasette, "cells", "t", result.description, result.rows)
            declaring.asked.clear()
            mine = await cell_display.display_columns_and_rows(*arguments, link_column, 20)
            assert declaring.asked == ["declared", "declared"]  # asked of its column alone
            theirs = await cell_display.STOCK(*arguments, link_column, 20)
            return mine, theirs

        for link_column in (True, False):
            mine, theirs = asyncio.run(both(link_column))
            assert mine[0] == theirs[0]
            assert [row.cells for row in mine[1]] == [row.cells for row in theirs[1]]
        cells = {cell["column"]: cell["value"] for cell in mine[1][0].cells}
        assert cells["marked"] == "<a>" and cells["later"] == "later:1"
        assert cells["declared"] == "declared in t"
    finally:
        for plugin in plugins:
            pm.unregister(plugin)


def test_a_wrapper_leaves_the_cells_to_datasette() -> None:
    class Wrapper:
        __name__ = "wrapper"

        @hookimpl(hookwrapper=True)
        def render_cell(self) -> Any:
            yield

    plugin = Wrapper()
    pm.register(plugin)
    try:
        assert cell_display.implementations() is None
    finally:
        pm.unregister(plugin)
    assert cell_display.implementations() is not None


def test_another_datasette_keeps_its_own_cells(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(cell_display.installed, "__version__", "1.0a19")
    try:
        cell_display.startup(datasette=None)
        assert table_view.display_columns_and_rows is cell_display.STOCK
        assert "written for Datasette 0.65, not 1.0a19" in caplog.text
        monkeypatch.setattr(cell_display.installed, "__version__", "0.65.5")
        cell_display.startup(datasette=None)
        assert table_view.display_columns_and_rows is cell_display.display_columns_and_rows
    finally:
        table_view.display_columns_and_rows = cell_display.STOCK
