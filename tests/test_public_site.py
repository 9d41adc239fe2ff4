"""`procarchive serve --public` as a visitor meets it, on a real server (one `datasette serve`
process, and uvicorn's workers): arbitrary SQL is refused at once and costs no memory, every
other page still answers, and a page cached for one Host is never served for another."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from procarchive.serve import METADATA, build_datasette
from tests.test_metadata import build_archive
from tests.test_publish import serving

# Built one '0' at a time, 960 MB: seconds (8.7 where reported) of one SQLite call, which the
# progress handler behind the time limit cannot interrupt, and a gigabyte of the server's memory.
EXPENSIVE = "select length(replace(hex(zeroblob(1000000)),'0',hex(zeroblob(240))))"


@dataclass
class Site:
    port: int
    pid: int
    archive: Path


@pytest.fixture(scope="module", params=[1, 2], ids=["datasette-serve", "2-workers"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    workdir = tmp_path_factory.mktemp("public")
    archive = build_archive(workdir / "archive.db")
    db = sqlite3.connect(archive)
    with db:  # build_archive's hand-written article has a bare date, which no crawl writes
        db.execute("update articles set first_seen_at = first_seen_at || 'T00:00:00+00:00' "
                   "where length(first_seen_at) = 10")  # fmt: skip
    db.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "procarchive.cli", "serve", "--public", "--db", str(archive),
               "--port", str(port), "--workers", str(request.param)]  # fmt: skip
    server = serving(command, dict(os.environ), port, workdir / "serve.log")
    try:
        yield Site(port, server.pid, workdir / "public" / "archive.db")
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(site: Site, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{site.port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def peak_memory_mb(pid: int) -> float:
    """The largest peak resident size (VmHWM) of the process and its descendants."""
    family, peaks = {pid}, []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) in family:  # uvicorn's workers are the children of its first process
            family.add(int(stat.parent.name))
    for member in family:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        peaks += [int(line.split()[1]) / 1024 for line in status.splitlines()
                  if line.startswith("VmHWM:")]  # fmt: skip
    return max(peaks)


def test_arbitrary_sql_is_refused_at_once_and_costs_no_memory(site: Site) -> None:
    refused = [
        f"/archive?sql={quote(EXPENSIVE)}",
        f"/archive.json?sql={quote('select 1')}",
        f"/archive.csv?sql={quote('select 1')}&_stream=on",
        f"/archive.atom?sql={quote('select 1 as atom_id')}",
        "/archive/articles?_where=" + quote("id is not null"),
    ]
    got = {}
    for path in refused:
        started = time.monotonic()
        status, _ = get(site, path)
        got[path] = (status, round(time.monotonic() - started, 1))
    peak = peak_memory_mb(site.pid)
    assert all(status == 403 for status, _ in got.values()), (got, f"peak {peak:.0f} MB")
    assert all(seconds < 5 for _, seconds in got.values()), got  # the zeroblob query took 8.7 s
    assert peak < 500, f"peak {peak:.0f} MB"


def test_a_page_cached_for_another_host_is_not_served(site: Site) -> None:
    """Cached for `Host: evil.example` (or `X-Forwarded-Proto: https`, which uvicorn takes
    from a proxy on 127.0.0.1), then asked for with the site's host: each request gets the
    links of its own origin. Every request is made four times, so that each worker of two
    most likely kept a copy."""
    db = sqlite3.connect(site.archive)
    (article,) = db.execute("select article_id from mous limit 1").fetchone()
    db.close()
    paths = ["/sitemap.xml", "/robots.txt", "/archive/new_mous.atom", f"/archive/articles/{article}",
             "/archive/notices", "/archive/articles.json"]  # fmt: skip
    for path in paths:
        for _ in range(4):
            status, page = get(site, path, {"Host": "evil.example"})
            assert status == 200 and "http://evil.example/" in page, path
        for _ in range(4):
            status, page = get(site, path)
            assert status == 200 and "evil.example" not in page, path
            assert f"http://127.0.0.1:{site.port}/" in page, path
    for _ in range(4):
        assert "https://127.0.0.1" in get(site, "/sitemap.xml", {"X-Forwarded-Proto": "https"})[1]
    for _ in range(4):
        assert "https://" not in get(site, "/sitemap.xml")[1]


def test_canned_queries_tables_search_facets_rows_feeds_and_csv_still_answer(site: Site) -> None:
    db = sqlite3.connect(site.archive)
    (article,) = db.execute("select article_id from mous limit 1").fetchone()
    (notice,) = db.execute("select id from notices limit 1").fetchone()
    db.close()
    params = ("term=kesepahaman&before=&source=&since=2000-01-01&id=x&agency=LKPP&article=x"
              "&notice=x&year=2026")  # fmt: skip
    queries = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["databases"]["archive"][
        "queries"
    ]
    paths = [
        "/", "/archive", *(f"/archive/{name}?{params}" for name in queries),
        "/archive/articles", "/archive/notices", "/archive/documents", "/archive/mou_overview",
        "/archive/articles?_search=kesepahaman&source=lkpp_news", "/archive/documents?_search=acuan",
        "/archive/articles?_search=kesepahaman",  # to the "search articles" query
        "/archive/notices?_facet=lpse&_facet=stage", "/archive/articles?_facet=source",
        f"/archive/articles/{article}", f"/archive/mous/{article}", f"/archive/notices/{notice}",
        "/archive/new_mous.atom", "/archive/new_notices.atom", "/archive/new_articles.atom",
        "/archive/articles.csv?_stream=on", "/archive/notices.csv?_stream=on&_dl=1",
        "/archive/search.csv?term=kesepahaman", "/archive/articles.json?_shape=array",
        "/-/search?q=kesepahaman", "/robots.txt", "/sitemap.xml",
    ]  # fmt: skip
    got = {path: get(site, path) for path in paths}
    assert {path: status for path, (status, _) in got.items() if status != 200} == {}
    assert got["/archive/new_mous.atom"][1].count("<entry>") >= 1
    assert got["/archive/articles.csv?_stream=on"][1].count("\r\n") > 10
    assert f"/archive/articles/{article}" in got["/sitemap.xml"][1]
    assert 'name="sql"' not in got["/archive"][1]  # no SQL box leading to a refusal


def test_the_public_sites_connections_cannot_build_giant_strings(tmp_path: Path) -> None:
    """Defence in depth behind the refused SQL: a value on the public site's connections has
    a bound (SQLite's limit on the length of a string, blob or row), above the largest text a
    crawl stores, so canned queries cannot build giant strings either."""
    archive = build_archive(tmp_path / "archive.db")
    text = "Kerangka acuan kerja. " * (21 * 1024 * 1024 // 22)  # more than a 20 MB body
    db = sqlite3.connect(archive)
    with db:
        db.execute("update documents set text = ?", [text])
        (document,) = db.execute("select id from documents").fetchone()
    db.close()

    async def limits(public: bool) -> int:
        datasette = build_datasette(str(archive), public=public)
        return await datasette.get_database("archive").execute_fn(
            lambda conn: conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH)
        )

    assert asyncio.run(limits(public=False)) == 1_000_000_000  # SQLite's own, served locally
    assert len(text) < asyncio.run(limits(public=True)) < 1_000_000_000

    async def public_site() -> int:
        datasette = build_datasette(str(archive), public=True)
        with pytest.raises(sqlite3.DataError, match="too big"):
            await datasette.get_database("archive").execute(EXPENSIVE)
        row = await datasette.client.get(f"/archive/documents/{document}.json?_shape=array")
        return len(row.json()[0]["text"])

    assert asyncio.run(public_site()) == len(text)


def test_a_public_site_is_served_by_a_process_a_core_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import procarchive
    from procarchive import serve as serving_module
    from procarchive.cli import main

    archive = build_archive(tmp_path / "archive.db")
    served: list[tuple[bool, int]] = []
    monkeypatch.setattr(procarchive, "cores", lambda: 6)
    monkeypatch.setattr(
        serving_module, "serve", lambda *args, public, workers: served.append((public, workers))
    )
    for flags in (["--public"], ["--public", "--workers", "2"], [], ["--workers", "3"]):
        assert main(["serve", "--db", str(archive), *flags]) == 0
    assert served == [(True, 6), (True, 2), (False, 1), (False, 3)]
