"""The rows table and facet lists rendered at once (datasette_plugins/page_rendering.py)
are byte for byte what Datasette's own templates render in async mode."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest
from datasette.app import Datasette
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from archive.connection import open_archive
from procarchive.serve import PLUGINS, TEMPLATES, build_datasette, load_metadata
from tests.test_metadata import build_archive

TIMING = re.compile(r"took [\d.]+ms")  # the footer's "Queries took 8.5ms"
OVERRIDES = ("_table.html", "_facet_results.html", "_rows_and_columns.html")
PAGES = [
    "/archive/articles",
    "/archive/articles?source=lkpp_news&_facet=lang",
    "/archive/articles?kind=nothing-of-this-kind",  # no rows
    "/archive/articles?_sort=title&_size=3",
    "/archive/notices?_facet=stage",
    "/archive/mous",
    "/archive/article_versions",
    "/archive/articles_facet_counts",  # a table without a primary key: rowid links
    "/archive/article_agencies",  # a compound primary key: a link column of its own
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("synchronous") / "archive.db")


def pages(archive: Path, template_dir: Path) -> dict[str, str]:
    """PAGES and an article's row page as served with the templates of `template_dir`."""
    db = open_archive(archive, create=False)
    first = db.execute("select id from articles order by rowid limit 1").fetchone()[0]
    db.close()

    async def run() -> dict[str, str]:
        datasette = Datasette(
            [str(archive)], metadata=load_metadata(), plugins_dir=str(PLUGINS),
            template_dir=str(template_dir), settings={"suggest_facets": False},
        )  # fmt: skip
        await datasette.invoke_startup()
        bodies = {}
        for path in [*PAGES, f"/archive/articles/{first}"]:
            response = await datasette.client.get(path)
            assert response.status_code == 200, path
            bodies[path] = TIMING.sub("took some ms", response.text)
        return bodies

    return asyncio.run(run())


def test_pages_are_the_bytes_of_datasettes_own_templates(archive: Path, tmp_path: Path) -> None:
    stock = tmp_path / "templates"
    shutil.copytree(TEMPLATES, stock)
    for name in OVERRIDES:
        (stock / name).unlink()
    mine, theirs = pages(archive, TEMPLATES), pages(archive, stock)
    assert mine.keys() == theirs.keys() and len(mine) == len(PAGES) + 1
    for path in mine:
        assert mine[path] == theirs[path], path
    assert 'class="rows-and-columns"' in mine["/archive/mous"]
    assert 'class="facet-results"' in mine["/archive/notices?_facet=stage"]
    assert "0 records" in mine["/archive/articles?kind=nothing-of-this-kind"]


def test_the_served_site_renders_them_synchronously(archive: Path) -> None:
    rendered: list[str] = []

    async def run() -> str:
        datasette = build_datasette(archive, public=True)
        await datasette.invoke_startup()
        globals_ = datasette.jinja_env.globals
        synchronously = globals_["rendered_synchronously"]

        @pass_context
        def recorded(context: Context, name: str) -> Markup:
            rendered.append(name)
            return synchronously(context, name)

        globals_["rendered_synchronously"] = recorded
        return (await datasette.client.get("/archive/articles?source=lkpp_news")).text

    body = asyncio.run(run())
    assert rendered == ["default:_facet_results.html", "_rows_and_columns.html"]
    assert 'class="rows-and-columns"' in body and 'class="facet-results"' in body
