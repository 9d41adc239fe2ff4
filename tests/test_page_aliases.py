"""One identity per page: a page read at one URL (Blogger's mobile `?m=1`) whose rel=canonical
names another is archived under the canonical id, and what later comes from the URL it was
read at (a 404, a 304, a change hint, a feed naming it) finds that article. Real crawls of a
loopback blog; the conflicts and the backfill at the level of the writes."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from scrapy import Spider
from sqlite_utils import Database

from archive import migrations
from archive.aliases import load_aliases
from archive.articles import mark_gone
from archive.connection import open_archive
from archive.ids import article_id
from pipelines.normalize import NormalizePipeline
from pipelines.store import StorePipeline
from samples.blogger_site import BloggerSite
from samples.content import Article, blog_posts
from samples.lkpp_live_site import LiveAgencySite, live_articles
from samples.server import Page, SampleServer
from scrapers.items import ArticleItem, GoneItem, ListingItem, SeenItem
from tests.conftest import archive_crawler, crawl, end_crawl, migrations_without, write_registry

SOURCE = "catatan_pengadaan"


class MobileBlog(BloggerSite):
    """A Blogger blog whose feed names some posts at their mobile address (`?m=1`), as a
    mobile theme's feed does; every post page names its own address as rel=canonical, as
    Blogger's pages do. `missing` posts answer 404 while the feed still names them."""

    def __init__(self, posts: tuple[Article, ...], mobile: set[str]) -> None:
        super().__init__(posts)
        self.mobile = mobile
        self.missing: set[str] = set()

    def address(self, post: Article) -> str:
        return f"{self.base_url}{self.post_path(post)}"

    def route(self, path: str, query: dict[str, str]) -> Page:
        post = self.by_path.get(path)
        if post is not None and post.slug in self.missing:
            return Page.error(404, "Maaf, halaman yang Anda cari di blog ini tidak ada.")
        return super().route(path, query)

    def feed(self, start: int, size: int) -> str:
        feed = super().feed(start, size)
        for post in self.posts:
            if post.slug in self.mobile:
                feed = feed.replace(
                    f"href='{self.address(post)}'", f"href='{self.address(post)}?m=1'"
                )
        return feed

    def post_page(self, post: Article) -> str:
        canonical = f'<link rel="canonical" href="{self.address(post)}"/>\n</head>'
        return super().post_page(post).replace("</head>", canonical, 1)

    def remove(self, slug: str) -> None:
        """The post deleted: gone from the feed and from its address."""
        self.posts = tuple(post for post in self.posts if post.slug != slug)
        self.by_path = {self.post_path(p): p for p in self.posts}


@pytest.fixture
def blog(tmp_path: Path) -> Iterator[tuple[MobileBlog, Path]]:
    posts = blog_posts()
    site = MobileBlog(posts, {posts[1].slug, posts[6].slug})
    with SampleServer({"blogger": site}) as server:
        yield site, write_registry(tmp_path / "sources.yml", server.urls, only=(SOURCE,))


def archive(tmp_path: Path) -> Database:
    return open_archive(tmp_path / "archive.db", create=False)


