"""What a site sees of the crawl's concurrency: never more requests at once than
CONCURRENT_REQUESTS_PER_DOMAIN, with AutoThrottle off (as a user may set it) or on, one host
or two crawled side by side (real crawls, loopback sites counting what they serve)."""

from __future__ import annotations

from pathlib import Path

import pytest

from samples.server import SampleServer
from samples.slow_site import SlowSite
from tests.conftest import procarchive


def crawl(tmp_path: Path, sites: dict[str, SlowSite], *settings: str) -> None:
    hosts = {name: f"127.0.0.{n}" for n, name in enumerate(sites, start=1)}
    with SampleServer(dict(sites), hosts=hosts) as server:
        starts = [f"--start-url={url}/sitemap.xml" for url in server.urls.values()]
        run = procarchive(
            "crawl", "--db", str(tmp_path / "archive.db"), *starts,
            "-s", "AUTOTHROTTLE_START_DELAY=0", *settings,
            cwd=tmp_path,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]


@pytest.mark.parametrize("limit", [1, 2, 4])
def test_per_site_limit_holds_without_autothrottle(tmp_path: Path, limit: int) -> None:
    site = SlowSite(articles=30, delay=0.1)
    crawl(
        tmp_path, {"slow": site},
        "-s", "AUTOTHROTTLE_ENABLED=0", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={limit}",
    )  # fmt: skip
    (most,) = site.most_at_once.values()
    assert most == limit  # reached, never passed


def test_per_site_limit_holds_with_autothrottle(tmp_path: Path) -> None:
    site = SlowSite(articles=30, delay=0.1)
    crawl(
        tmp_path, {"slow": site},
        "-s", "AUTOTHROTTLE_TARGET_CONCURRENCY=8", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
    )  # fmt: skip
    (most,) = site.most_at_once.values()
    assert most <= 2


def test_two_hosts_each_keep_to_the_limit(tmp_path: Path) -> None:
    first, second = SlowSite(articles=20, delay=0.1), SlowSite(articles=20, delay=0.1)
    crawl(
        tmp_path, {"first": first, "second": second},
        "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
    )  # fmt: skip
    assert [list(site.most_at_once.values()) for site in (first, second)] == [[2], [2]]
