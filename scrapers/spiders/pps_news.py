"""pps.go.kr/eng press releases: the board's list pages, then each release."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from scrapers.extract import pps
from scrapers.spiders.base import SourceSpider


class PpsNewsSpider(SourceSpider):
    name = "pps_news"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield self.listing_request(url, self.parse_listing, cb_kwargs={"first": True})

    def parse_listing(self, response: Response, first: bool = False) -> Iterator[Any]:
        yield from self.paged_listing(
            response, pps.parse_listing, self.parse_listing, self.parse_article, first
        )

    def parse_article(self, response: Response) -> Iterator[Any]:
        yield from self.article(response, pps.parse_article)
