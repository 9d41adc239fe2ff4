"""The shipped registry's agency entries, re-pointed at loopback sites shaped like the live
sites (not like our other samples), archive their articles; a site whose markup changed is
reported drifted, with a non-zero exit, on the home page and in source_health."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from archive.connection import open_archive
from samples.lkpp_live_site import LiveAgencySite, live_articles
from samples.server import Page, SampleServer
from samples.sites import build_sites
from samples.wordpress_site import WordPressSite, wordpress_posts
from scrapers.sources import LIVE_REGISTRY
from tests.conftest import procarchive, write_registry


def repointed(name: str, base_url: str, path: Path, **options: Any) -> Path:
    """The shipped entry `name` with its start URL's host replaced by the loopback site's,
    as a user re-points a source: the rest of the entry (patterns, options) as shipped."""
    entries = yaml.safe_load(LIVE_REGISTRY.read_text(encoding="utf-8"))["sources"]
    entry = next(e for e in entries if e["name"] == name)
    entry["start_urls"] = [base_url + "/"]
    entry["allowed_domains"] = ["127.0.0.1"]
    entry.setdefault("options", {}).update(options)
    path.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
    return path


def run(tmp_path: Path, registry: Path) -> tuple[int, str, list[dict[str, Any]]]:
    done = procarchive(
        "crawl", "--registry", str(registry), "--db", str(tmp_path / "archive.db"),
        "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "PROCARCHIVE_REFRESH_SLICES=0",
        cwd=tmp_path,
    )  # fmt: skip
    db = open_archive(tmp_path / "archive.db", create=False)
    last = db.execute("select max(run_id) from crawls").fetchone()[0]
    rows = list(db.table("crawls").rows_where("id = (select max(id) from crawls)"))
    assert rows and last
    return done.returncode, done.stdout + done.stderr, rows


@pytest.fixture
def live_site() -> Iterator[SampleServer]:
    server = SampleServer({"lkpp": LiveAgencySite(live_articles())}).start()
    yield server
    server.stop()


def test_the_shipped_lkpp_entry_archives_a_live_shaped_site(
    tmp_path: Path, live_site: SampleServer
) -> None:
    registry = repointed("lkpp_news", live_site.urls["lkpp"], tmp_path / "sources.yml")
    code, output, [crawl] = run(tmp_path, registry)
    assert code == 0, output[-3000:]
    assert crawl["status"] == "ok" and crawl["drift"] is None
    db = open_archive(tmp_path / "archive.db", create=False)
    rows = {r["url"]: r for r in db["articles"].rows}
    expected = {live_site.urls["lkpp"] + a.path: a for a in live_articles()}
    assert set(rows) == set(expected)
    for url, article in expected.items():
        assert rows[url]["title"] == article.title
        assert rows[url]["text"].startswith(article.paragraphs[0][:40])
        if article.published is None:  # only an inline, year-less date: none, never today's
            assert rows[url]["published_at"] is None
        else:
            assert rows[url]["published_at"].startswith(article.published.strftime("%Y-%m-%d"))
    health = json.loads(crawl["health"])
    # The sitemap names every page (the site's own pages too, set aside by the pattern);
    # the paginated home page names them all again.
    assert health["paths"]["sitemaps"]["new_links"] == len(expected)
    assert health["paths"]["listings"]["links"] >= len(expected)  # the sidebar repeats some
    assert health["paths"]["listings"]["new_links"] == 0
    # Each home page shows three articles and the four in its sidebar (some the same).
    assert (
        health["paths"]["listings"]["fewest_links"],
        health["paths"]["listings"]["most_links"],
    ) == (4, 6)
    assert health["articles"] == {"generic": len(expected)}
    assert "profil" not in " ".join(rows)
    # The MoU's only date is "pada Senin (4/11) di Gedung LKPP": the latest Monday 4 November
    # at or before the page's first fetch, 2024-11-04 (until 2030 comes).
    [mou] = db.execute(
        "select signed_on, signed_on_raw, place from mous join articles on articles.id = article_id"
    ).fetchall()
    assert mou == (
        "2024-11-04",
        "Senin (4/11)",
        "Gedung LKPP, Jakarta",
    )  # "di Gedung LKPP, Jakarta"
    parties = {name for (name,) in db.execute("select agency from mou_parties")}
    assert parties == {"LKPP", "PPS"}


def test_without_a_sitemap_the_listing_pages_find_every_article(tmp_path: Path) -> None:
    server = SampleServer({"lkpp": LiveAgencySite(live_articles(), sitemap=False)}).start()
    try:
        registry = repointed("lkpp_news", server.urls["lkpp"], tmp_path / "sources.yml")
        code, output, [crawl] = run(tmp_path, registry)
    finally:
        server.stop()
    assert code == 0, output[-3000:]
    health = json.loads(crawl["health"])
    assert health["paths"]["sitemaps"]["absent"] == 1  # a 404, said, not an error
    assert health["paths"]["listings"]["new_links"] == len(live_articles())
    # The home page, and again as its own page 1, then the others.
    assert health["paths"]["listings"]["pages"] == 1 + -(-len(live_articles()) // 3)
    assert crawl["errors"] == 0 and crawl["status"] == "ok"


def test_selectors_in_the_registry_read_the_site_without_code(
    tmp_path: Path, live_site: SampleServer
) -> None:
    selectors = {"title": ".post-header__title", "body": ".post-body", "date": ".post-date"}
    registry = repointed(
        "lkpp_news", live_site.urls["lkpp"], tmp_path / "sources.yml", selectors=selectors
    )
    code, output, [crawl] = run(tmp_path, registry)
    assert code == 0, output[-3000:]
    health = json.loads(crawl["health"])
    assert health["expected_extractor"] == "selectors"
    assert health["articles"] == {"selectors": len(live_articles())}


def test_a_source_whose_pages_show_no_article_link_has_drifted(
    tmp_path: Path, live_site: SampleServer
) -> None:
    """The pattern of an older site (/berita/...) finds nothing on the new one."""
    registry = repointed(
        "lkpp_news", live_site.urls["lkpp"], tmp_path / "sources.yml",
        article_links="/berita/[^/]+$",
    )  # fmt: skip
    code, output, [crawl] = run(tmp_path, registry)
    assert code != 0
    assert crawl["status"] == "failed" or crawl["status"] == "drifted"
    assert "no article link" in crawl["drift"]
    assert "drifted: lkpp_news" in output or "failed" in output


def test_a_redesigned_sample_site_is_reported_drifted(tmp_path: Path) -> None:
    """The sample agency site relaunched in a new template: its articles still come through
    the sitemap and the generic extractor, but the crawl says the site changed."""
    server = SampleServer(build_sites()).start()
    try:
        registry = write_registry(tmp_path / "sources.yml", server.urls, ("lkpp_news",))
        code, _, [before] = run(tmp_path, registry)
        assert code == 0 and before["status"] == "ok"
        server.sites["lkpp"].redesign()  # type: ignore[attr-defined]
        code, output, [after] = run(tmp_path, registry)
    finally:
        server.stop()
    assert code == 1
    assert after["status"] == "drifted"
    assert after["drift"] == (
        "expected article links on listing pages, or by lkpp's listing selectors; "
        "4 listing pages read, none with an article link"
    )
    assert f"drifted: lkpp_news: {after['drift']}" in output
    db = open_archive(tmp_path / "archive.db", create=False)
    [health] = db.execute(
        "select last_status, drift, last_good_crawl, articles_generic from source_health"
    ).fetchall()
    assert health[0] == "drifted" and health[1] == after["drift"]
    assert health[2] == before["finished_at"] and health[3] is None  # unchanged: not fetched


def test_a_full_crawl_of_a_redesigned_site_says_its_articles_fell_back(tmp_path: Path) -> None:
    server = SampleServer(build_sites()).start()
    server.sites["lkpp"].redesign()  # type: ignore[attr-defined]
    try:
        registry = write_registry(tmp_path / "sources.yml", server.urls, ("lkpp_news",))
        code, _, [crawl] = run(tmp_path, registry)
    finally:
        server.stop()
    assert code == 1 and crawl["status"] == "drifted"
    assert crawl["drift"].endswith(
        "; expected articles read by lkpp; all 36 read by the generic extractor"
    )
    assert crawl["items_new"] == 36  # archived still, by the fallback


class WordPressHome(WordPressSite):
    """The sample WordPress site with a home page whose <head> names its feed and API, as
    WordPress themes print them."""

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/":
            return Page.html(
                '<html><head><link rel="alternate" type="application/rss+xml" href="/feed/">'
                '<link rel="https://api.w.org/" href="/wp-json/"></head>'
                "<body><p>Beranda</p></body></html>"
            )
        return super().route(path, query)


def test_the_news_spider_finds_a_wordpress_sites_posts_through_its_feed_and_api(
    tmp_path: Path,
) -> None:
    posts = wordpress_posts("warta_pbj")
    server = SampleServer({"wp": WordPressHome(*posts)}).start()
    try:
        entry = {
            "name": "regional_news", "spider": "news", "start_urls": [server.urls["wp"] + "/"],
            "allowed_domains": ["127.0.0.1"], "options": {"discovery": ["feeds"]},
        }  # fmt: skip
        registry = tmp_path / "sources.yml"
        registry.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
        code, output, [crawl] = run(tmp_path, registry)
    finally:
        server.stop()
    assert code == 0, output[-3000:]
    health = json.loads(crawl["health"])
    count = len(posts[2])
    # The feed names its posts first; the API names them all again, and no new one.
    assert health["paths"]["feeds"]["new_links"] == count
    assert health["paths"]["feeds"]["links"] == 2 * count
    assert health["articles"] == {"generic": count} and crawl["items_new"] == count


def test_nightly_says_which_source_drifted_and_exits_non_zero(tmp_path: Path) -> None:
    server = SampleServer(build_sites()).start()
    server.sites["lkpp"].redesign()  # type: ignore[attr-defined]
    try:
        registry = write_registry(tmp_path / "sources.yml", server.urls, ("lkpp_news", "warta_pbj"))
        night = procarchive(
            "nightly", "--registry", str(registry), "--db", str(tmp_path / "archive.db"),
            "-s", "AUTOTHROTTLE_START_DELAY=0", cwd=tmp_path,
        )  # fmt: skip
    finally:
        server.stop()
    assert night.returncode == 1
    lines = night.stdout.splitlines()
    assert any(line.startswith("lkpp_news") and " drifted " in line for line in lines)
    assert any(line.startswith("warta_pbj") and " ok " in line for line in lines)
    assert any(line.startswith("drifted: lkpp_news: expected") for line in lines)
