"""blogger_mirror callbacks: the feed pages and the posts."""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.utils.test import get_crawler

from samples.blogger_site import BloggerSite
from samples.content import blog_posts
from scrapers.extract.blogger import feed_url
from scrapers.items import ArticleItem, ListingItem
from scrapers.sources import Source
from scrapers.spiders.blogger_mirror import BloggerMirrorSpider
from tests.conftest import INLINE, collect, fake_response

BASE = "https://catatan.blogspot.test"
SOURCE = Source(
    "catatan",
    "blogger_mirror",
    (f"{BASE}/",),
    ("catatan.blogspot.test",),
    options={"feed_page_size": 5},
)


def spider() -> BloggerMirrorSpider:
    crawler = get_crawler(BloggerMirrorSpider, INLINE)
    crawler.stats.open_spider()
    return BloggerMirrorSpider.from_crawler(crawler, source=SOURCE)


def blog() -> BloggerSite:
    site = BloggerSite(blog_posts())
    site.base_url = BASE
    return site


def test_start_asks_for_the_first_feed_page() -> None:
    async def first() -> Request:
        return await anext(spider().start())

    request = asyncio.run(first())
    assert request.url == feed_url(BASE, 1, 5)


def test_feed_page_yields_posts_then_next_page() -> None:
    response = fake_response(feed_url(BASE, 1, 5), blog().feed(1, 5), xml=True)
    listing, *requests = list(spider().parse_feed(response))
    posts = [r for r in requests if getattr(r.callback, "__name__", "") == "parse_post"]
    feeds = [r for r in requests if getattr(r.callback, "__name__", "") == "parse_feed"]
    expected = [BASE + blog().post_path(p) for p in blog_posts()[:5]]
    assert isinstance(listing, ListingItem) and listing.article_urls == expected
    assert [r.url for r in posts] == expected
    assert all(r.meta["article"] and r.meta["hint"] for r in posts)  # the feed's <updated>
    assert [r.url for r in feeds] == [f"{BASE}/feeds/posts/default?start-index=6&max-results=5"]
    assert feeds[0].meta["revalidate"]


def test_malformed_feed_is_a_counted_skip() -> None:
    crawled = spider()
    assert list(crawled.parse_feed(fake_response(feed_url(BASE), "<html>maintenance</html>"))) == []
    assert crawled.crawler.stats.get_value("procarchive/skipped/bad_feed") == 1


def test_post_yields_the_repost_with_its_reference() -> None:
    post = next(p for p in blog_posts() if p.reference and p.repost_of)
    url = BASE + blog().post_path(post)
    (item,) = collect(spider().parse_post(fake_response(url, blog().post_page(post))))
    assert isinstance(item, ArticleItem)
    assert item.title == post.title and item.source == "catatan"
    assert item.text.split("\n\n") == list(post.paragraphs)
    assert item.reference and "lkpp" in item.reference
    assert item.published_at == post.published.strftime("%Y-%m-%dT%H:%M:00+07:00")
