"""SPSE notices against raw Scrapy fetching the same loopback SPSE site (`make bench`).

The sample SPSE (3 LPSEs, 300 packages, documents) is served from this process; each crawl
runs in its own process. Printed: pages/s of raw Scrapy doing the same requests (handshake,
DataTables POSTs, every package page and document, no parsing, no pipelines, no captures),
of the spse_notices crawl with every pipeline, their ratio; then a night passes on the site
(`advance`) and the nightly crawl's pages, bytes and seconds against the first crawl.

`python -m benchmarks.spse_crawl` (the parent) or `... crawl MODE BASE DB` (one crawl).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

from benchmarks.one_crawl import FETCH_SETTINGS
from procarchive.crawl import project_settings
from samples.server import SampleServer
from samples.spse_site import SpseSite
from scrapers.extract.spse import LISTINGS, PAGES
from scrapers.sources import Source

YEARS = (2026, 2025)
TOKEN = re.compile(r"authenticityToken = '([^']+)'")


class RawSpseSpider(scrapy.Spider):
    """The same requests as spse_notices, and nothing done with the responses."""

    name = "raw_spse"

    def __init__(self, base: str, lpses: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base, self.lpses = base, lpses

    async def start(self) -> Any:
        for slug in self.lpses:
            for category, listing in LISTINGS.items():
                yield scrapy.Request(
                    f"{self.base}/{slug}/{listing}", self.handshake, cb_kwargs={"slug": slug, "category": category}
                )  # fmt: skip

    def handshake(self, response: Response, slug: str, category: str) -> Iterator[Any]:
        cookie = (response.headers.get("Set-Cookie") or b"").decode().split(";")[0]
        token = TOKEN.search(response.text)
        for year in YEARS:
            yield self.page(
                response.url, slug, category, year, 0, cookie, token[1] if token else ""
            )

    def page(
        self, referer: str, slug: str, category: str, year: int, start: int, cookie: str, token: str
    ) -> Any:
        return scrapy.FormRequest(
            f"{self.base}/{slug}/dt/{LISTINGS[category]}?tahun={year}",
            formdata={"draw": "1", "start": str(start), "length": "100", "authenticityToken": token},
            headers={"X-Requested-With": "XMLHttpRequest", "Referer": referer, "Cookie": cookie},
            callback=self.rows, dont_filter=True,
            cb_kwargs={"referer": referer, "slug": slug, "category": category, "year": year,
                       "start": start, "cookie": cookie, "token": token},
        )  # fmt: skip

    def rows(self, response: Response, **page: Any) -> Iterator[Any]:
        rows = json.loads(response.body)["data"]
        for row in rows:
            for part, path in PAGES[page["category"]]:
                url = f"{self.base}/{page['slug']}/{path.format(code=row[0])}"
                yield scrapy.Request(url, self.package if part == "announcement" else self.fetched)
        if len(rows) == 100:
            yield self.page(**{**page, "start": page["start"] + 100})

    def package(self, response: Response) -> Iterator[Any]:
        for href in response.css("a[href*='/dokumen/']::attr(href)").getall():
            yield response.follow(href, self.fetched)

    def fetched(self, response: Response) -> None:
        return None


def crawl(mode: str, base: str, db: str) -> None:
    overrides: dict[str, Any] = dict(FETCH_SETTINGS)
    if mode == "raw":
        overrides.update(
            ITEM_PIPELINES={}, DOWNLOADER_MIDDLEWARES={}, SPIDER_MIDDLEWARES={}, EXTENSIONS={}
        )
    process = CrawlerProcess(project_settings(db, overrides), install_root_handler=False)
    lpses = [
        {"slug": lpse.slug, "name": lpse.name, "timezone": lpse.timezone}
        for lpse in SpseSite.sample().lpses
    ]
    if mode == "raw":
        crawler = process.create_crawler(RawSpseSpider)
        process.crawl(crawler, base=base, lpses=[lpse["slug"] for lpse in lpses])
    else:
        crawler = process.create_crawler(process.spider_loader.load("spse_notices"))
        source = Source(
            "spse",
            "spse_notices",
            (base,),
            ("127.0.0.1",),
            options={"lpses": lpses, "years": list(YEARS)},
        )
        process.crawl(crawler, source=source)
    process.start()
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    print(json.dumps({
        "pages": stats.get("response_received_count", 0),
        "seconds": stats.get("elapsed_time_seconds", 0.0),
        "bytes": stats.get("downloader/response_bytes", 0),
        "new": stats.get("procarchive/items_new", 0),
        "changed": stats.get("procarchive/items_changed", 0),
    }))  # fmt: skip


def one(mode: str, base: str, db: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.spse_crawl", "crawl", mode, base, str(db)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["pages_per_s"] = result["pages"] / result["seconds"] if result["seconds"] else 0.0
    return result


def main() -> None:
    site = SpseSite.sample()
    with SampleServer({"spse": site}) as server, tempfile.TemporaryDirectory() as tmp:
        base = server.urls["spse"]
        raw = one("raw", base, Path(tmp) / "raw.db")
        full = one("spse", base, Path(tmp) / "archive.db")
        changes = site.advance()
        nightly = one("spse", base, Path(tmp) / "archive.db")
    print(f"sample SPSE: {len(site.packages)} packages after one night, 3 LPSEs, on {base}")
    print(f"{'crawl':<14}{'pages':>8}{'seconds':>10}{'pages/s':>10}{'vs raw':>9}")
    for name, r in (("raw Scrapy", raw), ("spse_notices", full)):
        ratio = r["pages_per_s"] / raw["pages_per_s"] if raw["pages_per_s"] else 0.0
        print(
            f"{name:<14}{r['pages']:>8}{r['seconds']:>10.1f}{r['pages_per_s']:>10.1f}{ratio:>9.0%}"
        )
    found = nightly["new"] + nightly["changed"]
    print(
        f"nightly after {len(changes)} changes: {nightly['pages']} pages "
        f"({nightly['pages'] / full['pages']:.0%} of the first crawl), "
        f"{nightly['bytes']:,} bytes ({nightly['bytes'] / full['bytes']:.1%}), "
        f"{nightly['seconds']:.1f} s ({nightly['seconds'] / full['seconds']:.0%}); "
        f"{found} notices new or changed"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["crawl"]:
        crawl(*sys.argv[2:5])
    else:
        main()
