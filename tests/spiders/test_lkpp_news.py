"""lkpp_news callbacks: the requests and items each one yields."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from samples.content import agency_articles
from samples.lkpp_site import BROKEN_SLUG, AgencySite
from scrapers.items import ArticleItem, ListingItem, SeenItem
from scrapers.sources import Source
from scrapers.spiders.lkpp_news import LkppNewsSpider
from tests.conftest import fake_response

BASE = "http://lkpp.test"
SOURCE = Source("lkpp_news", "lkpp_news", (f"{BASE}/berita",), ("lkpp.test",))


def callback(request: Request) -> str:
    return getattr(request.callback, "__name__", "")


def spider() -> LkppNewsSpider:
    crawler = get_crawler(LkppNewsSpider)
    crawler.stats.open_spider()
    return LkppNewsSpider.from_crawler(crawler, source=SOURCE)


def site() -> AgencySite:
    agency = AgencySite(agency_articles())
    agency.base_url = BASE
    return agency


def page(path: str, query: dict[str, str] | None = None) -> Response:
    return fake_response(BASE + path, site().route(path, query or {}).body)


def test_listing_yields_articles_then_next_page() -> None:
    hints = {f"{BASE}/berita/{agency_articles()[10].slug}": "2016-06-14T10:00:00+07:00"}
    listing, *requests = list(spider().parse_listing(page("/berita", {"page": "2"}), hints=hints))
    assert isinstance(listing, ListingItem) and len(listing.article_urls) == 11
    assert all(isinstance(r, Request) for r in requests)
    articles = [r for r in requests if callback(r) == "parse_article"]
    listings = [r for r in requests if callback(r) == "parse_listing"]
    assert len(articles) == 11  # ten articles and the broken link
    assert articles[-1].url == f"{BASE}/berita/{BROKEN_SLUG}"
    assert [r.url for r in listings] == [f"{BASE}/berita?page=3"]
    assert (
        articles[0].meta["hint"] == "2016-06-14T10:00:00+07:00" and articles[1].meta["hint"] is None
    )
    assert listings[0].cb_kwargs == {"hints": hints}


def test_last_listing_page_has_no_next() -> None:
    pages = -(-len(agency_articles()) // 10)
    _, *requests = list(spider().parse_listing(page("/berita", {"page": str(pages)}), hints={}))
    assert requests and all(callback(r) == "parse_article" for r in requests)


def test_article_yields_one_item() -> None:
    article = agency_articles()[0]
    (item,) = spider().parse_article(page(f"/berita/{article.slug}"))
    assert isinstance(item, ArticleItem)
    assert (item.title, item.source, item.url) == (
        article.title,
        "lkpp_news",
        f"{BASE}/berita/{article.slug}",
    )
    assert item.text.split("\n\n") == list(article.paragraphs)
    assert item.published_at == article.published.strftime("%Y-%m-%dT%H:%M:00+07:00")


def test_binary_body_is_skipped_with_a_counted_reason() -> None:
    crawled = spider()
    response = Response(
        f"{BASE}/berita/file.pdf", body=b"%PDF-1.4\x00\x01", request=Request(f"{BASE}/x")
    )
    assert list(crawled.parse_article(response)) == []
    assert crawled.crawler.stats.get_value("procarchive/skipped/not_text") == 1


def test_not_modified_article_is_seen_not_parsed() -> None:
    url = f"{BASE}/berita/{agency_articles()[0].slug}"
    request = Request(url, meta={"validated_capture": "x.warc.gz#10"})
    (item,) = spider().parse_article(Response(url, status=304, request=request))
    assert item == SeenItem([url], "lkpp_news")
