"""blogger_mirror and wordpress_mirror on real blogs (written by others, read from
../shared/realdata, never copied): their callbacks, then real crawls through `procarchive
crawl` of the real files served on 127.0.0.1; and our own samples in the same shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from scrapy import Request
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from archive.connection import open_archive
from samples.blogger_site import BloggerSite, newer_theme_posts
from samples.content import blog_posts
from samples.server import Page, SampleServer, Site
from samples.wordpress_site import WordPressSite, wordpress_posts
from scrapers.extract import wordpress
from scrapers.extract.blogger import feed_url
from scrapers.extract.feeds import parse_feed
from scrapers.items import ArticleItem, ListingItem
from scrapers.sources import Source
from scrapers.spiders.blogger_mirror import BloggerMirrorSpider
from scrapers.spiders.wordpress_mirror import WordpressMirrorSpider
from tests.conftest import INLINE, collect, crawl, fake_response, realdata, write_registry

JORGE = "http://jorgeelconstructor.blogspot.com"
INTERIOR = "https://www.interiormurahsemarang.com"
GOLKAR = "http://www.golkar.or.id"
WAQ = "http://api.webaquebec.org"
# A saved page's file name: the path it was saved from.
POST_PATHS = {
    "2013_09_vacaciones.html": "/2013/09/vacaciones.html",
    "2013_10_google-proyect-glass.html": "/2013/10/google-proyect-glass.html",
    "2022_11_sample-post.html": "/2022/11/sample-post.html",
    "p_kanopi-murah-semarang.html": "/p/kanopi-murah-semarang.html",
}


def blogger_spider(base: str) -> BloggerMirrorSpider:
    crawler = get_crawler(BloggerMirrorSpider, INLINE)
    crawler.stats.open_spider()
    host = base.split("//", 1)[1]
    return BloggerMirrorSpider.from_crawler(
        crawler, source=Source("blog", "blogger_mirror", (f"{base}/",), (host,))
    )


def wordpress_spider(base: str, page_size: int = 10) -> WordpressMirrorSpider:
    crawler = get_crawler(WordpressMirrorSpider, INLINE)
    crawler.stats.open_spider()
    source = Source(
        "wp", "wordpress_mirror", (f"{base}/",), (base.split("//", 1)[1],),
        options={"page_size": page_size},
    )  # fmt: skip
    return WordpressMirrorSpider.from_crawler(crawler, source=source)


def stats(spider: Any) -> dict[str, int]:
    return {
        key.removeprefix("procarchive/"): value
        for key, value in spider.crawler.stats.get_stats().items()
        if key.startswith("procarchive/")
    }


def api_response(url: str, body: bytes, status: int = 200, **headers: str) -> TextResponse:
    request = Request(url, meta={"handle_httpstatus_list": [400]})
    return TextResponse(url, status=status, body=body, headers=headers, request=request)


def test_a_real_blogger_feed_hands_each_post_its_entry() -> None:
    folder = realdata("real-sites/blogger") / "jorgeelconstructor.blogspot.com"
    url = feed_url(JORGE, 1, 25)
    response = fake_response(url, (folder / "feeds_posts_default.atom.xml").read_bytes(), xml=True)
    listing, *requests = blogger_spider(JORGE).parse_feed(response)
    posts = [r for r in requests if r.callback.__name__ == "parse_post"]
    (following,) = [r for r in requests if r.callback.__name__ == "parse_feed"]
    assert isinstance(listing, ListingItem) and listing.total == 39
    assert [r.url for r in posts] == listing.article_urls and len(posts) == 25
    assert all(r.cb_kwargs["entry"].url == r.url for r in posts)
    assert following.url == feed_url(JORGE, 26, 25)  # on the blog's host, not blogger.com


def test_a_real_2022_theme_post_is_dated_by_its_feed_entry() -> None:
    folder = realdata("real-sites/blogger") / "interiormurahsemarang.com"
    (entry,) = parse_feed(
        (folder / "feeds_posts_default.atom.xml").read_bytes(), f"{INTERIOR}/feeds/posts/default"
    ).entries
    url = INTERIOR + POST_PATHS["2022_11_sample-post.html"]
    page = fake_response(url, (folder / "2022_11_sample-post.html").read_bytes())
    (item,) = collect(blogger_spider(INTERIOR).parse_post(page, entry=entry))
    assert isinstance(item, ArticleItem)
    assert (item.title, item.published_at) == ("Sample Post", "2022-11-01T07:46:00-07:00")
    assert item.text == ""  # an empty post: the validation pipeline drops it, counted


def test_a_real_static_page_is_a_counted_skip_not_an_article() -> None:
    folder = realdata("real-sites/blogger") / "interiormurahsemarang.com"
    url = INTERIOR + POST_PATHS["p_kanopi-murah-semarang.html"]
    spider = blogger_spider(INTERIOR)
    page = fake_response(url, (folder / "p_kanopi-murah-semarang.html").read_bytes())
    assert collect(spider.parse_post(page)) == []
    assert stats(spider) == {"skipped/static_page": 1}


def golkar_page(page: int) -> tuple[str, bytes]:
    body = (realdata("real-sites/wordpress") / "golkar_wp-json_wp_v2_posts.json").read_bytes()
    return wordpress.posts_url(GOLKAR, page, 10), body


def test_a_real_response_without_total_headers_pages_on() -> None:
    url, body = golkar_page(1)
    spider = wordpress_spider(GOLKAR)
    listing, *items, following = collect(spider.parse_posts(api_response(url, body)))
    assert isinstance(listing, ListingItem) and listing.total is None  # not "short" by a total
    assert len(items) == 10 and all(isinstance(i, ArticleItem) for i in items)
    assert isinstance(following, Request) and following.url == wordpress.posts_url(GOLKAR, 2, 10)
    assert following.meta["handle_httpstatus_list"] == [400] and following.meta["revalidate"]
    assert following.cb_kwargs["previous"] == tuple(listing.article_urls)
    assert stats(spider) == {}


PAST_LAST = b'{"code":"rest_post_invalid_page_number","message":"x","data":{"status":400}}'


@pytest.mark.parametrize(
    ("status", "body", "counted"),
    [
        (400, PAST_LAST, {}),  # WordPress past the last page: the end
        (200, b"[]", {}),  # an empty page after full ones: the end
        (400, b'{"code":"rest_invalid_param"}', {"failed_listing": 1, "failed/http_400": 1}),
    ],
    ids=["past the last page", "empty page", "another 400"],
)
def test_a_header_less_listing_ends_without_calling_itself_short(
    status: int, body: bytes, counted: dict[str, int]
) -> None:
    spider = wordpress_spider(GOLKAR)
    url, _ = golkar_page(2)
    assert collect(spider.parse_posts(api_response(url, body, status))) == []
    assert stats(spider) == counted


def test_an_api_that_ignores_the_page_number_is_a_failed_listing_not_a_loop() -> None:
    """The real file served for every page (as a static mirror of the API does): the second
    page repeats the first, and the walk stops there, incomplete."""
    first_url, body = golkar_page(1)
    spider = wordpress_spider(GOLKAR)
    *_, following = collect(spider.parse_posts(api_response(first_url, body)))
    repeated = api_response(following.url, body)
    assert collect(spider.parse_posts(repeated, **following.cb_kwargs)) == []
    assert stats(spider) == {"failed_listing": 1, "failed/repeated_page": 1}


def test_an_empty_page_the_headers_promised_is_still_a_failure() -> None:
    spider = wordpress_spider(GOLKAR)
    url, _ = golkar_page(2)
    response = api_response(url, b"[]", 200, **{"X-WP-Total": "20", "X-WP-TotalPages": "2"})
    assert collect(spider.parse_posts(response)) == []
    assert stats(spider) == {"failed_listing": 1, "failed/empty_listing": 1}


class SavedBlog(Site):
    """A blog as its mirror saved it: the feed (its links on this host, which is the test
    harness's doing, not the extractor's) and the saved pages at their paths; the rest 404."""

    def __init__(self, folder: Path, host: str) -> None:
        self.folder, self.host = folder, host

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/feeds/posts/default" and query.get("start-index", "1") == "1":
            feed = (self.folder / "feeds_posts_default.atom.xml").read_text(encoding="utf-8")
            for scheme in ("http://", "https://"):
                feed = feed.replace(scheme + self.host, self.base_url)
            return Page.xml(feed)
        saved = {p: name for name, p in POST_PATHS.items() if (self.folder / name).exists()}
        if path in saved:
            return Page(200, "text/html", (self.folder / saved[path]).read_bytes())
        return Page.error(404, "Not found")


class SavedApi(Site):
    """A WordPress API that sends no X-WP-Total headers: the saved response as page 1 (its
    posts' links moved from `host` to this one, if given), WordPress's 400 past it."""

    def __init__(self, path: Path, host: str | None = None) -> None:
        self.path, self.host = path, host

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path != "/wp-json/wp/v2/posts":
            return Page.error(404, "Not found")
        if query.get("page", "1") != "1":
            return Page(400, "application/json", PAST_LAST)
        posts = json.loads(self.path.read_bytes())
        for post in posts if self.host else []:
            post["link"] = post["link"].replace(self.host, self.base_url)
        return Page(200, "application/json", json.dumps(posts).encode())


@pytest.fixture
def saved_sites() -> Iterator[SampleServer]:
    blogs, api = realdata("real-sites/blogger"), realdata("real-sites/wordpress")
    sites: dict[str, Site] = {
        "jorge": SavedBlog(blogs / "jorgeelconstructor.blogspot.com", JORGE.split("//")[1]),
        "interior": SavedBlog(blogs / "interiormurahsemarang.com", INTERIOR.split("//")[1]),
        "golkar": SavedApi(api / "golkar_wp-json_wp_v2_posts.json", GOLKAR),
        "waq": SavedApi(api / "webaquebec_wp-json_wp_v2_posts.json"),  # links left off-site
    }
    server = SampleServer(sites).start()
    yield server
    server.stop()


def test_real_blogs_crawled_through_procarchive_crawl(
    tmp_path: Path, saved_sites: SampleServer
) -> None:
    urls = saved_sites.urls
    entries: list[dict[str, Any]] = [
        {"name": "jorge", "spider": "blogger_mirror", "timezone": "+01:00"},
        {"name": "interior", "spider": "blogger_mirror"},
        {"name": "golkar", "spider": "wordpress_mirror", "options": {"page_size": 10}},
        {"name": "waq", "spider": "wordpress_mirror", "timezone": "-05:00",
         "options": {"page_size": 50}},
    ]  # fmt: skip
    for entry in entries:
        entry.update(start_urls=[urls[entry["name"]] + "/"], allowed_domains=["127.0.0.1"])
    registry = tmp_path / "sources.yml"
    registry.write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")
    # The saved posts of jorge are a child's few lines, under the archive's 200 characters.
    run = crawl(tmp_path, registry, "-s", "PROCARCHIVE_MIN_TEXT_CHARS=100")
    rows = {row["source"]: row for row in run["rows"]}
    reasons = {name: json.loads(row["error_reasons"] or "{}") for name, row in rows.items()}
    db = open_archive(tmp_path / "archive.db", create=False)

    def archived(source: str) -> list[dict[str, Any]]:
        return list(db["articles"].rows_where("source = ?", [source], order_by="url"))

    # jorge: the two posts the mirror saved; the other 23 and the feed's second page were not
    # saved: 404s, counted, and the walk short of the feed's total of 39 (nothing unlisted).
    posts = archived("jorge")
    assert [(p["title"], p["published_at"]) for p in posts] == [
        ("VACACIONES", "2013-09-05T21:14:00+02:00"),
        ("Google Proyect Glass", "2013-10-02T19:36:00+02:00"),
    ]
    assert all(p["url"].startswith(urls["jorge"] + "/2013/") and p["lang"] == "es" for p in posts)
    assert reasons["jorge"] == {"failed/http_404": 24, "failed/listing_short": 1}
    assert rows["jorge"]["status"] == "ok"
    # interior: its one post is empty in the 2022 theme: dated by the feed, then dropped
    assert archived("interior") == [] and reasons["interior"] == {"dropped/short_text": 1}
    # golkar: ten posts, the moment from date_gmt in WIB; no headers, so page 2 was asked
    # for, and WordPress's 400 past the last page ended the walk, complete and not short
    golkar = archived("golkar")
    assert len(golkar) == 10 and all(a["published_at"].endswith("+07:00") for a in golkar)
    assert all(a["url"].startswith(urls["golkar"] + "/content/") for a in golkar)
    assert reasons["golkar"] == {} and rows["golkar"]["errors"] == 0
    # webaquebec (early API): links on api.webaquebec.org, outside the source's domains: each
    # post is kept at its API URL, the link set aside as a claim
    waq = archived("waq")
    assert len(waq) == 35 and all("/wp-json/wp/v2/posts/" in a["url"] for a in waq)
    assert all(a["canonical_claim"].startswith(WAQ + "/2016/") for a in waq)
    assert all(a["published_at"].endswith("-05:00") for a in waq)
    assert reasons["waq"] == {"warnings/offsite_canonical": 35} and rows["waq"]["errors"] == 0
    api = urls["waq"] + "/wp-json/%"
    fetched = db.execute("select status from captures where url like ? order by url", [api])
    assert [status for (status,) in fetched] == [200, 400]  # page 1, then past it


def sample_blog(base: str) -> BloggerSite:
    site = BloggerSite(blog_posts())
    site.base_url = base
    return site


def test_the_sample_blogs_2022_theme_post_is_dated_by_the_feed() -> None:
    base = "https://catatan.blogspot.test"
    site = sample_blog(base)
    (slug,) = newer_theme_posts()
    post = next(p for p in blog_posts() if p.slug == slug)
    url = base + site.post_path(post)
    page = site.route(site.post_path(post), {}).body
    assert len(page) > 150_000 and b"abbr class" not in page and b"date-header" not in page
    feed = site.route("/feeds/posts/default", {"start-index": "1", "max-results": "25"}).body
    entry = next(e for e in parse_feed(feed, feed_url(base)).entries if e.url == url)
    (item,) = collect(blogger_spider(base).parse_post(fake_response(url, page), entry=entry))
    assert isinstance(item, ArticleItem) and item.title == post.title
    assert item.text.split("\n\n") == list(post.paragraphs) and item.reference
    assert item.published_at == post.published.strftime("%Y-%m-%dT%H:%M:00+07:00")


def test_the_sample_blogs_static_page_is_skipped() -> None:
    base = "https://catatan.blogspot.test"
    page = sample_blog(base).route("/p/tentang.html", {}).body
    spider = blogger_spider(base)
    assert collect(spider.parse_post(fake_response(base + "/p/tentang.html", page))) == []
    assert stats(spider) == {"skipped/static_page": 1}


def test_the_regional_sample_serves_the_early_api_without_total_headers() -> None:
    site = WordPressSite(*wordpress_posts("pbj_sleman"))
    site.base_url = "https://pbj.sleman.test"
    first = site.route("/wp-json/wp/v2/posts", {"page": "1", "per_page": "20"})
    posts = json.loads(first.body)
    assert first.headers == {} and len(posts) == 3
    assert all("status" not in p and "featured_image" in p for p in posts)
    spider = wordpress_spider(site.base_url, 20)
    response = api_response(wordpress.posts_url(site.base_url, 1, 20), first.body)
    _, *items, following = collect(spider.parse_posts(response))
    assert len(items) == 3 and following.meta["handle_httpstatus_list"] == [400]
    past = site.route("/wp-json/wp/v2/posts", {"page": "2", "per_page": "20"})
    assert collect(spider.parse_posts(api_response(following.url, past.body, past.status))) == []
    assert stats(spider) == {}


def test_the_sample_blog_and_regional_site_crawled(tmp_path: Path, sites: Any) -> None:
    """What tests/test_end_to_end.py expects of these two sources, on fresh ports."""
    server, _ = sites
    only = ("catatan_pengadaan", "pbj_sleman")
    run = crawl(tmp_path, write_registry(tmp_path / "only.yml", server.urls, only=only))
    db = open_archive(tmp_path / "archive.db", create=False)
    counts = dict(db.execute("select source, count(*) from articles group by source").fetchall())
    assert counts == {"catatan_pengadaan": len(blog_posts()), "pbj_sleman": 3}
    posts = list(db["articles"].rows_where("source = 'catatan_pengadaan'"))
    assert all(p["published_at"] and p["lang"] == "id" for p in posts)
    assert not any("Formulir Kontak" in p["text"] or "Related Post" in p["text"] for p in posts)
    assert len([p for p in posts if p["reference"]]) == sum(1 for p in blog_posts() if p.reference)
    assert all(row["errors"] == 0 for row in run["rows"]), run["rows"]
    assert all(row["error_reasons"] is None for row in run["rows"]), run["rows"]
