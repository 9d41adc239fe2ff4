"""wordpress_mirror: the REST API listing, page by page, as articles."""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from samples.wordpress_site import WordPressSite, wordpress_posts
from scrapers.extract.wordpress import posts_url
from scrapers.items import ArticleItem, ListingItem
from scrapers.sources import Source
from scrapers.spiders.wordpress_mirror import WordpressMirrorSpider
from tests.conftest import INLINE, collect

BASE = "https://warta.test"


def spider() -> WordpressMirrorSpider:
    crawler = get_crawler(WordpressMirrorSpider, INLINE)
    crawler.stats.open_spider()
    source = Source(
        "warta_pbj", "wordpress_mirror", (f"{BASE}/",), ("warta.test",), options={"page_size": 2}
    )
    return WordpressMirrorSpider.from_crawler(crawler, source=source)


def api_response(page: int) -> TextResponse:
    site = WordPressSite(*wordpress_posts("warta_pbj"))
    site.base_url = BASE
    served = site.route("/wp-json/wp/v2/posts", {"page": str(page), "per_page": "2"})
    url = posts_url(BASE, page, 2)
    return TextResponse(
        url, body=served.body, headers=served.headers, encoding="utf-8", request=Request(url)
    )


def test_start_asks_for_the_first_page() -> None:
    async def first() -> Request:
        return await anext(spider().start())

    assert asyncio.run(first()).url == posts_url(BASE, 1, 2)


def test_posts_become_articles_with_their_source_line_and_change_date() -> None:
    listing, first, second, following = collect(spider().parse_posts(api_response(1)))
    assert isinstance(listing, ListingItem) and listing.article_urls == [first.url, second.url]
    assert isinstance(first, ArticleItem) and first.source == "warta_pbj"
    assert (
        first.title
        and len(first.text.split("\n\n")) >= 3
        and (first.published_at or "").endswith("+07:00")
    )
    assert first.source_updated and first.source_updated.endswith("Z")
    assert isinstance(following, Request) and following.url == posts_url(BASE, 2, 2)


def test_last_page_has_no_next_and_a_bad_body_is_a_counted_skip() -> None:
    *_, last = collect(spider().parse_posts(api_response(2)))
    assert isinstance(last, ArticleItem)
    crawled = spider()
    broken = TextResponse(posts_url(BASE), body=b"<html>maintenance</html>", encoding="utf-8")
    assert collect(crawled.parse_posts(broken)) == []
    assert crawled.crawler.stats.get_value("procarchive/skipped/bad_feed") == 1
