"""lkpp_news callbacks: the requests and items each one yields, the sample site's selectors
as the fast path, the URL pattern and the generic extractor behind them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from samples.content import agency_articles
from samples.lkpp_site import BROKEN_SLUG, AgencySite
from scrapers.items import ArticleItem, ListingItem, SeenItem
from scrapers.sources import Source
from scrapers.spiders.lkpp_news import LkppNewsSpider
from tests.conftest import INLINE, fake_response

BASE = "http://lkpp.test"
SOURCE = Source("lkpp_news", "lkpp_news", (f"{BASE}/berita",), ("lkpp.test",))


def callback(request: Request) -> str:
    return getattr(request.callback, "__name__", "")


def spider(source: Source = SOURCE) -> LkppNewsSpider:
    crawler = get_crawler(LkppNewsSpider, INLINE)
    crawler.stats.open_spider()
    return LkppNewsSpider.from_crawler(crawler, source=source)


def site(redesigned: bool = False) -> AgencySite:
    agency = AgencySite(agency_articles())
    agency.base_url = BASE
    if redesigned:
        agency.redesign()
    return agency


def page(path: str, query: dict[str, str] | None = None, redesigned: bool = False) -> Response:
    url = BASE + path + ("?" + urlencode(query) if query else "")
    return fake_response(url, site(redesigned).route(path, query or {}).body)


def collect(outputs: AsyncIterator[Any]) -> list[Any]:
    async def run() -> list[Any]:
        return [output async for output in outputs]

    return asyncio.run(run())


def stat(crawled: LkppNewsSpider, key: str) -> Any:
    return crawled.crawler.stats.get_value(f"procarchive/{key}")


def test_listing_yields_articles_with_the_sitemaps_hints_then_the_other_pages() -> None:
    crawled = spider()
    hinted = f"{BASE}/berita/{agency_articles()[10].slug}"
    crawled.hints[hinted] = "2016-06-14T10:00:00+07:00"
    listing, *requests = collect(crawled.parse_listing(page("/berita", {"page": "2"})))
    assert isinstance(listing, ListingItem) and len(listing.article_urls) == 11
    articles = [r for r in requests if callback(r) == "parse_article"]
    listings = [r for r in requests if callback(r) == "parse_listing"]
    assert len(articles) == 11  # ten articles and the broken link
    assert articles[-1].url == f"{BASE}/berita/{BROKEN_SLUG}"
    assert articles[0].meta["hint"] == "2016-06-14T10:00:00+07:00"
    assert articles[1].meta["hint"] is None
    pages = -(-len(agency_articles()) // 10)
    assert {r.url for r in listings} == {f"{BASE}/berita?page={n}" for n in range(1, pages + 1)} - {
        f"{BASE}/berita?page=2"
    }
    assert stat(crawled, "discovery/listings/new_links") == 11


def test_a_listing_read_in_worker_processes_yields_what_one_read_inline_does() -> None:
    """Listing pages are read in the extraction workers, off the crawl's thread."""

    def outputs(workers: int) -> list[Any]:
        crawler = get_crawler(LkppNewsSpider, {"PROCARCHIVE_EXTRACT_WORKERS": workers})
        crawler.stats.open_spider()
        crawled = LkppNewsSpider.from_crawler(crawler, source=SOURCE)
        try:
            found = collect(crawled.parse_listing(page("/berita", {"page": "2"})))
        finally:
            crawled.pool.close()
        return [(o.url, callback(o)) if isinstance(o, Request) else o for o in found]

    inline = outputs(1)
    assert len(inline) > 12 and outputs(2) == inline


def test_an_article_named_by_an_earlier_path_is_not_asked_for_again() -> None:
    crawled = spider()
    crawled.named.add(f"{BASE}/berita/{agency_articles()[10].slug}")
    _, *requests = collect(crawled.parse_listing(page("/berita", {"page": "2"})))
    assert len([r for r in requests if callback(r) == "parse_article"]) == 10
    assert stat(crawled, "discovery/listings/links") == 11


def test_a_redesigned_listing_falls_back_to_the_url_pattern() -> None:
    pattern = Source(*SOURCE.__dict__.values())  # a copy with options
    source = Source(
        pattern.name, pattern.spider, pattern.start_urls, pattern.allowed_domains,
        options={"article_links": r"/berita/[^/?#]+$"},
    )  # fmt: skip
    crawled = spider(source)
    listing, *requests = collect(crawled.parse_listing(page("/berita", redesigned=True)))
    assert len(listing.article_urls) == 10
    assert stat(crawled, "health/listing_fallback") == 1
    assert [r.url for r in requests if callback(r) == "parse_listing"] == [f"{BASE}/berita?page=2"]


def test_a_redesigned_listing_without_a_pattern_is_an_empty_listing() -> None:
    crawled = spider()
    assert [type(o) for o in collect(crawled.parse_listing(page("/berita", redesigned=True)))] == [
        Request
    ]  # its "Muat lagi" page only
    assert stat(crawled, "health/listing_pages_empty") == 1
    assert stat(crawled, "failed/empty_listing") == 1


def test_article_yields_one_item_read_by_the_sites_selectors() -> None:
    article = agency_articles()[0]
    crawled = spider()
    (item,) = collect(crawled.parse_article(page(f"/berita/{article.slug}")))
    assert isinstance(item, ArticleItem)
    assert (item.title, item.source, item.url) == (
        article.title,
        "lkpp_news",
        f"{BASE}/berita/{article.slug}",
    )
    assert item.text.split("\n\n") == list(article.paragraphs)
    assert item.published_at == article.published.strftime("%Y-%m-%dT%H:%M:00+07:00")
    assert stat(crawled, "health/articles/lkpp") == 1


def test_a_redesigned_article_is_read_generically_and_counted_so() -> None:
    article = agency_articles()[0]
    crawled = spider()
    (item,) = collect(crawled.parse_article(page(f"/berita/{article.slug}", redesigned=True)))
    assert item.title == article.title
    assert article.paragraphs[1] in item.text
    assert (
        stat(crawled, "health/articles/generic") == 1
        and stat(crawled, "health/articles/lkpp") is None
    )


def test_binary_body_is_skipped_with_a_counted_reason() -> None:
    crawled = spider()
    response = Response(
        f"{BASE}/berita/file.pdf", body=b"%PDF-1.4\x00\x01", request=Request(f"{BASE}/x")
    )
    assert collect(crawled.parse_article(response)) == []
    assert stat(crawled, "skipped/not_text") == 1


def test_not_modified_article_is_seen_not_parsed() -> None:
    url = f"{BASE}/berita/{agency_articles()[0].slug}"
    request = Request(url, meta={"validated_capture": "x.warc.gz#10"})
    (item,) = collect(spider().parse_article(Response(url, status=304, request=request)))
    assert item == SeenItem([url], "lkpp_news")
