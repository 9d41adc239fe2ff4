"""lkpp.go.id news: the paginated listing, then each article."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from scrapers.extract import lkpp
from scrapers.spiders.base import SourceSpider


class LkppNewsSpider(SourceSpider):
    name = "lkpp_news"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield self.request(url, self.parse_listing)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        html = self.page_text(response)
        if html is None:
            return
        listing = lkpp.parse_listing(html, response.url)
        for url in listing.article_urls:
            yield self.request(url, self.parse_article)
        if listing.next_url:
            yield self.request(listing.next_url, self.parse_listing)

    def parse_article(self, response: Response) -> Iterator[Any]:
        yield from self.article(response, lkpp.parse_article)
