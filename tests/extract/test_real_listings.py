"""Listings and feeds written by others: a page cut short is told from a whole one, and a
Blogger feed is paged on the blog's own host."""

from __future__ import annotations

import gzip
from pathlib import Path

from scrapers.extract import blogger
from scrapers.extract.pages import looks_truncated
from tests.conftest import realdata


def real_pages() -> list[tuple[Path, str]]:
    pages = []
    for path in sorted(realdata(".").rglob("*.htm*")):
        body = path.read_bytes()
        if path.suffix == ".gz":
            body = gzip.decompress(body)
        pages.append((path, body.decode("utf-8", "replace")))
    return pages


def test_no_real_page_looks_truncated_and_each_cut_in_half_does() -> None:
    pages = real_pages()
    assert len(pages) > 100
    assert [path.name for path, html in pages if looks_truncated(html)] == []
    cut = [path.name for path, html in pages if not looks_truncated(html[: len(html) // 2])]
    assert cut == []


def test_real_blogger_feeds_are_whole_and_a_cut_one_is_not() -> None:
    feeds = sorted(realdata("real-sites/blogger").glob("*/feeds_posts_default.atom.xml"))
    assert feeds
    url = "https://blog.example/feeds/posts/default?start-index=1&max-results=25"
    for path in feeds:
        body = path.read_bytes()
        whole = blogger.parse_feed_page(body, url)
        assert whole.problem is None and not blogger.missing_entries(whole, url)
        cut = blogger.parse_feed_page(body[: len(body) // 2], url)
        assert cut.problem and cut.problem.startswith("malformed XML")
        assert len(cut.entries) <= len(whole.entries)


def test_a_real_blogger_feed_pages_on_the_blogs_own_host() -> None:
    """Blogger's rel=next names www.blogger.com/feeds/<blog id>/...; the crawl stays on the
    blog's host, so the next page is read there."""
    path = realdata("real-sites/blogger") / "jorgeelconstructor.blogspot.com"
    url = "http://jorgeelconstructor.blogspot.com/feeds/posts/default?start-index=1&max-results=25"
    page = blogger.parse_feed_page((path / "feeds_posts_default.atom.xml").read_bytes(), url)
    assert (len(page.entries), page.total) == (25, 39)
    assert page.next_url == (
        "http://jorgeelconstructor.blogspot.com/feeds/posts/default?start-index=26&max-results=25"
    )
