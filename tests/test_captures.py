"""Raw captures: every response in a WARC file, byte-identical when read back."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.connection import open_archive
from procarchive.cli import main
from samples.server import SampleServer
from tests.hostile_site import HostileSite
from tests.test_end_to_end import procarchive

SERVED = {  # what the sites send for these paths (before gzip)
    "feed": ("blog", "/feeds/posts/default", {"max-results": "50"}),
    "html": ("hostile", "/ok", {}),
    "binary": ("hostile", "/binary", {}),
}


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory, sample_sites: SampleServer) -> Any:
    """The blog's feed and the hostile site crawled ad hoc, twice."""
    workdir = tmp_path_factory.mktemp("captures")
    db = workdir / "archive.db"
    hostile = HostileSite()
    with SampleServer({"hostile": hostile}) as server:
        urls = {"blog": sample_sites.urls["blogger"], "hostile": server.urls["hostile"]}
        for _ in range(2):
            run = procarchive(
                "crawl", "--db", str(db),
                "--start-url", f"{urls['blog']}/feeds/posts/default?max-results=50",
                "--start-url", f"{urls['hostile']}/sitemap.xml",
                "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=0", "-s", "AUTOTHROTTLE_START_DELAY=0",
                cwd=workdir,
            )  # fmt: skip
            assert run.returncode == 0, run.stderr[-2000:]
    return db, urls, {"blog": sample_sites.sites["blogger"], "hostile": hostile}


def show(
    db: Path, capture_id: str, capsysbinary: pytest.CaptureFixture[bytes], *flags: str
) -> bytes:
    assert main(["show-capture", capture_id, "--db", str(db), *flags]) == 0
    return capsysbinary.readouterr().out


def first_capture(db: Path, url: str) -> dict[str, object]:
    rows = list(
        open_archive(db, create=False)
        .table("captures")
        .rows_where("url = ?", [url], order_by="fetched_at")
    )
    assert rows, url
    return rows[0]


@pytest.mark.parametrize("kind", SERVED)
def test_show_capture_prints_the_served_bytes(
    captured: Any, capsysbinary: pytest.CaptureFixture[bytes], kind: str
) -> None:
    db, urls, sites = captured
    site, path, query = SERVED[kind]
    capture = first_capture(db, urls[site] + path + (f"?{urlencode(query)}" if query else ""))
    served = sites[site].route(path, query).body
    assert show(db, str(capture["id"]), capsysbinary) == served
    raw = show(db, str(capture["id"]), capsysbinary, "--raw")
    assert raw == served or gzip.decompress(raw) == served  # as received: gzipped when it was


def test_repeat_payloads_are_revisits(
    captured: Any, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    db, urls, _ = captured
    archive = open_archive(db, create=False)
    rows = list(
        archive.table("captures").rows_where(
            "url = ?", [urls["hostile"] + "/ok"], order_by="fetched_at"
        )
    )
    assert [r["record_type"] for r in rows] == ["response", "revisit"]
    assert rows[1]["revisit_of"] == rows[0]["id"]
    assert show(db, rows[1]["id"], capsysbinary) == show(db, rows[0]["id"], capsysbinary)


def test_every_response_is_captured_and_every_article_linked(
    captured: Any,
) -> None:
    db = captured[0]
    archive = open_archive(db, create=False)
    statuses = {row[0] for row in archive.execute("select distinct status from captures")}
    assert {200, 404, 500} <= statuses  # errors are evidence too
    assert (
        archive.execute("select count(*) from captures where url like '%/robots.txt'").fetchone()[0]
        >= 2
    )
    unlinked = archive.execute(
        "select count(*) from articles left join captures on captures.id = articles.capture_id where captures.id is null"
    ).fetchone()[0]
    assert unlinked == 0
    crawls = {row[0] for row in archive.execute("select distinct crawl_id from captures")}
    assert (
        None not in crawls and len(crawls) == 2
    )  # two runs (one source: both sites are 127.0.0.1)


def test_warc_files_pass_warcio_check(captured: Any) -> None:
    warcs = sorted((captured[0].parent / "warcs").glob("*.warc.gz"))
    assert len(warcs) == 2
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", *map(str, warcs)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_unknown_capture_is_a_clear_error(
    captured: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show-capture", "nope#1", "--db", str(captured[0])]) == 2
    assert "no capture 'nope#1'" in capsys.readouterr().err


def test_each_capture_has_its_request_as_sent(captured: Any) -> None:
    """Responses and revisits alike: one request record each, with the Host Scrapy sent."""
    records = []
    for path in sorted((captured[0].parent / "warcs").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            records += [
                (r.rec_type, r.rec_headers, r.http_headers) for r in ArchiveIterator(handle)
            ]
    captures = {
        h.get_header("WARC-Record-ID"): h for t, h, _ in records if t in ("response", "revisit")
    }
    requests = [(h, http) for t, h, http in records if t == "request"]
    assert sorted(h.get_header("WARC-Concurrent-To") for h, _ in requests) == sorted(captures)
    assert any(h.get_header("WARC-Type") == "revisit" for h in captures.values())
    for warc, request in requests:
        url = urlsplit(warc.get_header("WARC-Target-URI"))
        assert (
            captures[warc.get_header("WARC-Concurrent-To")].get_header("WARC-Target-URI")
            == url.geturl()
        )
        assert request.protocol == "GET" and request.get_header("Host") == url.netloc
        assert url.netloc.startswith("127.0.0.1:") and request.get_header("Content-Length") is None
