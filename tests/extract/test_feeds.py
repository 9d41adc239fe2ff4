import pytest

from scrapers.extract.blogger import feed_url, parse_feed_page
from scrapers.extract.feeds import FeedError, looks_like_feed, parse_feed

ATOM = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/'>
<openSearch:totalResults>7</openSearch:totalResults>
<entry><title type='text'>Satu</title><published>2015-10-03T08:15:00.000+07:00</published>
<category term='LKPP'/><content type='html'>&lt;p&gt;isi&lt;/p&gt;</content>
<link rel='replies' href='https://blog.example/2015/10/satu.html#comment-form'/>
<link rel='alternate' type='text/html' href='https://blog.example/2015/10/satu.html'/></entry>
<entry><title>Tanpa tautan</title></entry>
</feed>"""

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>
<item><title>Dua</title><link>https://wp.example/dua/</link><pubDate>Sat, 03 Oct 2015 08:15:00 +0700</pubDate></item>
<item><title>Guid</title><guid isPermaLink="true">https://wp.example/tiga/</guid></item>
</channel></rss>"""

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://lkpp.example/berita/a</loc><lastmod>2015-10-02</lastmod></url>
<url><loc>/berita/b</loc></url></urlset>"""


def test_atom_entries_keep_alternate_links_and_metadata() -> None:
    page = parse_feed(ATOM, "https://blog.example/feeds/posts/default")
    assert page.kind == "atom" and page.total == 7
    assert [e.url for e in page.entries] == ["https://blog.example/2015/10/satu.html"]
    entry = page.entries[0]
    assert (entry.title, entry.published, entry.labels) == (
        "Satu",
        "2015-10-03T08:15:00.000+07:00",
        ("LKPP",),
    )
    assert entry.content_html == "<p>isi</p>"


def test_rss_links_and_permalink_guids() -> None:
    page = parse_feed(RSS, "https://wp.example/feed/")
    assert [e.url for e in page.entries] == ["https://wp.example/dua/", "https://wp.example/tiga/"]
    assert page.entries[0].published == "Sat, 03 Oct 2015 08:15:00 +0700"


def test_sitemap_urls_resolved_against_the_sitemap() -> None:
    page = parse_feed(SITEMAP, "https://lkpp.example/sitemap.xml")
    assert page.kind == "sitemap"
    assert [e.url for e in page.entries] == [
        "https://lkpp.example/berita/a",
        "https://lkpp.example/berita/b",
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"<html><body>halo</body></html>", "not a feed"),
        (b"\x00\x01garbage", "not XML"),
    ],
)
def test_unreadable_documents_say_why(body: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_feed(body, "https://x.example/feed")


def test_truncated_feed_is_read_as_far_as_it_goes_and_said_to_be_broken() -> None:
    page = parse_feed(ATOM[: ATOM.index(b"<entry><title>Tanpa")], "https://blog.example/feed")
    assert len(page.entries) == 1
    assert page.problem and page.problem.startswith("malformed XML")


def test_well_formed_documents_have_no_problem() -> None:
    for document in (ATOM, RSS, SITEMAP):
        assert parse_feed(document, "https://x.example/feed").problem is None


def test_looks_like_feed() -> None:
    assert looks_like_feed(ATOM) and looks_like_feed(RSS) and looks_like_feed(SITEMAP)
    assert not looks_like_feed(b"<!DOCTYPE html><html><body>rss</body></html>")


def test_blogger_feed_pages_by_total_results_when_next_link_is_missing() -> None:
    url = feed_url("https://blog.example/", 1, 1)
    assert url == "https://blog.example/feeds/posts/default?start-index=1&max-results=1"
    page = parse_feed_page(ATOM, url, max_results=1)
    assert page.next_url == "https://blog.example/feeds/posts/default?start-index=2&max-results=1"
    last = parse_feed_page(ATOM, feed_url("https://blog.example", 7, 1), max_results=1)
    assert last.next_url is None
