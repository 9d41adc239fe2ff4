"""The archive is served under metadata.yml's database name whatever its file is called, and
the plugins, templates and exports take that name from there: `procarchive serve --db
other.db` serves the same site as archive.db."""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import sqlite3
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from archive.site import database_name
from datasette_plugins.pages import TABLE_GROUPS
from procarchive.serve import PLUGINS, TEMPLATES, build_datasette, load_metadata
from tests.test_metadata import build_archive
from tests.test_publish import serving
from tests.test_reading_pages import PPS_RENEWAL

NAME = database_name(load_metadata())


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A sample archive in other.db, served by `procarchive serve --db other.db`."""
    workdir = tmp_path_factory.mktemp("other-name")
    archive = build_archive(workdir / "other.db")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "procarchive.cli", "serve", "--db", str(archive),
               "--port", str(port)]  # fmt: skip
    server = serving(command, dict(os.environ), port, workdir / "serve.log")
    try:
        yield f"http://127.0.0.1:{port}", archive
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(base: str, path: str) -> tuple[str, dict[str, str]]:
    with urllib.request.urlopen(base + path, timeout=60) as response:
        assert response.status == 200, path
        return response.read().decode("utf-8"), dict(response.headers)


def test_the_home_page_and_its_links_name_the_configured_database(other: tuple[str, Path]) -> None:
    base, _ = other
    soup = BeautifulSoup(get(base, "/")[0], "html.parser")
    assert soup.select_one(f"form.home-search[action='/{NAME}/search']") is not None
    tables = [a["href"] for a in soup.select(".archive-tables a")]
    assert f"/{NAME}/articles" in tables and f"/{NAME}/notices" in tables
    assert not [href for href in tables if "/other" in str(href)]
    assert soup.select(f".queries a[href^='/{NAME}/']") or soup.select(f"a[href='/{NAME}/search']")


def test_canned_queries_reading_pages_and_facets_apply(other: tuple[str, Path]) -> None:
    base, archive = other
    with sqlite3.connect(archive) as db:
        (key,) = db.execute("select id from articles where title = ?", [PPS_RENEWAL]).fetchone()
    db.close()
    found, _ = get(base, f"/{NAME}/search.json?term=kesepahaman&_shape=array")
    assert PPS_RENEWAL in found  # metadata.yml's canned query, with the site's search syntax
    reading = BeautifulSoup(get(base, f"/{NAME}/articles/{key}")[0], "html.parser")
    assert reading.h1 is not None and reading.h1.get_text(strip=True) == PPS_RENEWAL
    assert reading.select_one(".byline") is not None  # the reading page's template and plugin
    facets, _ = get(base, f"/{NAME}/articles.json?_size=0")
    assert '"source"' in facets and '"facet_results"' in facets  # metadata.yml's facets


def test_a_csv_export_streams_every_row(other: tuple[str, Path]) -> None:
    base, archive = other
    with sqlite3.connect(archive) as db:
        (articles,) = db.execute("select count(*) from articles").fetchone()
    db.close()
    text, headers = get(base, f"/{NAME}/articles.csv?_stream=on&_nocol=text")
    assert headers.get("x-csv-writer") == "bulk"  # fast_csv's path
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "id" and len(rows) == 1 + articles


def test_the_served_name_comes_from_metadata_not_the_file(tmp_path: Path) -> None:
    archive = build_archive(tmp_path / "renamed.db")
    for public in (False, True):
        assert [n for n in build_datasette(archive, public=public).databases if n[0] != "_"] == [
            NAME
        ]


def test_plugins_and_templates_do_not_spell_the_name() -> None:
    """They read it (archive.site, the templates' `archive_database`); Datasette picks the
    row and table templates by it, so their file names follow it."""
    spelt = re.compile(rf"""["'`]/?{NAME}["'/]""")
    for path in [*PLUGINS.glob("*.py"), *TEMPLATES.glob("*.html")]:
        assert not spelt.search(path.read_text(encoding="utf-8")), path
    named = [path.name for path in TEMPLATES.glob("*-*-*.html")]
    assert named and all(name.split("-")[1] == NAME for name in named)


def test_the_database_page_lists_tables_as_the_home_page_does(other: tuple[str, Path]) -> None:
    base, _ = other
    database = BeautifulSoup(get(base, f"/{NAME}")[0], "html.parser")
    listed = [a.get_text() for a in database.select(".db-table h3 a")]
    home = BeautifulSoup(get(base, "/")[0], "html.parser")
    homes = [a.get_text() for a in home.select(".archive-tables a")]
    tables = [name for name in homes if name in listed]  # views are listed apart on both
    assert listed[: len(tables)] == tables and listed[0] == TABLE_GROUPS["Articles"][0]
    assert listed != sorted(listed)
