"""Real Blogger feeds and pages and real WordPress REST responses (written by others, read
from ../shared/realdata, never copied) through the blog extractors and `procarchive extract`."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta, timezone
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from procarchive.cli import main
from scrapers.extract import blogger, wordpress
from scrapers.extract.extractors import guess_spider
from scrapers.extract.feeds import parse_feed
from scrapers.extract.text import html_paragraphs
from tests.conftest import realdata

JORGE = "http://jorgeelconstructor.blogspot.com"
INTERIOR = "https://www.interiormurahsemarang.com"
BLOGS = {"jorgeelconstructor.blogspot.com": JORGE, "interiormurahsemarang.com": INTERIOR}
# The saved pages' original paths (the mirror named its files after them).
PAGES = {
    "2013_09_vacaciones.html": "/2013/09/vacaciones.html",
    "2013_10_google-proyect-glass.html": "/2013/10/google-proyect-glass.html",
    "2013_07_index.html": "/2013/07/",
    "2022_11_sample-post.html": "/2022/11/sample-post.html",
    "p_kanopi-murah-semarang.html": "/p/kanopi-murah-semarang.html",
}


def blog_file(blog: str, name: str) -> Path:
    return realdata("real-sites/blogger") / blog / name


def feed_of(blog: str) -> tuple[bytes, str]:
    url = f"{BLOGS[blog]}/feeds/posts/default?start-index=1&max-results=25"
    return blog_file(blog, "feeds_posts_default.atom.xml").read_bytes(), url


def page_of(blog: str, name: str) -> tuple[str, str]:
    return blog_file(blog, name).read_text(encoding="utf-8"), BLOGS[blog] + PAGES[name]


def entry_for(blog: str, url: str) -> Any:
    body, feed_url = feed_of(blog)
    return next(e for e in parse_feed(body, feed_url).entries if e.url == url)


def offset_of(stamp: str) -> str:
    return stamp[-6:]


@pytest.mark.parametrize("blog", sorted(BLOGS))
def test_every_entry_of_a_real_blogger_feed_is_a_post_with_its_own_offset(blog: str) -> None:
    body, url = feed_of(blog)
    page = blogger.parse_feed_page(body, url)
    assert page.problem is None and page.entries
    for entry in page.entries:
        post = blogger.feed_post(entry, "realdata", "+07:00")  # the source's offset: WIB
        assert post.url == entry.url and post.url.startswith(BLOGS[blog] + "/")
        assert post.title == entry.title  # untitled posts stay untitled, not the blog's name
        assert entry.published and post.published_at
        assert post.published_at == entry.published[:19] + offset_of(entry.published)
        assert bool(post.text) == bool(html_paragraphs(entry.content_html or ""))
        assert "<" not in post.text and "&nbsp;" not in post.text
    offsets = {offset_of(blogger.feed_post(e, "x").published_at or "") for e in page.entries}
    assert offsets == {"jorgeelconstructor.blogspot.com": {"+01:00", "+02:00"},
                       "interiormurahsemarang.com": {"-07:00"}}[blog]  # fmt: skip


def test_the_real_feeds_hold_untitled_and_empty_posts() -> None:
    body, url = feed_of("jorgeelconstructor.blogspot.com")
    posts = [blogger.feed_post(e, "x") for e in blogger.parse_feed_page(body, url).entries]
    assert (len(posts), sum(p.title is None for p in posts), sum(not p.text for p in posts)) == (
        25, 7, 4,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "title", "published"),
    [
        ("2013_09_vacaciones.html", "VACACIONES", "2013-09-05T21:14:00+02:00"),
        ("2013_10_google-proyect-glass.html", "Google Proyect Glass", "2013-10-02T19:36:00+02:00"),
    ],
)
def test_a_real_classic_blogger_post_reads_as_its_feed_entry_does(
    name: str, title: str, published: str
) -> None:
    blog = "jorgeelconstructor.blogspot.com"
    html, url = page_of(blog, name)
    item = blogger.parse_post(html, url, "realdata", "+07:00")
    assert item is not None
    # the saved page's canonical link is relative: read against the page's URL
    assert (item.url, item.title, item.published_at) == (url, title, published)
    assert item.author == "Jorge el constructor"
    assert item.text == blogger.feed_post(entry_for(blog, url), "x").text  # page and feed agree


def test_a_real_2022_theme_post_shows_no_date_and_its_feed_entry_gives_it() -> None:
    blog = "interiormurahsemarang.com"
    html, url = page_of(blog, "2022_11_sample-post.html")
    assert len(html) > 250_000 and blogger.page_kind(url, html) == "item"
    alone = blogger.parse_post(html, url, "realdata", "+07:00")
    assert alone is not None
    # The title sits in the post body; the post has no text of its own, and no date: none is
    # made up (not the crawl's time, not the URL's month).
    assert (alone.title, alone.text, alone.published_at) == ("Sample Post", "", None)
    fed = blogger.parse_post(html, url, "realdata", "+07:00", entry_for(blog, url))
    assert fed is not None
    assert (fed.title, fed.text, fed.author) == ("Sample Post", "", "Interior Semarang")
    assert fed.published_at == "2022-11-01T07:46:00-07:00"  # the blog's own offset kept


def test_a_real_static_blogger_page_is_told_from_a_post() -> None:
    """Static pages (/p/...) are read, title and text, without a date; blogger_mirror does not
    archive them (tests/spiders/test_real_blog_crawls.py): they are not in the posts feed."""
    html, url = page_of("interiormurahsemarang.com", "p_kanopi-murah-semarang.html")
    assert blogger.page_kind(url, html) == "static_page"
    assert blogger.page_kind(url) == "static_page"  # by its path alone, as the spider asks
    item = blogger.parse_post(html, url, "realdata")
    assert item is not None and item.title == "Kanopi Murah Semarang"
    assert item.published_at is None and item.author is None
    assert not item.text.startswith("Kanopi Murah Semarang") and len(item.text) > 2500


def test_a_real_monthly_archive_page_is_not_read_as_one_post() -> None:
    html, url = page_of("jorgeelconstructor.blogspot.com", "2013_07_index.html")
    assert blogger.page_kind(url, html) == "archive"
    assert blogger.parse_post(html, url, "realdata") is None


def test_blogger_pages_of_the_extraction_set_through_blogger_mirrors_reader() -> None:
    """Blogger pages (generator tag) of the annotated set: every must-have snippet kept, most
    boilerplate dropped, every annotated title and most dates right (two write only a German
    date header, "Samstag, 5. Oktober 2013", which dates.py does not read)."""
    folder = realdata("extraction-dev")
    evaldata = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    kept = total_with = dropped = total_without = titles = dates = 0
    titled = dated = pages = 0
    for url, case in evaldata.items():
        body = gzip.decompress((folder / case["file"]).read_bytes())
        if guess_spider(body) != "blogger_mirror":
            continue
        pages += 1
        item = blogger.parse_post(body.decode("utf-8", "replace"), url, "realdata")
        assert item is not None, url
        text = " ".join(item.text.split())
        kept += sum(" ".join(s.split()) in text for s in case["with"])
        total_with += len(case["with"])
        dropped += sum(" ".join(s.split()) not in text for s in case["without"])
        total_without += len(case["without"])
        if case.get("title"):
            titled += 1
            titles += " ".join(case["title"].split()) == item.title
        if case.get("date"):
            dated += 1
            dates += (item.published_at or "")[:10] == case["date"][:10]
    assert pages == 12
    assert (kept, total_with) == (33, 33) and dropped >= 33 and total_without == 36
    assert (titles, titled) == (8, 8) and dates >= 6 and dated == 8


def wp_file(name: str) -> tuple[bytes, list[dict[str, Any]]]:
    body = (realdata("real-sites/wordpress") / name).read_bytes()
    return body, json.loads(body)


def moment_in(date_gmt: str, offset: timedelta) -> str:
    moment = datetime.fromisoformat(date_gmt).replace(tzinfo=UTC)
    return moment.astimezone(timezone(offset)).isoformat()


WP_FILES = {
    # file: (API URL, the source's offset)
    "golkar_wp-json_wp_v2_posts.json": ("http://www.golkar.or.id", timedelta(hours=7)),
    "golkar_wp-json_wp_v2_posts_categories-2.json": ("http://www.golkar.or.id", timedelta(hours=7)),
    "webaquebec_wp-json_wp_v2_posts.json": ("http://api.webaquebec.org", timedelta(hours=-5)),
}


@pytest.mark.parametrize("name", sorted(WP_FILES))
def test_a_real_wordpress_response_gives_one_article_a_post(name: str) -> None:
    body, posts = wp_file(name)
    site, delta = WP_FILES[name]
    offset = "+07:00" if delta > timedelta(0) else "-05:00"
    url = wordpress.posts_url(site, 1, len(posts))
    page = wordpress.parse_posts(body, url, "realdata", offset)
    assert page.links == [p["link"] for p in posts]
    assert [item.url for item in page.items] == page.links  # every post has text
    for item, post in zip(page.items, posts, strict=True):
        assert item.title == " ".join(unescape(post["title"]["rendered"]).split())
        assert item.text and "<" not in item.text and "wp:" not in item.text
        assert not item.text.startswith(item.title or "")  # a heading repeating it is left out
        # The moment is date_gmt's; the offset the source's (the site's own settings may
        # name another zone: Golkar's name UTC, so its `date` is date_gmt).
        assert item.published_at == moment_in(post["date_gmt"], delta)
        assert item.source_updated == post["modified_gmt"] + "Z"
        assert item.page_url == f"{site}/wp-json/wp/v2/posts/{post['id']}"


def test_golkar_dates_are_utc_by_the_sites_settings_not_indonesian_time() -> None:
    body, posts = wp_file("golkar_wp-json_wp_v2_posts.json")
    assert all(p["date"] == p["date_gmt"] for p in posts)  # WordPress's default zone, UTC
    url = wordpress.posts_url("http://www.golkar.or.id", 1, 10)
    first = wordpress.parse_posts(body, url, "golkar").items[0]
    assert (posts[0]["date"], first.published_at) == (
        "2019-05-13T03:21:12", "2019-05-13T10:21:12+07:00",
    )  # fmt: skip


def test_the_block_editors_markup_and_the_early_apis_shape_are_read() -> None:
    _, posts = wp_file("golkar_wp-json_wp_v2_posts.json")
    assert any("wp-block-" in p["content"]["rendered"] for p in posts)
    assert "curies" in posts[0]["_links"] and posts[0]["status"] == "publish"
    early_body, early = wp_file("webaquebec_wp-json_wp_v2_posts.json")
    assert all("status" not in p and "featured_media" not in p for p in early)
    assert all("featured_image" in p for p in early)
    page = wordpress.parse_posts(early_body, "http://api.webaquebec.org/wp-json/wp/v2/posts", "waq")
    assert len(page.items) == len(early) == 35


def test_without_total_headers_the_listing_pages_on_until_an_empty_page_or_the_last() -> None:
    first = wordpress.posts_url("http://www.golkar.or.id", 1, 10)
    second = wordpress.posts_url("http://www.golkar.or.id", 2, 10)
    assert wordpress.next_page(first, None, 10) == second
    # a short page is no proof of the end where a server caps or ignores per_page
    assert wordpress.next_page(first, None, 7) == second
    assert wordpress.next_page(second, None, 0) is None
    assert wordpress.next_page(second, 2, 10) is None  # the headers, where sent, decide
    assert wordpress.next_page(first, 2, 3) == second
    past = b'{"code":"rest_post_invalid_page_number","message":"...","data":{"status":400}}'
    assert wordpress.past_last_page(past)
    assert not wordpress.past_last_page(b'{"code":"rest_invalid_param"}')
    assert not wordpress.past_last_page(b"<html>Bad Request</html>")


def extract(capsys: pytest.CaptureFixture[str], path: Path, url: str | None = None) -> Any:
    code = main(["extract", str(path), *(["--url", url] if url else [])])
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return code, record


def test_procarchive_extract_reads_a_real_blogger_feed(capsys: pytest.CaptureFixture[str]) -> None:
    path = blog_file("jorgeelconstructor.blogspot.com", "feeds_posts_default.atom.xml")
    code, record = extract(capsys, path, f"{JORGE}/feeds/posts/default")
    assert code == 0 and record["spider"] == "blogger_mirror"
    assert record["feed"] == {
        "kind": "atom", "total": 39, "problem": None,
        "next_url": f"{JORGE}/feeds/posts/default?start-index=26&max-results=25",
    }  # fmt: skip
    posts = [p["article"] for p in record["posts"]]
    assert len(posts) == 25 and all(p["url"].startswith(JORGE) for p in posts)
    assert posts[1]["title"] == "Google Proyect Glass" and posts[1]["lang"] == "es"
    assert posts[1]["published_at"] == "2013-10-02T19:36:00+02:00"
    assert record["posts"][0]["dropped"] == ["no_title", "short_text"]  # untitled, short
    code, saved = extract(capsys, path)  # a saved copy's URL: Blogger's own next link kept
    assert saved["feed"]["next_url"].startswith("http://www.blogger.com/feeds/")


def test_procarchive_extract_reads_real_blogger_pages(capsys: pytest.CaptureFixture[str]) -> None:
    html_path = blog_file("jorgeelconstructor.blogspot.com", "2013_09_vacaciones.html")
    code, post = extract(capsys, html_path, JORGE + PAGES["2013_09_vacaciones.html"])
    assert code == 0 and post["spider"] == "blogger_mirror"
    assert post["article"]["title"] == "VACACIONES" and post["article"]["lang"] == "es"
    assert post["article"]["published_at"] == "2013-09-05T21:14:00+02:00"
    static = blog_file("interiormurahsemarang.com", "p_kanopi-murah-semarang.html")
    code, page = extract(capsys, static, INTERIOR + PAGES["p_kanopi-murah-semarang.html"])
    assert code == 0 and page["page_kind"] == "static_page" and page["dropped"] == ["static_page"]
    assert page["article"]["title"] == "Kanopi Murah Semarang" and page["article"]["lang"] == "id"
    archive = blog_file("jorgeelconstructor.blogspot.com", "2013_07_index.html")
    code, listing = extract(capsys, archive, JORGE + "/2013/07/")
    assert code == 1 and listing["page_kind"] == "archive" and "from the feed" in listing["error"]
    newer = blog_file("interiormurahsemarang.com", "2022_11_sample-post.html")
    code, empty = extract(capsys, newer, INTERIOR + PAGES["2022_11_sample-post.html"])
    assert empty["article"]["title"] == "Sample Post" and empty["article"]["published_at"] is None
    assert empty["dropped"] == ["short_text"]


def test_procarchive_extract_reads_real_wordpress_responses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = realdata("real-sites/wordpress")
    api = "http://www.golkar.or.id/wp-json/wp/v2/posts"
    code, record = extract(capsys, folder / "golkar_wp-json_wp_v2_posts.json", api)
    assert code == 0 and record["spider"] == "wordpress_mirror" and record["listed"] == 10
    assert record["next_page"] == wordpress.posts_url("http://www.golkar.or.id", 2, 10)
    articles = [p["article"] for p in record["posts"]]
    assert len(articles) == 10 and all(a["lang"] == "id" and a["published_at"] for a in articles)
    assert all(a["url"].startswith("http://www.golkar.or.id/content/") for a in articles)
    assert all(p["dropped"] is None for p in record["posts"])
    code, early = extract(capsys, folder / "webaquebec_wp-json_wp_v2_posts.json")
    assert code == 0 and early["listed"] == 35 and len(early["posts"]) == 35
    assert early["next_page"] is None  # a file's own URL names no API to page on
    assert {p["article"]["lang"] for p in early["posts"]} == {"fr"}
