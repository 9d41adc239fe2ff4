"""A host that hangs (never answers, or stops mid-body) costs the crawl a timeout per try and
one warning line per request with its counted reason: no traceback, no error line of
Scrapy's beside ours (a real crawl against a loopback host)."""

from __future__ import annotations

import json
from pathlib import Path

from archive.connection import open_archive
from tests.conftest import procarchive
from tests.hanging_host import HangingHost


def test_a_hanging_host_is_one_counted_line_per_request(tmp_path: Path) -> None:
    with HangingHost() as host:
        base = host.base_url
        run = procarchive(
            "crawl", "--db", str(tmp_path / "archive.db"),
            f"--start-url={base}/berita", f"--start-url={base}/stall/berita",
            "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1", "-s", "AUTOTHROTTLE_START_DELAY=0",
            cwd=tmp_path,
        )  # fmt: skip
        requested = list(host.requests)
    assert run.returncode == 1, run.stderr[-3000:]  # a source that archived nothing: failed
    assert "Traceback" not in run.stderr and "ERROR" not in run.stderr
    warnings = [line for line in run.stderr.splitlines() if "WARNING" in line]
    robots = [line for line in warnings if "robots.txt of" in line]
    failed = [line for line in warnings if "] WARNING: Failed" in line]
    assert len(robots) == 1 and "(DownloadTimeoutError)" in robots[0]
    assert sorted(line.split("Failed ")[1].split(" ")[0] for line in failed) == [
        f"{base}/berita", f"{base}/stall/berita",
    ]  # fmt: skip
    assert all("after 2 tries" in line and "(DownloadTimeoutError)" in line for line in failed)
    paths = ["/robots.txt", "/berita", "/stall/berita"]  # each tried twice
    assert sorted(requested) == sorted(f"GET {path} HTTP/1.1" for path in paths * 2)
    crawl = next(open_archive(tmp_path / "archive.db", create=False)["crawls"].rows)
    assert json.loads(crawl["error_reasons"]) == {
        "failed/DownloadTimeoutError": 2,
        "warnings/robots_unreadable": 1,
    }
    assert crawl["status"] == "failed"
