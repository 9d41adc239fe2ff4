"""Nightly crawls: an unchanged site costs little; edits, deletions and returns are found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.connection import open_archive
from tests.conftest import crawl


def test_second_crawl_of_an_unchanged_site_fetches_little(tmp_path: Path, sites: Any) -> None:
    _, registry = sites
    first = crawl(tmp_path, registry)
    second = crawl(tmp_path, registry)
    assert (second["items_new"], second["items_changed"], second["items_gone"]) == (0, 0, 0)
    assert second["items_unchanged"] == first["items_new"]
    assert second["bytes_received"] <= 0.05 * first["bytes_received"], (second, first)
    db = open_archive(tmp_path / "archive.db", create=False)
    assert db["article_versions"].count == 0
    second_run = (
        "select status, count(*) from captures where crawl_id > 4 group by status"  # 4 sources
    )
    statuses = dict(db.execute(second_run).fetchall())
    # robots.txt files only: listings, feeds, APIs and the sitemap revalidate to 304
    assert statuses.get(200, 0) <= 4, statuses


def test_edits_and_deletions_are_found_and_nothing_else(tmp_path: Path, sites: Any) -> None:
    server, registry = sites
    agency, blog = server.sites["lkpp"], server.sites["blogger"]
    crawl(tmp_path, registry)
    crawl(tmp_path, registry)
    slugs = [article.slug for article in agency.articles]
    edited, deleted = slugs[3:5], [slugs[10], slugs[20]]
    for slug in edited:
        agency.edit(slug)
    for slug in deleted:
        agency.delete(slug)
    third = crawl(tmp_path, registry)
    assert (third["items_new"], third["items_changed"], third["items_gone"]) == (0, 2, 0)
    fourth = crawl(tmp_path, registry)  # unlisted by a second complete walk: gone
    assert (fourth["items_new"], fourth["items_changed"], fourth["items_gone"]) == (0, 0, 2)
    db = open_archive(tmp_path / "archive.db", create=False)
    changed = {row[0].rsplit("/", 1)[1] for row in db.execute(
        "select url from articles join article_versions on article_versions.article_id = articles.id")}  # fmt: skip
    assert changed == set(edited)
    gone = dict(
        db.execute("select url, gone_reason from articles where gone_at is not null").fetchall()
    )
    assert {url.rsplit("/", 1)[1] for url in gone} == set(deleted)
    assert set(gone.values()) == {"unlisted"}
    kept = db.execute("select count(*) from articles where source = 'lkpp_news'").fetchone()[0]
    assert kept == len(slugs)  # nothing is deleted from the archive
    assert db.execute(
        "select count(*) from articles where source = ?", [blog.posts and "catatan_pengadaan"]
    ).fetchone()[0] == len(blog.posts)


def test_refresh_slice_finds_silent_edits_and_404s(tmp_path: Path, sites: Any) -> None:
    server, registry = sites
    agency = server.sites["lkpp"]
    crawl(tmp_path, registry)
    slug, removed = agency.articles[5].slug, agency.articles[6].slug
    agency.edit(slug, silent=True)  # the sitemap's lastmod does not move
    quiet = crawl(tmp_path, registry)
    assert quiet["items_changed"] == 0  # without a refresh the listing's word is taken
    agency.by_slug[removed]  # still listed, but answers 404 below
    agency.route = _answer_404_for(agency.route, f"/berita/{removed}")
    refreshed = crawl(tmp_path, registry, "-s", "PROCARCHIVE_REFRESH_SLICES=1")
    assert refreshed["items_changed"] == 1 and refreshed["items_gone"] == 1
    db = open_archive(tmp_path / "archive.db", create=False)
    gone = db.execute("select url, gone_reason from articles where gone_at is not null").fetchall()
    assert [(url.rsplit("/", 1)[1], reason) for url, reason in gone] == [(removed, "http_404")]


def test_a_deleted_article_that_returns_is_cleared_with_a_version(
    tmp_path: Path, sites: Any
) -> None:
    server, registry = sites
    agency = server.sites["lkpp"]
    crawl(tmp_path, registry)
    article = agency.articles[8]
    agency.delete(article.slug)
    crawl(tmp_path, registry)
    assert crawl(tmp_path, registry)["items_gone"] == 1
    agency.articles.insert(8, article)
    agency.by_slug[article.slug] = article
    back = crawl(tmp_path, registry)
    assert back["items_gone"] == 0 and back["items_changed"] == 1
    db = open_archive(tmp_path / "archive.db", create=False)
    row = next(db["articles"].rows_where("url like ?", [f"%/{article.slug}"]))
    assert row["gone_at"] is None
    version = next(db["article_versions"].rows_where("article_id = ?", [row["id"]]))
    assert version["gone_reason"] == "unlisted" and version["content_hash"] == row["content_hash"]


def _answer_404_for(route: Any, path: str) -> Any:
    from samples.server import Page

    def patched(requested: str, query: dict[str, str]) -> Page:
        return Page.error(404, "Not Found") if requested == path else route(requested, query)

    return patched
