"""An article is "unlisted" (gone) only after complete, well-formed listing walks: a broken,
empty or short listing page is a counted failure, never a deletion (real crawls, loopback)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from archive.articles import mark_unlisted
from archive.connection import open_archive
from samples.server import Page, Site
from tests.conftest import crawl, write_registry

MAINTENANCE = Page.html(
    "<html><head><title>Pemeliharaan</title></head><body><h1>Situs sedang dalam pemeliharaan"
    "</h1><p>Silakan kembali beberapa saat lagi.</p></body></html>"
)


def serve_instead(site: Site, when: Callable[[str, dict[str, str]], bool], page: Any) -> None:
    """From now on the site answers `page(original)` where `when(path, query)` holds."""
    route = site.route

    def patched(path: str, query: dict[str, str]) -> Page:
        original = route(path, query)
        return page(original) if when(path, query) else original

    site.route = patched  # type: ignore[method-assign]


def truncated(page: Page) -> Page:
    return Page(page.status, page.content_type, page.body[: len(page.body) // 2])


def without_entries(page: Page) -> Page:
    """A well-formed feed page missing its last three entries (the total still counts them)."""
    head, *entries = page.body.decode().split("<entry>")
    tail = entries[-1].split("</entry>", 1)[1]
    kept = [e.split("</entry>", 1)[0] for e in entries[:-3]]
    body = head + "".join(f"<entry>{e}</entry>" for e in kept) + tail
    return Page(page.status, page.content_type, body.encode())


def reasons(tmp_path: Path, run: dict[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in run["rows"]:
        for key, value in json.loads(row["error_reasons"] or "{}").items():
            found[key] = found.get(key, 0) + value
    return found


def gone(tmp_path: Path) -> list[str]:
    db = open_archive(tmp_path / "archive.db", create=False)
    return [row[0] for row in db.execute("select url from articles where gone_at is not null")]


def listing_page(number: str) -> Callable[[str, dict[str, str]], bool]:
    return lambda path, query: path == "/berita" and query.get("page") == number


def feed_page(start: str) -> Callable[[str, dict[str, str]], bool]:
    return lambda path, query: path.startswith("/feeds/") and query.get("start-index") == start


def api_page(number: str) -> Callable[[str, dict[str, str]], bool]:
    return lambda path, query: path.startswith("/wp-json/") and query.get("page") == number


def redirect(to: Callable[[Page], str]) -> Callable[[Page], Page]:
    return lambda page: Page(302, "text/html", b"", {"Location": to(page)})


CASES = {
    "a listing page answering a maintenance notice": (
        "lkpp_news", "lkpp", listing_page("3"), lambda page: MAINTENANCE, "failed/empty_listing",
    ),
    "a truncated listing page": (
        "lkpp_news", "lkpp", listing_page("2"), truncated, "failed/truncated_listing",
    ),
    "a truncated Atom page": (
        "catatan_pengadaan", "blogger", feed_page("6"), truncated, "failed/malformed_feed",
    ),
    "an Atom page short of the feed's total": (
        "catatan_pengadaan", "blogger", feed_page("6"), without_entries, "failed/listing_short",
    ),
    "a listing page redirected to one already read": (
        "lkpp_news", "lkpp", listing_page("3"), redirect(lambda page: "/berita"),
        "failed/listing_dropped",
    ),
    "a listing page redirected off the site": (
        "lkpp_news", "lkpp", listing_page("3"), redirect(lambda page: "http://localhost:9/berita"),
        "failed/ListingLeftTheSite",
    ),
    "an empty page of the WordPress API": (
        "warta_pbj", "wordpress", api_page("2"),
        lambda page: Page(200, "application/json", b"[]", page.headers), "failed/empty_listing",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_a_broken_listing_is_a_counted_failure_not_a_deletion(
    tmp_path: Path, sites: Any, case: str
) -> None:
    source, site_name, when, page, reason = CASES[case]
    server, _ = sites
    registry = write_registry(tmp_path / "only.yml", server.urls, only=(source,))
    first = crawl(tmp_path, registry)
    assert first["items_new"] > 0 and reason not in reasons(tmp_path, first)
    serve_instead(server.sites[site_name], when, page)
    for _ in range(2):  # not on the first broken night, nor on the second
        broken = crawl(tmp_path, registry)
        assert broken["items_gone"] == 0 and gone(tmp_path) == []
        assert reasons(tmp_path, broken).get(reason) == 1, reasons(tmp_path, broken)
        assert broken["rows"][0]["errors"] >= 1


@pytest.fixture
def archived_agency(tmp_path: Path, sites: Any) -> tuple[Any, Path]:
    """The sample agency site, crawled once, and a registry of it alone."""
    server, _ = sites
    registry = write_registry(tmp_path / "only.yml", server.urls, only=("lkpp_news",))
    crawl(tmp_path, registry)
    return server.sites["lkpp"], registry


def test_an_article_gone_from_the_listing_is_gone_after_two_complete_walks(
    tmp_path: Path, archived_agency: tuple[Any, Path]
) -> None:
    agency, registry = archived_agency
    deleted = agency.articles[12].slug
    agency.delete(deleted)
    once = crawl(tmp_path, registry)
    assert once["items_gone"] == 0 and gone(tmp_path) == []
    assert reasons(tmp_path, once)["warnings/unlisted_once"] == 1
    twice = crawl(tmp_path, registry)
    assert twice["items_gone"] == 1
    assert [url.rsplit("/", 1)[1] for url in gone(tmp_path)] == [deleted]


def test_an_article_listed_again_before_the_second_walk_is_not_gone(
    tmp_path: Path, archived_agency: tuple[Any, Path]
) -> None:
    agency, registry = archived_agency
    hidden = agency.articles[12]
    agency.delete(hidden.slug)
    crawl(tmp_path, registry)
    agency.articles.insert(12, hidden)
    agency.by_slug[hidden.slug] = hidden
    crawl(tmp_path, registry)
    agency.delete(hidden.slug)
    again = crawl(tmp_path, registry)  # missing once more: its first miss was forgiven
    assert again["items_gone"] == 0 and gone(tmp_path) == []


def test_a_first_miss_is_forgotten_by_a_complete_walk_that_does_not_miss_it(
    tmp_path: Path,
) -> None:
    db = open_archive(tmp_path / "archive.db")
    for identifier in "abc":
        db.table("articles").insert(
            {"id": identifier, "url": f"http://x/{identifier}", "source": "s",
             "content_hash": identifier, "first_seen_at": "t", "last_seen_at": "t"}
        )  # fmt: skip
    pending = "select id from articles where unlisted_at is not null"
    assert mark_unlisted(db, "s", ["a"], {"b", "c"}, 1, "2026-01-01") == (0, 1)
    assert mark_unlisted(db, "s", None, {"b"}, 2, "2026-01-02") == (0, 0)  # incomplete walk
    assert db.execute(pending).fetchall() == [("a",)]
    # a complete walk whose window no longer reaches it (it names only newer ones)
    assert mark_unlisted(db, "s", [], {"c"}, 3, "2026-01-03") == (0, 0)
    assert db.execute(pending).fetchall() == []
    assert mark_unlisted(db, "s", ["a"], {"b", "c"}, 4, "2026-01-04") == (0, 1)  # once again
    assert mark_unlisted(db, "s", ["a"], {"b", "c"}, 5, "2026-01-05") == (1, 0)
