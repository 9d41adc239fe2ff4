"""lkpp_news callbacks: the requests and items each one yields."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from samples.content import agency_articles
from samples.lkpp_site import BROKEN_SLUG, AgencySite
from scrapers.items import ArticleItem
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
    requests = list(spider().parse_listing(page("/berita", {"page": "2"})))
    assert all(isinstance(r, Request) for r in requests)
    articles = [r for r in requests if callback(r) == "parse_article"]
    listings = [r for r in requests if callback(r) == "parse_listing"]
    assert len(articles) == 11  # ten articles and the broken link
    assert articles[-1].url == f"{BASE}/berita/{BROKEN_SLUG}"
    assert [r.url for r in listings] == [f"{BASE}/berita?page=3"]


def test_last_listing_page_has_no_next() -> None:
    pages = -(-len(agency_articles()) // 10)
    requests = list(spider().parse_listing(page("/berita", {"page": str(pages)})))
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
