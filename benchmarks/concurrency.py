"""Per-site concurrency and what holding it costs (`python -m benchmarks.concurrency`).

A loopback site whose pages take a while counts how many requests it serves at once. For
each limit (CONCURRENT_REQUESTS_PER_DOMAIN) and AutoThrottle off and on, a plain Scrapy
spider fetches the whole site with Scrapy's own downloader and then with procarchive's
(scrapers/downloader.py); then procarchive's own crawl of the site. Printed: the most
requests the site saw at once, pages/s, and pages/s as a ratio of Scrapy's own downloader
measured in the same run (from the site's first request to its last response).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from samples.server import SampleServer
from samples.slow_site import SlowSite

STOCK = "scrapy.core.downloader.Downloader"
OURS = "scrapers.downloader.SlotLimitedDownloader"


def fetch_all(base: str, downloader: str, limit: int, autothrottle: bool) -> None:
    """In a process of its own: a plain spider that fetches every page the sitemap lists."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class Fetch(scrapy.Spider):
        name = "fetch"

        async def start(self):
            yield scrapy.Request(f"{base}/sitemap.xml", callback=self.sitemap)

        def sitemap(self, response):
            response.selector.remove_namespaces()
            for url in response.xpath("//loc/text()").getall():
                yield scrapy.Request(url, callback=self.page)

        def page(self, response):
            return None

    process = CrawlerProcess(
        {
            "DOWNLOADER": downloader,
            "CONCURRENT_REQUESTS_PER_DOMAIN": limit,
            "AUTOTHROTTLE_ENABLED": autothrottle,
            "AUTOTHROTTLE_START_DELAY": 0,
            "AUTOTHROTTLE_TARGET_CONCURRENCY": 8,
            "LOG_LEVEL": "WARNING",
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    process.crawl(Fetch)
    process.start()


def timed(command: list[str], site: SlowSite) -> dict[str, Any]:
    site.most_at_once.clear()
    site.first_request = site.last_response = 0.0
    subprocess.run(command, check=True, capture_output=True)
    seconds = site.last_response - site.first_request  # the crawl, not the process's start
    return {"at_once": max(site.most_at_once.values()), "pages_per_s": site.articles / seconds}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--fetch", nargs=4, metavar=("BASE", "DOWNLOADER", "LIMIT", "THROTTLE"))
    args = parser.parse_args()
    if args.fetch:
        base, downloader, limit, throttle = args.fetch
        fetch_all(base, downloader, int(limit), throttle == "on")
        return
    site = SlowSite(args.articles, args.delay)
    print(f"{args.articles} pages of {args.delay * 1000:.0f} ms each, on one loopback host")
    print(
        f"{'limit':>5} {'autothrottle':>12} {'downloader':>10} {'at once':>8} {'pages/s':>8} ratio"
    )
    with SampleServer({"slow": site}) as server, tempfile.TemporaryDirectory() as tmp:
        base = server.urls["slow"]
        held: dict[str, Any] = {}
        for limit in (1, 2, 4):
            for throttle in ("off", "on"):
                stock: dict[str, Any] = {}
                for name, downloader in (("scrapy", STOCK), ("ours", OURS)):
                    command = [sys.executable, "-m", "benchmarks.concurrency", "--fetch", base]
                    result = timed([*command, downloader, str(limit), throttle], site)
                    stock = stock or result
                    if (limit, throttle, name) == (4, "off", "ours"):
                        held = result
                    ratio = result["pages_per_s"] / stock["pages_per_s"]
                    print(
                        f"{limit:>5} {throttle:>12} {name:>10} {result['at_once']:>8} "
                        f"{result['pages_per_s']:>8.1f} {ratio:.0%}"
                    )
        crawl = [
            sys.executable, "-m", "procarchive.cli", "crawl", "--db", str(Path(tmp) / "a.db"),
            f"--start-url={base}/sitemap.xml", "-s", "AUTOTHROTTLE_ENABLED=0",
            "-s", "PROCARCHIVE_PROGRESS=0",
        ]  # fmt: skip
        result = timed(crawl, site)
        print(
            f"procarchive crawl, limit 4, AutoThrottle off: {result['at_once']} at once, "
            f"{result['pages_per_s']:.1f} pages/s, {result['pages_per_s'] / held['pages_per_s']:.0%}"
            " of the plain spider with the same downloader"
        )


if __name__ == "__main__":
    main()
