"""Bad input gets a clear, counted reason and the crawl goes on (a real crawl, loopback)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from archive.connection import open_archive
from samples.server import SampleServer
from tests.hostile_site import GOOD, HostileSite
from tests.test_end_to_end import procarchive


def test_crawl_survives_hostile_pages(tmp_path: Path) -> None:
    site = HostileSite()
    with SampleServer({"hostile": site}) as server:
        base = server.urls["hostile"]
        run = procarchive(
            "crawl", "--db", str(tmp_path / "archive.db"), "--start-url", f"{base}/sitemap.xml",
            "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_MAXSIZE=200000",
            "-s", "AUTOTHROTTLE_START_DELAY=0",
            cwd=tmp_path,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    db = open_archive(tmp_path / "archive.db", create=False)
    stored = {row["url"].rsplit("/", 1)[1]: row for row in db["articles"].rows}
    assert set(stored) == GOOD
    assert "kafé" in stored["wrong-charset"]["text"] and "–" in stored["wrong-charset"]["title"]
    assert "naïve" in stored["undeclared-latin1"]["text"]
    assert "penutup" in stored["broken-html"]["text"]
    crawl = next(db["crawls"].rows)
    # The page whose header names the wrong charset is always read again. The undeclared
    # one only where the guess does not read it: w3lib before 2.6 guesses cp775, 2.6 says
    # "ascii" and reads it right (as windows-1252, which WHATWG takes that label for).
    warned = re.findall(r"Wrong charset at \S+/([\w-]+):", run.stderr)
    assert "wrong-charset" in warned and set(warned) <= {"wrong-charset", "undeclared-latin1"}
    assert json.loads(crawl["error_reasons"]) == {
        "failed/http_404": 1,
        "failed/http_500": 1,
        "failed/DownloadTimeoutError": 1,
        "failed/too_large": 1,  # the oversized body
        "skipped/bad_feed": 1,
        "skipped/empty_body": 1,
        "skipped/not_text": 1,
        "skipped/offsite": 1,
        "skipped/robots": 1,
        "warnings/wrong_charset": len(warned),
        "warnings/no_date": 4,
    }
    assert crawl["errors"] == 5 and crawl["status"] == "ok"
    for expected in (
        "Wrong charset at", "not text", "body is empty", "not a feed", "exceeded DOWNLOAD_MAXSIZE",
        "took longer than 1.0 seconds", "Failed",
    ):  # fmt: skip
        assert expected in run.stderr, expected
    assert site.requested[0] == "/robots.txt"
    assert "/private" not in site.requested and site.requested.count("/ok") == 1


def test_redirect_loops_and_endless_redirects_are_counted_failures(tmp_path: Path) -> None:
    site = HostileSite()
    with SampleServer({"hostile": site}) as server:
        base = server.urls["hostile"]
        starts = [f"--start-url={base}/{name}" for name in ("loop-a", "self", "far/0", "ok")]
        run = procarchive(
            "crawl", "--db", str(tmp_path / "archive.db"), *starts,
            "-s", "REDIRECT_MAX_TIMES=5", "-s", "AUTOTHROTTLE_START_DELAY=0",
            cwd=tmp_path,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    crawl = next(open_archive(tmp_path / "archive.db", create=False)["crawls"].rows)
    assert json.loads(crawl["error_reasons"]) == {
        "failed/RedirectLoop": 2,
        "failed/TooManyRedirects": 1,
        "warnings/no_date": 1,
    }
    assert crawl["errors"] == 3 and crawl["status"] == "ok"
    assert f"redirect loop: {base}/loop-a -> {base}/loop-b -> {base}/loop-a" in run.stderr
    assert f"redirect loop: {base}/self -> {base}/self" in run.stderr
    assert f"more than 5 redirects from {base}/far/0" in run.stderr
    assert [path for path in site.requested if path.startswith("/far/")] == [
        f"/far/{n}" for n in range(6)
    ]
    assert [site.requested.count(path) for path in ("/loop-a", "/loop-b", "/self")] == [1, 1, 1]
