"""The ad-hoc article spider: feeds and sitemaps lead to pages, pages to items."""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import Request
from scrapy.utils.test import get_crawler

from samples.content import agency_articles
from samples.lkpp_site import AgencySite
from scrapers.items import ArticleItem
from scrapers.sources import Source
from scrapers.spiders.article import ArticleSpider
from tests.conftest import FIXTURES, fake_response

BASE = "https://lkpp.test"


def spider() -> ArticleSpider:
    crawler = get_crawler(ArticleSpider, {"PROCARCHIVE_EXTRACT_WORKERS": 1})
    crawler.stats.open_spider()
    source = Source("lkpp.test", "article", (f"{BASE}/sitemap.xml",), ("lkpp.test",))
    return ArticleSpider.from_crawler(crawler, source=source)


def collect(response: Any) -> list[Any]:
    async def run() -> list[Any]:
        return [output async for output in spider().parse(response)]

    return asyncio.run(run())


def test_sitemap_leads_to_every_article() -> None:
    site = AgencySite(agency_articles())
    site.base_url = BASE
    requests = collect(fake_response(f"{BASE}/sitemap.xml", site.sitemap(), xml=True))
    assert all(isinstance(r, Request) for r in requests)
    assert len(requests) == len(agency_articles())


def test_page_is_read_with_the_generic_extractor() -> None:
    page = FIXTURES / "article" / "wordpress-regional-repost.html"
    (item,) = collect(fake_response("https://pbj.example/2016/02/19/katalog/", page.read_bytes()))
    assert isinstance(item, ArticleItem)
    assert item.title == "Pemkab Sleman Ikuti Sosialisasi Katalog Elektronik Lokal"
    assert item.reference == "lkpp.go.id" and item.source == "lkpp.test"
