"""The published site: a folder without sensitive data that serves the archive as a
researcher meets it (home page, feeds, charts' queries, row pages, robots and sitemap), and
the public settings of `procarchive serve --public`."""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from procarchive.cli import main
from procarchive.serve import build_datasette, datasette_command
from tests.test_metadata import build_archive, fetch_all

NPWP = "09.876.543.2-101.000"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("publish")
    archive = build_archive(workdir / "archive.db")
    db = sqlite3.connect(archive)
    with db:  # an article whose text looks like markup: it must come out as text
        db.execute(
            "UPDATE articles SET text = '<script>alert(1)</script>' || char(10) || char(10) || text "
            "WHERE id = (SELECT article_id FROM mous LIMIT 1)"
        )
    db.close()
    assert main(["publish", str(workdir / "site"), "--db", str(archive)]) == 0
    return workdir / "site"


def test_the_folder_has_what_a_deployment_needs_and_no_sensitive_data(published: Path) -> None:
    names = {path.name for path in published.iterdir()}
    assert {
        "archive.db",
        "metadata.yml",
        "plugins",
        "templates",
        "requirements.txt",
        "serve.sh",
        "README.md",
    } <= names
    assert not {"archive.db-wal", "archive.db-shm"} & names
    assert NPWP.encode() not in (published / "archive.db").read_bytes()
    pins = (published / "requirements.txt").read_text().split()
    assert "datasette==0.65.5" in pins and any(p.startswith("datasette-atom==") for p in pins)
    assert (published / "serve.sh").stat().st_mode & 0o111
    assert "--setting default_allow_sql off" in (published / "serve.sh").read_text()
    assert "datasette publish cloudrun" in (published / "README.md").read_text()


