"""`procarchive probe URL` on each sample site (and one shaped like the live lkpp.go.id):
what it finds, and a registry entry that crawls the site as printed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from archive.connection import open_archive
from samples.lkpp_live_site import LiveAgencySite, live_articles
from samples.server import SampleServer
from samples.sites import build_sites
from scrapers.sources import load_registry
from tests.conftest import procarchive

# The page a user would give: the news listing, the blog's or board's home.
START = {"lkpp": "/berita", "pps": "/eng/bbs/list.do?key=00796"}
EXPECTED_SPIDER = {
    "lkpp": "lkpp_news", "live": "news", "blogger": "blogger_mirror",
    "wordpress": "wordpress_mirror", "regional": "wordpress_mirror", "pps": "pps_news",
    "spse": "spse_notices",
}  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[SampleServer]:
    sites = {**build_sites(), "live": LiveAgencySite(live_articles())}
    running = SampleServer(sites).start()
    yield running
    running.stop()


def entry_of(output: str) -> dict[str, object]:
    """The registry entry the probe printed after its report."""
    _, _, block = output.partition("# a sources.yml entry")
    [entry] = yaml.safe_load(block.split("\n", 1)[1])
    return entry


@pytest.mark.parametrize("site", sorted(EXPECTED_SPIDER))
def test_probe_prints_an_entry_that_crawls_the_site(
    site: str, server: SampleServer, tmp_path: Path
) -> None:
    url = server.urls[site] + START.get(site, "/")
    probed = procarchive("probe", url, "--name", f"probed_{site}", cwd=tmp_path)
    assert probed.returncode == 0, probed.stdout + probed.stderr[-2000:]
    entry = entry_of(probed.stdout)
    assert entry["spider"] == EXPECTED_SPIDER[site]
    registry = tmp_path / "sources.yml"
    registry.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
    assert list(load_registry(registry)) == [f"probed_{site}"]
    crawled = procarchive(
        "crawl", "--registry", str(registry), "--db", str(tmp_path / "archive.db"),
        "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "PROCARCHIVE_SPSE_YEARS=2026,2025",
        cwd=tmp_path,
    )  # fmt: skip
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr[-3000:]
    db = open_archive(tmp_path / "archive.db", create=False)
    [status] = db.execute("select status from crawls").fetchone()
    table = "notices" if site == "spse" else "articles"
    assert status == "ok" and db[table].count > 0


def test_probe_reports_what_each_path_found_on_a_live_shaped_site(
    server: SampleServer, tmp_path: Path
) -> None:
    base = server.urls["live"]
    probed = procarchive("probe", base + "/", cwd=tmp_path)
    report = probed.stdout
    assert f"sitemap {base}/sitemap.xml: 11 URLs" in report
    assert "article URL pattern: /read/(?:bu|s)/[^/?#]+/?$" in report
    assert f"article URLs found: {len(live_articles())}" in report
    assert "by generic" in report and "published no date found" in report
    entry = entry_of(report)
    assert entry["options"] == {
        "sitemaps": [f"{base}/sitemap.xml"],
        "article_links": "/read/(?:bu|s)/[^/?#]+/?$",
    }


def test_probe_of_a_site_without_articles_says_so(tmp_path: Path) -> None:
    empty = SampleServer({"empty": LiveAgencySite((), sitemap=False)}).start()
    try:
        probed = procarchive("probe", empty.urls["empty"] + "/", cwd=tmp_path)
    finally:
        empty.stop()
    assert probed.returncode == 1
    assert "no article found: the entry below needs article_links or selectors" in probed.stdout


def test_probe_refuses_what_is_not_a_web_address(tmp_path: Path) -> None:
    probed = procarchive("probe", "file:///etc/passwd", cwd=tmp_path)
    assert probed.returncode == 2 and "not an http(s) URL" in probed.stderr
