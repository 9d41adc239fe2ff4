"""pps.go.kr/eng press releases: the board's list pages, then each release."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from scrapers.extract import pps
from scrapers.items import ListingItem
from scrapers.spiders.base import SourceSpider


class PpsNewsSpider(SourceSpider):
    name = "pps_news"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield self.listing_request(url, self.parse_listing, cb_kwargs={"first": True})

    def parse_listing(self, response: Response, first: bool = False) -> Iterator[Any]:
        html = self.page_text(response)
        if html is None:
            return
        listing = pps.parse_listing(html, response.url)
        yield ListingItem(self.source.name, response.url, listing.article_urls)
        for url in listing.article_urls:
            yield self.article_request(url, self.parse_article)
        # From the first page, every page of the pager's block, fetched side by side; from
        # the others, the next page (which opens the following block when there is one).
        pages = [*(listing.page_urls if first else []), *filter(None, [listing.next_url])]
        for url in dict.fromkeys(pages):
            yield self.listing_request(url, self.parse_listing)

    def parse_article(self, response: Response) -> Iterator[Any]:
        yield from self.article(response, pps.parse_article)
