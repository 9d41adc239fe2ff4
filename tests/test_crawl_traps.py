"""Sites that never end, crawled for real: each walk stops at a budget or a detected trap,
with the reason counted and said, and the crawl `limited` or `trapped` (exit 1), never a
crawl that keeps going or ends `ok` in silence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from archive.connection import open_archive
from samples.server import Page, SampleServer, Site
from samples.slow_site import PARAGRAPH as BODY
from samples.slow_site import word
from scrapers.sources import fill_placeholders
from tests.conftest import procarchive


def distinct_text(n: int) -> str:
    """A paragraph no other page of the site has."""
    return " ".join(f"kata{word(n * 97 + i)}" for i in range(60))


def page(title: str, text: str) -> Page:
    return Page.html(
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{text}</p><p>{BODY}</p></article></body></html>"
    )


class EndlessSite(Site):
    """A feed that always has a next page of new posts; an agenda whose pager counts on
    over the same links; an archive whose pager always leads deeper to new posts; a
    calendar whose every day is a page saying the same."""

    def route(self, path: str, query: dict[str, str]) -> Page:
        base = self.base_url
        n = int(query.get("page", "1") or 1)
        if path == "/robots.txt":
            return Page.text("User-agent: *\nAllow: /\n")
        if path == "/feed":
            entries = "".join(
                f"<entry><title>Post {k}</title><link href='{base}/post/{k}'/>"
                f"<id>{base}/post/{k}</id><updated>2026-11-01T00:00:00Z</updated></entry>"
                for k in range(n * 10, n * 10 + 10)
            )
            return Page.xml(
                '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
                f"<link rel='next' href='{base}/feed?page={n + 1}'/>{entries}</feed>"
            )
        if path == "/agenda":  # the same three posts, and a next month, forever
            links = "".join(f'<a href="/post/{k}">post {k}</a>' for k in (1, 2, 3))
            return Page.html(f'<html><body>{links}<a rel="next" href="/agenda?page={n + 1}">'
                             "bulan berikutnya</a></body></html>")  # fmt: skip
        if path == "/arsip":  # new posts on every page, and always a next one
            links = "".join(f'<a href="/post/{k}">post {k}</a>' for k in range(n * 5, n * 5 + 5))
            return Page.html(f'<html><body>{links}<a rel="next" href="/arsip?page={n + 1}">'
                             "lanjut</a></body></html>")  # fmt: skip
        if path == "/kalender":  # forty days a page, each its own URL
            days = "".join(f'<a href="/hari/2026-12-{d:02d}-{n}">{d}</a>' for d in range(1, 41))
            return Page.html(f'<html><body>{days}<a rel="next" href="/kalender?page={n + 1}">'
                             "lanjut</a></body></html>")  # fmt: skip
        if path.startswith("/hari/"):
            day = path.rsplit("/", 1)[1]
            return page(f"Agenda {day}", f"Tidak ada agenda pengadaan pada tanggal {day}.")
        if path.startswith("/post/"):
            k = int(path.rsplit("/", 1)[1])
            return page(f"Berita pengadaan {k}", distinct_text(k))
        return Page.error(404, "not found")


def crawl(
    tmp_path: Path, start: str, options: dict[str, Any], budget: dict[str, int] | None = None,
    *settings: str,
) -> tuple[int, dict[str, Any], str, int]:  # fmt: skip
    """One crawl of the endless site: its exit code, crawls row, output and articles."""
    server = SampleServer({"site": EndlessSite()}).start()
    try:
        entry: dict[str, Any] = {
            "name": "endless", "spider": "news", "start_urls": [server.urls["site"] + start],
            "allowed_domains": ["127.0.0.1"],
            "options": fill_placeholders(options, {"base": server.urls["site"]}),
        }  # fmt: skip
        if budget:
            entry["budget"] = budget
        registry = tmp_path / "sources.yml"
        registry.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
        done = procarchive(
            "crawl", "--registry", str(registry), "--db", str(tmp_path / "archive.db"),
            "-s", "AUTOTHROTTLE_ENABLED=0", *settings, cwd=tmp_path, timeout=240,
        )  # fmt: skip
    finally:
        server.stop()
    db = open_archive(tmp_path / "archive.db", create=False)
    [row] = db["crawls"].rows
    return done.returncode, row, done.stdout + done.stderr, db["articles"].count


def reasons(row: dict[str, Any]) -> dict[str, int]:
    return json.loads(row["error_reasons"] or "{}")


def test_a_feed_with_new_posts_on_every_page_ends_at_the_new_articles_budget(
    tmp_path: Path,
) -> None:
    options = {"discovery": ["feeds"], "feeds": ["{base}/feed"]}
    code, row, output, articles = crawl(tmp_path, "/", options, budget={"new_articles": 30})
    assert row["status"] == "limited", output[-3000:]
    assert articles == 30
    assert reasons(row)["budget/new_articles"] >= 1
    assert "30 new articles fetched, the most a crawl fetches (budget/new_articles)" in output
    assert "limited: endless: the crawl's budget of new articles was spent" in output
    assert code == 1


def test_an_agenda_counting_on_over_the_same_links_is_a_trap(tmp_path: Path) -> None:
    code, row, output, articles = crawl(tmp_path, "/agenda", {"article_links": "/post/"})
    found = reasons(row)
    assert row["status"] == "trapped" and code == 1, output[-3000:]
    assert found["trap/no_new_links"] == 1  # one chain, stopped once
    assert json.loads(row["health"])["paths"]["listings"]["pages"] == 6  # fresh, then 5 stale
    assert articles == 3
    assert "5 listing pages in a row named no article not named before" in output


def test_an_archive_always_a_page_deeper_ends_at_the_listing_depth_budget(
    tmp_path: Path,
) -> None:
    code, row, output, articles = crawl(
        tmp_path, "/arsip", {"article_links": "/post/"}, budget={"listing_depth": 8}
    )
    assert row["status"] == "limited" and code == 1, output[-3000:]
    assert reasons(row)["budget/listing_depth"] == 1
    assert json.loads(row["health"])["paths"]["listings"]["pages"] == 9  # the start, 8 deeper
    assert articles == 45


def test_a_calendar_of_pages_saying_the_same_is_a_trap(tmp_path: Path) -> None:
    # Two requests at a time, 50 ms apart: on loopback, forty days at once would all be in
    # before the eleventh is read (what is in flight is fetched; what is queued is not), and
    # unpaced fetching outruns the extraction workers by however loaded the machine is.
    code, row, output, articles = crawl(
        tmp_path, "/kalender", {"article_links": "/hari/"}, {"listing_depth": 3},
        "-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.05",
    )  # fmt: skip
    found = reasons(row)
    assert row["status"] == "trapped" and code == 1, output[-3000:]
    assert articles == 10  # PROCARCHIVE_TRAP_SAME_TEXT pages of the shape, no more
    assert found["trap/near_identical"] >= 1
    # Once the shape is known for a trap, its further days are not even fetched, queued
    # or not: far fewer than the walk's 4 listing pages of 40 days each (those read side
    # by side with the first ten are in before the trap is known).
    assert row["pages_fetched"] < 100
    assert "pages at URLs of one shape kept showing the same text" in row["cut_short"]


def test_a_page_budget_ends_any_walk(tmp_path: Path) -> None:
    code, row, output, articles = crawl(
        tmp_path, "/arsip", {"article_links": "/post/"}, budget={"pages": 20}
    )
    assert row["status"] == "limited" and code == 1, output[-3000:]
    assert reasons(row)["budget/pages"] >= 1
    assert row["pages_fetched"] <= 25  # the budget's 20, robots.txt and the steps' starts
    assert 0 < articles < 20


def test_a_budget_in_the_registry_is_checked_before_any_crawl(tmp_path: Path) -> None:
    entry = {"name": "x", "spider": "news", "start_urls": ["https://x.go.id/"],
             "budget": {"pages": 0}}  # fmt: skip
    registry = tmp_path / "sources.yml"
    registry.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
    done = procarchive("crawl", "--registry", str(registry), "--db", "a.db", cwd=tmp_path)
    assert done.returncode == 2
    assert "budget.pages: a whole number above 0" in done.stderr