def test_the_plugins_imports_come_with_the_folder(published: Path) -> None:
    """lib/ holds every archive module a plugin imports, and they need only Python: imported
    with the folder's lib/ alone on the path (-S: not even this checkout's install)."""
    imported = set(re.findall(r"^from (archive\.\w+) import", "".join(
        path.read_text() for path in (published / "plugins").glob("*.py")), re.MULTILINE))  # fmt: skip
    assert {"archive.site", "archive.search", "archive.csv_text"} <= imported
    check = (
        f"import sys; sys.path[:0] = [{str(published / 'lib')!r}]; "
        + "; ".join(f"import {name}" for name in sorted(imported))
        + "; import archive; print(archive.__file__)"
    )
    found = subprocess.run(
        [sys.executable, "-S", "-c", check], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == str(published / "lib" / "archive" / "__init__.py")
    assert 'PYTHONPATH="$PWD/lib' in (published / "serve.sh").read_text()


def test_home_page_says_what_the_archive_holds(published: Path) -> None:
    html = fetch_all(published / "archive.db", ["/"], published, immutable=True)["/"].text
    assert "What the archive holds" in html and "How to cite a record" in html
    assert "MoU signings" in html and "lkpp_news" in html and "LPSE Provinsi Jawa Tengah" in html
    assert "LKPP news (lkpp.go.id)" in html  # sources by name (metadata.yml, shipped)


def test_feeds_robots_sitemap_and_plugins(published: Path) -> None:
    paths = [
        "/archive/new_mous.atom",
        "/archive/new_notices.atom",
        "/robots.txt",
        "/sitemap.xml",
        "/-/plugins.json",
        "/-/search?q=kesepahaman",
    ]
    got = fetch_all(published / "archive.db", paths, published, immutable=True)
    assert all(response.status_code == 200 for response in got.values()), {
        p: r.status_code for p, r in got.items()
    }
    assert got["/archive/new_mous.atom"].text.count("<entry>") >= 5
    assert "<entry>" in got["/archive/new_notices.atom"].text
    robots = got["/robots.txt"].text
    assert "Disallow: /*.csv" in robots and "Sitemap: " in robots
    assert "/archive/notices/jatengprov-tender-10012345" in got["/sitemap.xml"].text
    plugins = {plugin["name"] for plugin in got["/-/plugins.json"].json()}
    assert {
        "datasette-search-all",
        "datasette-atom",
        "datasette-vega",
        "datasette-block-robots",
        "datasette-sitemap",
    } <= plugins
    assert not any("write" in name or "upload" in name or "insert" in name for name in plugins)


def test_article_and_mou_row_pages_are_readable_and_escaped(published: Path) -> None:
    db = sqlite3.connect(published / "archive.db")
    (article,) = db.execute("SELECT article_id FROM mous LIMIT 1").fetchone()
    db.close()
    paths = [f"/archive/articles/{article}", f"/archive/mous/{article}"]
    got = fetch_all(published / "archive.db", paths, published, immutable=True)
    page = got[paths[0]].text
    party = re.compile(r'<li class="party"><a href="[^"]*">LKPP</a>')
    assert "MoU signing reported" in page and party.search(page) and "Captures and versions" in page
    assert (
        "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    )
    assert party.search(got[paths[1]].text) and "party: LKPP" not in got[paths[1]].text


def test_public_serving_is_read_only_limited_and_local_by_default(published: Path) -> None:
    datasette = build_datasette(published / "archive.db", public=True)
    settings = datasette.settings_dict()
    assert settings["sql_time_limit_ms"] == 1000 and settings["max_returned_rows"] == 1000
    assert settings["allow_csv_stream"] and not settings["allow_download"]
    assert not settings["default_allow_sql"]  # canned queries only: no ?sql=, no _where=
    assert not datasette.get_database("archive").is_mutable
    command = datasette_command("archive.db", public=True)
    assert "--public" in command and command[command.index("--host") + 1] == "127.0.0.1"


def test_the_copy_keeps_its_full_text_indexes_in_step_with_its_rows(published: Path) -> None:
    """VACUUM may renumber rowids; the copy's indexes are rebuilt to point at the right rows."""
    original = sqlite3.connect(published.parent / "archive.db")
    copy = sqlite3.connect(published / "archive.db")
    search = (
        "select a.id from articles_fts f join articles a on a.rowid = f.rowid "
        "where articles_fts match 'kesepahaman' order by a.id"
    )
    assert copy.execute(search).fetchall() == original.execute(search).fetchall() != []
    for index in ("articles_fts", "notices_fts", "documents_fts"):
        copy.execute(f"INSERT INTO {index} ({index}) VALUES ('integrity-check')")
    assert (published / "archive.inspect.json").exists()


def test_the_copy_carries_the_planners_statistics_and_facet_counts(published: Path) -> None:
    """Without statistics SQLite reads a page filtered by source through the kind index."""
    copy = sqlite3.connect(published / "archive.db")
    analysed = {row[0] for row in copy.execute("select tbl from sqlite_stat1")}
    assert {"articles", "notices", "documents"} <= analysed
    summed = copy.execute("select sum(n) from articles_facet_counts").fetchone()[0]
    assert summed == copy.execute("select count(*) from articles").fetchone()[0] > 0
    copy.close()


def serving(
    command: list[str], env: dict[str, str], port: int, log: Path
) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    pytest.fail(f"the server did not answer on port {port}:\n{log.read_text()[-3000:]}")


def test_several_processes_serve_the_same_site(published: Path, tmp_path: Path) -> None:
    """`serve --public --workers 2`: uvicorn's workers each build the Datasette that one
    process runs, settings, metadata, plugins and templates included."""
    db = published / "archive.db"
    pages = ["/-/settings.json", "/-/metadata.json", "/archive/articles.json?_shape=objects&kind=mou",
             "/archive/articles?kind=mou", "/-/search?q=kesepahaman", "/archive/notices"]  # fmt: skip
    got: dict[int, dict[str, bytes]] = {}
    for workers in (1, 2):
        sockets = socket.socket()
        sockets.bind(("127.0.0.1", 0))
        port = sockets.getsockname()[1]
        sockets.close()
        command = datasette_command(db, port, public=True, workers=workers)
        log = tmp_path / f"serve-{workers}.log"
        server = serving(command, dict(os.environ), port, log)
        try:
            got[workers] = {}
            for page in pages:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}{page}", timeout=30
                ) as response:
                    got[workers][page] = response.read()
        finally:
            server.terminate()
            server.wait(timeout=30)
    for page in pages:
        assert strip_tokens(got[2][page]) == strip_tokens(got[1][page]), page
    assert json.loads(got[2]["/-/settings.json"])["sql_time_limit_ms"] == 1000


def strip_tokens(page: bytes) -> bytes:
    """Without what differs between the two servers: ports, CSRF tokens, query times."""
    page = re.sub(rb"127\.0\.0\.1:\d+", b"", page)
    page = re.sub(rb'name="csrftoken" value="[^"]*"', b"", page)
    return re.sub(rb'"query_ms": [0-9.e-]+|Queries took [0-9.]+ms', b"", page)


def test_publishing_an_archive_of_an_earlier_schema_migrates_it(tmp_path: Path) -> None:
    """An archive last crawled before the facet counts existed: publish adds them first."""
    archive = build_archive(tmp_path / "archive.db")
    db = sqlite3.connect(archive)
    with db:
        for trigger in ("ai", "ad", "au"):
            db.execute(f"DROP TRIGGER articles_facet_counts_{trigger}")
        db.execute("DROP TABLE articles_facet_counts")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = '0011_article_facet_counts'")
    db.close()
    assert main(["publish", str(tmp_path / "site"), "--db", str(archive)]) == 0
    home = fetch_all(tmp_path / "site" / "archive.db", ["/"], tmp_path / "site", immutable=True)
    assert home["/"].status_code == 200 and "What the archive holds" in home["/"].text


def test_workers_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--workers", "0"])
    assert exit_.value.code == 2 and "not a positive number" in capsys.readouterr().err
