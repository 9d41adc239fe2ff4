"""Finding articles without a site's selectors: robots.txt, <head>, links, pagers, and the
URL pattern the probe proposes."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from scrapers.extract import discovery

BASE = "https://www.lkpp.go.id"


def test_sitemaps_come_from_robots_txt_lines_made_absolute() -> None:
    robots = b"User-agent: *\nDisallow: /admin/\nSitemap: /sitemap.xml\nsitemap: https://cdn.example/s.xml\n"
    assert discovery.sitemaps_in_robots(robots, f"{BASE}/robots.txt") == [
        f"{BASE}/sitemap.xml", "https://cdn.example/s.xml",
    ]  # fmt: skip
    assert discovery.default_sitemap(f"{BASE}/read/bu/x?y=1") == f"{BASE}/sitemap.xml"
    assert discovery.robots_url(f"{BASE}/berita") == f"{BASE}/robots.txt"


def test_feed_links_in_the_head_leave_comment_feeds_out() -> None:
    html = """<head>
      <link rel="alternate" type="application/rss+xml" href="/feed/">
      <link rel="alternate" type="application/rss+xml" href="/comments/feed/">
      <link rel="alternate" type="application/atom+xml; charset=utf-8" href="https://blog.example/feeds/posts/default">
      <link rel="alternate" hreflang="en" href="/en/">
      <link rel="stylesheet" href="/style.css"></head>"""
    assert discovery.feed_links(html, f"{BASE}/") == [
        f"{BASE}/feed/", "https://blog.example/feeds/posts/default",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("html", "name", "feeds", "api"),
    [
        ('<link rel="https://api.w.org/" href="https://s.example/wp-json/">', "wordpress",
         ("https://s.example/feed/",), "https://s.example/wp-json/wp/v2/posts"),
        ('<meta name="generator" content="WordPress 6.4">', "wordpress",
         ("https://s.example/feed/",), "https://s.example/wp-json/wp/v2/posts"),
        ("<meta content='blogger' name='generator'>", "blogger",
         ("https://s.example/feeds/posts/default",), None),
        ("<p>Berita</p>", "", (), None),
    ],
)  # fmt: skip
def test_the_platform_a_page_shows_names_its_endpoints(
    html: str, name: str, feeds: tuple[str, ...], api: str | None
) -> None:
    found = discovery.platform(f"<html><head>{html}</head></html>", "https://s.example/berita")
    assert (found.name, found.feeds, found.api) == (name, feeds, api)


def test_links_are_absolute_without_fragments_sessions_or_files() -> None:
    html = """<a href="/read/bu/satu#top">1</a> <a href="javascript:void(0)">x</a>
      <a href="/read/s/dua;jsessionid=ABC123?x=1">2</a> <a href="/files/a.pdf">pdf</a>
      <a href="mailto:humas@lkpp.go.id">m</a> <a href="#none" onclick="goView('1')">g</a>
      <a href="/read/bu/satu">1 again</a>"""
    assert discovery.links(html, f"{BASE}/") == [f"{BASE}/read/bu/satu", f"{BASE}/read/s/dua?x=1"]


def test_a_listing_is_read_by_the_article_pattern_and_its_page_numbers() -> None:
    html = """<a href="/read/bu/satu">1</a><a href="/read/s/dua">2</a><a href="/profil">p</a>
      <a href="https://other.example/read/bu/tiga">offsite</a>
      <a href="/?page=2">2</a><a href="/?page=3">3</a><a href="/page/4/">4</a>"""
    pattern = re.compile(r"/read/(?:bu|s)/[^/?#]+/?$")
    listing = discovery.read_listing(html, f"{BASE}/", pattern, None, ["lkpp.go.id"])
    assert listing.article_urls == [f"{BASE}/read/bu/satu", f"{BASE}/read/s/dua"]
    assert listing.page_urls == [f"{BASE}/?page=2", f"{BASE}/?page=3", f"{BASE}/page/4/"]
    # Without a pattern no link is taken for an article; a pager pattern replaces the guess.
    assert discovery.read_listing(html, f"{BASE}/", None, None, ["lkpp.go.id"]).article_urls == []
    pager = re.compile(r"/page/\d+/$")
    paged = discovery.read_listing(html, f"{BASE}/", pattern, pager, ["lkpp.go.id"])
    assert paged.page_urls == [f"{BASE}/page/4/"]


def test_rel_next_counts_as_the_next_page() -> None:
    html = '<a rel="next" href="/indeks/berikutnya">Berikutnya</a>'
    assert discovery.pager_links(
        discovery.links(html, f"{BASE}/indeks"), f"{BASE}/indeks", None, html
    ) == [f"{BASE}/indeks/berikutnya"]


def test_page_segments_count_from_a_listing_without_one_and_from_another_page() -> None:
    html = """<a href="/berita/page/2/">2</a><a href="/berita/page/3">3</a>
      <a href="/lain/page/2/">other listing</a><a href="/berita?hal=4">4</a>"""
    for url in (f"{BASE}/berita", f"{BASE}/berita/page/2/"):
        found = discovery.pager_links(discovery.links(html, url), url, None, html)
        expected = [f"{BASE}/berita/page/2/", f"{BASE}/berita/page/3"]
        assert found == [u for u in expected if u != url] + (
            [f"{BASE}/berita?hal=4"] if url.endswith("/berita") else []
        ), url


@pytest.mark.parametrize(
    "base",
    [f"{BASE}/berita?page=7", f"{BASE}/a/b/c;p?q=1#f", "https://user@host.example:8443/x/",
     "http://h.example", "relative/base", "/rooted/base", ""],
)  # fmt: skip
@pytest.mark.parametrize(
    "href",
    ["/x", "/a/../b/./c", "/x?page=2#top", "/x;params?y", "//other.example/z", "/", "/%2e%2e/y",
     "rel", "../up", "?q=2", "#frag", "https://abs.example/p", ""],
)  # fmt: skip
def test_remembered_joins_are_urljoins(base: str, href: str) -> None:
    assert discovery.joined(base, href) == urljoin(base, href)


@pytest.mark.parametrize(
    ("urls", "pattern"),
    [
        ([f"{BASE}/read/bu/a-b-c", f"{BASE}/read/s/d-e", f"{BASE}/read/bu/f", f"{BASE}/profil"],
         "/read/(?:bu|s)/[^/?#]+/?$"),
        (["https://b.example/2016/12/a.html", "https://b.example/2016/11/b.html",
          "https://b.example/2015/01/c.html"], r"/(?:2015|2016)/\d+/[^/?#]+/?$"),
        (["https://www.pps.go.kr/eng/bbs/view.do;jsessionid=X?key=00796&bbsSn=2201170013",
          "https://www.pps.go.kr/eng/bbs/view.do?key=00796&bbsSn=2503270008"],
         r"/eng/bbs/view\.do(?:;[^?]*)?\?(?:.*&)?bbsSn=\d+"),
        ([], None),
    ],
)  # fmt: skip
def test_the_article_pattern_is_inferred_from_urls_like_these(
    urls: list[str], pattern: str | None
) -> None:
    inferred = discovery.infer_pattern(urls)
    assert inferred == pattern
    if inferred:
        assert all(re.search(inferred, u) for u in urls if "profil" not in u)


def test_a_bad_pattern_is_said_by_name() -> None:
    with pytest.raises(ValueError, match=r"article_links: not a regular expression"):
        discovery.compile_pattern("/read/(bu", "article_links")
