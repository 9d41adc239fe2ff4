"""The progress line: shown on a terminal, absent in cron."""

from __future__ import annotations

import io

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from scrapers.progress import ProgressLine
from scrapers.sources import Source
from scrapers.spiders.lkpp_news import LkppNewsSpider


def test_no_progress_line_without_a_terminal() -> None:
    with pytest.raises(NotConfigured):
        ProgressLine.from_crawler(get_crawler(LkppNewsSpider, {"PROCARCHIVE_PROGRESS": True}))


def test_progress_line_shows_pages_items_errors_and_rate() -> None:
    crawler = get_crawler(LkppNewsSpider)
    crawler.stats.open_spider()
    for key, value in (
        ("response_received_count", 40),
        ("item_scraped_count", 34),
        ("procarchive/failed/http_500", 1),
    ):
        crawler.stats.set_value(key, value)
    stream = io.StringIO()
    spider = LkppNewsSpider(source=Source("lkpp_news", "lkpp_news", ("http://x/berita",), ("x",)))
    ProgressLine(crawler, stream, 1.0).show(spider)
    line = stream.getvalue()
    assert line.startswith(
        "\rlkpp_news: 40 pages, 34 items, 1 errors, "
    ) and line.rstrip().endswith("pages/s")
