"""A listing or feed page cut short is told from a whole one, on pages written by others."""

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
