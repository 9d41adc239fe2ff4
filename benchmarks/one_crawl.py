"""One measured crawl of a loopback site, in its own process (a Twisted reactor starts once).

`python -m benchmarks.one_crawl MODE BASE_URL DB` prints one JSON line: pages fetched,
items stored and the crawl's elapsed seconds. Modes:
  raw      Scrapy fetching the listing and article pages, no extraction, no pipelines
  site     the lkpp_news spider with every pipeline (site-specific extractor)
  generic  the article spider over the sitemap: generic extractor in worker processes
  naive    the same done naively: extraction inline, language on the whole text, a commit
           per article
  nightly  lkpp_news with the sitemap's lastmod hints, into an archive that persists between
           runs (incremental crawling as configured by default)
"""

from __future__ import annotations

import json
import resource
import sys
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

from procarchive.crawl import project_settings
from scrapers.sources import Source

# The same fetching for every mode: no politeness delays on our own loopback site.
FETCH_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "ROBOTSTXT_OBEY": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "WARNING",
}


class RawFetchSpider(scrapy.Spider):
    """Fetches what lkpp_news fetches and does nothing with it: the baseline."""

    name = "raw_fetch"

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        for href in response.css(".news-item-title a::attr(href)").getall():
            yield response.follow(href, callback=self.fetched)
        next_page = response.css("a[rel=next]::attr(href)").get()
        if next_page:
            yield response.follow(next_page)

    def fetched(self, response: Response) -> None:
        return None


def cpu_seconds(who: int) -> float:
    """User and system CPU time: load on a shared machine stretches the wall clock much more."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    mode, base, db = sys.argv[1:4]
    overrides: dict[str, Any] = dict(FETCH_SETTINGS)
    if mode == "raw":
        overrides["ITEM_PIPELINES"] = {}
    if mode == "naive":
        overrides.update(
            PROCARCHIVE_EXTRACT_WORKERS=1,
            PROCARCHIVE_BATCH_SIZE=1,
            PROCARCHIVE_LANGUAGE_SAMPLE_CHARS=0,
        )
    process = CrawlerProcess(project_settings(db, overrides), install_root_handler=False)
    if mode == "raw":
        crawler = process.create_crawler(RawFetchSpider)
        process.crawl(crawler, start_urls=[f"{base}/berita"])
    elif mode in ("site", "nightly"):
        crawler = process.create_crawler(process.spider_loader.load("lkpp_news"))
        options = {"sitemap": f"{base}/sitemap.xml"} if mode == "nightly" else {}
        source = Source("bench", "lkpp_news", (f"{base}/berita",), ("127.0.0.1",), options=options)
        process.crawl(crawler, source=source)
    else:
        crawler = process.create_crawler(process.spider_loader.load("article"))
        source = Source("bench", "article", (f"{base}/sitemap.xml",), ("127.0.0.1",))
        process.crawl(crawler, source=source)
    process.start()
    crawl_cpu = cpu_seconds(resource.RUSAGE_SELF)
    worker_cpu = cpu_seconds(resource.RUSAGE_CHILDREN)  # the extraction workers, joined by now
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    print(
        json.dumps(
            {
                "mode": mode,
                "pages": stats.get("response_received_count", 0),
                "items": stats.get("item_scraped_count", 0),
                "seconds": stats.get("elapsed_time_seconds", 0.0),
                "bytes": stats.get("downloader/response_bytes", 0),
                "requests": stats.get("downloader/request_count", 0),
                "new": stats.get("procarchive/items_new", 0),
                "changed": stats.get("procarchive/items_changed", 0),
                "unchanged": stats.get("procarchive/items_unchanged", 0),
                "gone": stats.get("procarchive/items_gone", 0),
                "crawl_cpu": crawl_cpu,
                "worker_cpu": worker_cpu,
            }
        )
    )


if __name__ == "__main__":
    main()
