"""The pieces of scrapers/budget.py: URL shapes, same text, budgets from settings and the
registry."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from samples.content import agency_articles
from samples.lkpp_site import AgencySite
from scrapers.analysis.shingles import page_shingles, text_shingles
from scrapers.budget import SHINGLES_META, Budget, read_shingles, similar, url_shape
from scrapers.items import ArticleItem
from scrapers.sources import Source
from scrapers.spiders.lkpp_news import LkppNewsSpider
from tests.conftest import INLINE, fake_response


def test_a_shape_is_the_url_with_its_numbers_as_n() -> None:
    assert url_shape("https://a.id/agenda/2026/12/03") == url_shape("https://a.id/agenda/2027/1/9")
    assert url_shape("https://a.id/x?page=2&m=1") == url_shape("https://a.id/x?m=1&page=31")
    assert url_shape("https://a.id/read/bu/satu") != url_shape("https://a.id/read/bu/dua")
    assert url_shape("https://a.id/x?page=2") != url_shape("https://b.id/x?page=2")


def test_texts_that_differ_only_in_numbers_are_the_same() -> None:
    day = "Tidak ada agenda pengadaan pada tanggal {} Desember. Silakan kembali lagi nanti."
    assert similar(text_shingles(day.format(3)), text_shingles(day.format(24)))
    other = "Lelang ulang paket jalan provinsi diumumkan setelah sanggah banding ditolak pokja."
    assert not similar(text_shingles(day.format(3)), text_shingles(other))


def test_a_sources_budget_overrides_the_settings() -> None:
    settings = Settings()
    settings.setmodule("scrapers.settings")
    assert Budget.of(settings, {}).new_articles == 5000
    budget = Budget.of(settings, {"new_articles": 30, "listing_depth": 4})
    assert (budget.pages, budget.new_articles, budget.listing_depth) == (50000, 30, 4)
    assert (budget.stale_pages, budget.same_text) == (5, 10)


def test_the_trap_check_takes_the_shingles_the_worker_read_with_the_page() -> None:
    """Only those of the item they were taken of: another item of the same response (the
    posts of an API page) has its own computed."""
    day = "Tidak ada agenda pengadaan pada tanggal {} Desember. Silakan kembali lagi nanti."
    item = ArticleItem(url="https://a.id/agenda/3", source="a", title="Agenda", text=day.format(3))
    other = ArticleItem(url="https://a.id/agenda/4", source="a", title="Agenda", text=day)
    read = page_shingles(item.title, item.text)
    assert read == frozenset(text_shingles(f"Agenda {day.format(3)}"))
    response = fake_response(item.url, "<html></html>")
    assert read_shingles(item, response) is None
    response.meta[SHINGLES_META] = (item, read)
    assert read_shingles(item, response) is read
    assert read_shingles(other, response) is None and read_shingles(item, None) is None


def test_the_crawl_hands_the_workers_shingles_to_the_trap_check() -> None:
    article = agency_articles()[0]
    site = AgencySite(agency_articles())
    site.base_url = "http://lkpp.test"
    url = f"{site.base_url}/berita/{article.slug}"
    crawler = get_crawler(LkppNewsSpider, INLINE)
    crawler.stats.open_spider()
    source = Source("lkpp_news", "lkpp_news", (f"{site.base_url}/berita",), ("lkpp.test",))
    spider = LkppNewsSpider.from_crawler(crawler, source=source)
    response = fake_response(url, site.route(f"/berita/{article.slug}", {}).body)

    async def run() -> list[Any]:
        return [output async for output in spider.parse_article(response)]

    item = asyncio.run(run())[0]
    assert isinstance(item, ArticleItem)
    assert read_shingles(item, response) == page_shingles(item.title, item.text)


def test_similar_is_the_jaccard_share_of_the_two_sets() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        a = {rng.randrange(60) for _ in range(rng.randrange(0, 50))}
        b = set(a) if rng.random() < 0.5 else {rng.randrange(60) for _ in range(rng.randrange(50))}
        b -= {x for x in b if rng.random() < 0.05}
        expected = bool(a or b) and len(a & b) / len(a | b) >= 0.9
        assert similar(a, b) == similar(frozenset(b), a) == expected
