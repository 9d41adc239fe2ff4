"""lkpp.go.id news: the paginated listing, then each article.

With a `sitemap` option, the sitemap's lastmod dates come along as change hints, so a
nightly crawl fetches only the articles that changed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from scrapers.extract import lkpp
from scrapers.extract.feeds import FeedError, FeedPage, parse_feed
from scrapers.spiders.base import SourceSpider


class LkppNewsSpider(SourceSpider):
    name = "lkpp_news"

    async def start(self) -> AsyncIterator[Any]:
        sitemap = self.source.options.get("sitemap")
        if sitemap:
            yield self.listing_request(sitemap, self.parse_sitemap)
            return
        for url in self.start_urls:
            yield self.listing_request(
                url, self.parse_listing, cb_kwargs={"hints": {}, "first": True}
            )

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        try:
            sitemap = parse_feed(response.body, response.url)
        except FeedError as exc:
            self.skip(response, "bad_feed", str(exc))
            sitemap = FeedPage("sitemap")
        if sitemap.problem:  # its change hints are partial: the pages without one are fetched
            self.fail(response, "malformed_feed", sitemap.problem)
        entries = sitemap.entries
        hints = {entry.url: entry.updated for entry in entries if entry.updated}
        for url in self.start_urls:
            yield self.listing_request(
                url, self.parse_listing, cb_kwargs={"hints": hints, "first": True}
            )

    def parse_listing(
        self, response: Response, hints: dict[str, str], first: bool = False
    ) -> Iterator[Any]:
        yield from self.paged_listing(
            response, lkpp.parse_listing, self.parse_listing, self.parse_article, first, hints
        )

    def parse_article(self, response: Response) -> Iterator[Any]:
        yield from self.article(response, lkpp.parse_article)