def reasons(run: dict[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in run["rows"]:
        for key, value in json.loads(row["error_reasons"] or "{}").items():
            found[key] = found.get(key, 0) + value
    return found


def captured(tmp_path: Path, url: str, run: dict[str, Any]) -> list[int]:
    """The statuses the crawl `run` received for `url`."""
    crawl_ids = [row["id"] for row in run["rows"]]
    return [
        status
        for (status,) in archive(tmp_path).execute(
            f"select status from captures where url = ? and crawl_id in ({','.join('?' * len(crawl_ids))})",
            [url, *crawl_ids],
        )
    ]


def test_a_post_read_at_its_mobile_address_is_archived_under_its_canonical_one(
    tmp_path: Path, blog: tuple[MobileBlog, Path]
) -> None:
    site, registry = blog
    first = crawl(tmp_path, registry)
    assert first["items_new"] == len(site.posts)
    post = site.posts[1]
    canonical = site.address(post)
    db = archive(tmp_path)
    row = db.table("articles").get(article_id(canonical))
    assert row["url"] == canonical and row["source"] == SOURCE
    assert db.execute("select count(*) from articles where url like '%?m=1'").fetchone()[0] == 0
    aliases = dict(
        db.execute("select url, article_id from article_urls where article_id = ?", [row["id"]])
    )
    assert aliases == {canonical: row["id"], f"{canonical}?m=1": row["id"]}


def test_a_post_read_at_its_alias_then_deleted_is_marked_gone(
    tmp_path: Path, blog: tuple[MobileBlog, Path]
) -> None:
    site, registry = blog
    crawl(tmp_path, registry)
    post = site.posts[1]
    site.missing.add(post.slug)  # still in the feed, at ?m=1; its page answers 404
    # A refresh slice of the whole archive: the feed's unchanged date does not skip it.
    deleted = crawl(tmp_path, registry, "-s", "PROCARCHIVE_REFRESH_SLICES=1")
    assert deleted["items_gone"] == 1 and reasons(deleted)["failed/http_404"] == 1
    assert captured(tmp_path, f"{site.address(post)}?m=1", deleted) == [404]
    gone = (
        archive(tmp_path)
        .execute("select id, gone_reason from articles where gone_at is not null")
        .fetchall()
    )
    assert gone == [(article_id(site.address(post)), "http_404")]


def test_a_post_deleted_from_a_feed_that_named_its_alias_is_gone_after_two_walks(
    tmp_path: Path, blog: tuple[MobileBlog, Path]
) -> None:
    site, registry = blog
    crawl(tmp_path, registry)
    post = site.posts[6]
    site.remove(post.slug)
    once = crawl(tmp_path, registry)
    assert once["items_gone"] == 0 and reasons(once)["warnings/unlisted_once"] == 1
    twice = crawl(tmp_path, registry)
    assert twice["items_gone"] == 1
    gone = (
        archive(tmp_path)
        .execute("select id, gone_reason from articles where gone_at is not null")
        .fetchall()
    )
    assert gone == [(article_id(site.address(post)), "unlisted")]


def test_an_unchanged_post_at_its_alias_is_skipped_then_revalidated(
    tmp_path: Path, blog: tuple[MobileBlog, Path]
) -> None:
    site, registry = blog
    crawl(tmp_path, registry)
    alias = f"{site.address(site.posts[1])}?m=1"
    skipped = crawl(tmp_path, registry)  # the feed's date is the one stored: not fetched
    assert (skipped["items_new"], skipped["items_changed"], skipped["items_gone"]) == (0, 0, 0)
    assert skipped["items_unchanged"] == len(site.posts)
    assert captured(tmp_path, alias, skipped) == []
    assert "warnings/unlisted_once" not in reasons(skipped)  # the skipped alias counts as listed
    refreshed = crawl(tmp_path, registry, "-s", "PROCARCHIVE_REFRESH_SLICES=1")
    assert captured(tmp_path, alias, refreshed) == [304]
    assert (refreshed["items_new"], refreshed["items_changed"]) == (0, 0)
    assert refreshed["items_unchanged"] == len(site.posts)
    assert "warnings/unlisted_once" not in reasons(refreshed)
    db = archive(tmp_path)
    assert db["articles"].count == len(site.posts) and db["article_versions"].count == 0


def test_a_post_captured_only_at_its_alias_is_revalidated_at_its_own_address(
    tmp_path: Path, blog: tuple[MobileBlog, Path]
) -> None:
    """The feed now names the canonical address, never fetched: the validators of the
    article's capture (at ?m=1, the same page) are sent, and the server's 304 is believed."""
    site, registry = blog
    crawl(tmp_path, registry)
    post = site.posts[1]
    site.mobile.discard(post.slug)
    refreshed = crawl(tmp_path, registry, "-s", "PROCARCHIVE_REFRESH_SLICES=1")
    assert captured(tmp_path, site.address(post), refreshed) == [304]
    assert (refreshed["items_new"], refreshed["items_changed"], refreshed["items_gone"]) == (
        0,
        0,
        0,
    )
    assert refreshed["items_unchanged"] == len(site.posts)


def store(tmp_path: Path, *items: Any) -> dict[str, Any]:
    """One crawl of the source "blog" that yields `items`; its crawls row."""
    crawler = archive_crawler({"PROCARCHIVE_DB": str(tmp_path / "archive.db")})
    crawler.spider = Spider(name="blog")
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    for item in items:
        pipeline.process_item(NormalizePipeline().process_item(item))
    assert crawler.stats is not None
    crawler.stats.set_value("response_received_count", len(items))
    pipeline.close_spider()
    pipeline.spider_closed(crawler.spider, "finished")
    end_crawl(crawler)
    db = open_archive(tmp_path / "archive.db", create=False)
    return next(db["crawls"].rows_where(order_by="id desc", limit=1))


BLOG = "https://blog.example.id"
TEXT = "Pokja pemilihan mengumumkan pemenang tender jalan kabupaten tahun ini. " * 4


def post(slug: str, page_url: str | None = None) -> ArticleItem:
    """The post `slug` as its page read at `page_url` (else at its own URL) gives it."""
    url = f"{BLOG}/2025/01/{slug}.html"
    return ArticleItem(url=url, source="blog", title=slug, text=TEXT, page_url=page_url or url)


def test_a_url_aliases_one_article_and_a_second_claim_is_a_counted_conflict(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The mobile address of one post, read later as another post's page: the second post is
    archived under its own id, the address stays the first's, and nothing is merged."""
    mobile = f"{BLOG}/2025/01/a.html?m=1"
    store(tmp_path, post("a", mobile))
    with caplog.at_level(logging.WARNING, logger="archive.aliases"):
        second = store(tmp_path, post("b", mobile))
    assert json.loads(second["error_reasons"])["warnings/alias_conflict"] == 1
    a, b = article_id(post("a").url), article_id(post("b").url)
    assert (
        f"{mobile} is an address of article {a}; the page read there now claims article {b}"
        in caplog.text
    )
    db = open_archive(tmp_path / "archive.db", create=False)
    assert dict(db.execute("select url, article_id from article_urls")) == {
        post("a").url: a, mobile: a, post("b").url: b,
    }  # fmt: skip
    assert {row["id"]: row["title"] for row in db["articles"].rows} == {a: "a", b: "b"}
    assert db["article_versions"].count == 0
    # What comes from the shared address is the first post's, and only its.
    store(tmp_path, GoneItem(mobile, "blog", "http_404"))
    gone = db.execute("select id from articles where gone_at is not null").fetchall()
    assert gone == [(a,)]


def test_a_404_at_one_alias_is_not_a_deletion_of_an_article_met_alive_at_another(
    tmp_path: Path,
) -> None:
    mobile = f"{BLOG}/2025/01/a.html?m=1"
    store(tmp_path, post("a", mobile))
    # The feed names both addresses; the mobile one answers 404 first, the other 200 later.
    store(
        tmp_path,
        GoneItem(mobile, "blog", "http_404"),
        ListingItem("blog", f"{BLOG}/feeds/posts/default", [mobile, post("a").url]),
        post("a"),
    )
    db = open_archive(tmp_path / "archive.db", create=False)
    assert db.execute("select gone_at from articles").fetchall() == [(None,)]
    # Seen unchanged (a 304) at one address, 404 at the other: not gone either.
    store(tmp_path, SeenItem([post("a").url], "blog"), GoneItem(mobile, "blog", "http_404"))
    assert db.execute("select gone_at from articles").fetchall() == [(None,)]
    assert mark_gone(db, [(article_id(post("a").url), "http_404")], None, "2026-01-01") == 1


def test_the_migration_keeps_every_url_an_archived_article_was_read_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Backfilled from the articles' URLs and the pages they were captured at; a capture
    several articles cite (a WordPress API page) is none of theirs."""
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations_without("0015_page_aliases"))
    db = open_archive(tmp_path / "archive.db")
    captures = [
        ("c1", f"{BLOG}/2025/01/a.html?m=1", "text/html; charset=UTF-8"),
        ("c2", f"{BLOG}/2025/01/a.html?utm_source=feed", "text/html"),
        ("api", f"{BLOG}/wp-json/wp/v2/posts?page=1", "application/json"),
        ("c3", f"{BLOG}/2025/01/a.html", "text/html"),  # d's state captured at a's address
    ]
    for capture_id, url, content_type in captures:
        db.table("captures").insert(
            {"id": capture_id, "url": url, "status": 200, "content_type": content_type,
             "fetched_at": "2025-01-02T00:00:00+00:00"}
        )  # fmt: skip
    rows = {"a": "c1", "b": "api", "c": "api", "d": "c3"}
    for slug, capture_id in rows.items():
        db.table("articles").insert(
            {"id": article_id(post(slug).url), "url": post(slug).url, "source": "blog",
             "content_hash": slug, "first_seen_at": "2025-01-01", "last_seen_at": "2025-01-02",
             "capture_id": capture_id}
        )  # fmt: skip
    db.table("article_versions").insert(
        {"article_id": article_id(post("a").url), "content_hash": "old", "capture_id": "c2"}
    )
    monkeypatch.undo()
    assert migrations.migrate(db) == ["0015_page_aliases"]
    found = {
        url: identifier
        for url, identifier in db.execute("select url, article_id from article_urls")
    }
    a = article_id(post("a").url)
    assert found == {
        **{post(slug).url: article_id(post(slug).url) for slug in rows},
        captures[0][1]: a,
        captures[1][1]: a,
    }  # the API page is no one's; d's capture at a's address stays a's
    # What a crawl of the source resolves: the URLs that are not their article's own.
    assert load_aliases(db, "blog") == {
        article_id(captures[0][1]): a,
        article_id(captures[1][1]): a,
    }


class MovedSite(LiveAgencySite):
    """A site whose sitemap still names its articles at their old addresses, which redirect
    (301) to the new ones, as a site does after moving its news section."""

    def sitemap_xml(self) -> str:
        return super().sitemap_xml().replace("/read/", "/lama/read/")

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path.startswith("/lama/read/"):
            moved = path.removeprefix("/lama")
            if moved in self.by_path:
                return Page(301, "text/html", b"", {"Location": moved})
        return super().route(path, query)


def test_a_page_reached_through_a_redirect_keeps_the_address_its_listing_names(
    tmp_path: Path,
) -> None:
    """The sitemap names the old address; the article lives at the new one. Both are the
    article's: it is listed, not unlisted, night after night, and a deletion is found."""
    site = MovedSite(live_articles())
    with SampleServer({"lkpp": site}) as server:
        base = server.urls["lkpp"]
        entry = {
            "name": "moved", "spider": "news", "start_urls": [base + "/"],
            "allowed_domains": ["127.0.0.1"],
            "options": {"discovery": ["sitemaps"], "article_links": "/read/"},
        }  # fmt: skip
        registry = tmp_path / "sources.yml"
        registry.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
        first = crawl(tmp_path, registry)
        assert first["items_new"] == len(live_articles())
        article = live_articles()[2]
        new, old = base + article.path, base + "/lama" + article.path
        aliases = dict(archive(tmp_path).execute("select url, article_id from article_urls"))
        assert aliases[old] == aliases[new] == article_id(new)
        for _ in range(2):
            again = crawl(tmp_path, registry)
            assert again["items_gone"] == 0 and "warnings/unlisted_once" not in reasons(again)
        site.delete(article.path)  # and from the sitemap: unlisted twice, then gone
        for _ in range(2):
            crawl(tmp_path, registry)
    gone = archive(tmp_path).execute("select url from articles where gone_at is not null")
    assert [url for (url,) in gone] == [new]
