"""Any Blogger blog: its Atom feed, page by page, then each post page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from scrapers.extract import blogger
from scrapers.extract.feeds import FeedEntry, FeedError
from scrapers.items import ListingItem
from scrapers.spiders.base import SourceSpider


class BloggerMirrorSpider(SourceSpider):
    name = "blogger_mirror"

    @property
    def page_size(self) -> int:
        return int(self.source.options.get("feed_page_size", 25))

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield self.listing_request(blogger.feed_url(url, 1, self.page_size), self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        try:
            page = blogger.parse_feed_page(response.body, response.url, self.page_size)
        except FeedError as exc:
            self.count("failed_listing")
            self.skip(response, "bad_feed", str(exc))
            return
        if page.problem:
            self.listing_failed(response, "malformed_feed", page.problem)
        if blogger.missing_entries(page, response.url):
            self.listing_failed(response, "empty_listing", "a feed page without entries")
        urls = [entry.url for entry in page.entries]
        yield ListingItem(self.source.name, response.url, urls, page.total)
        for entry in page.entries:
            request = self.article_request(entry.url, self.parse_post, hint=entry.updated)
            request.cb_kwargs["entry"] = entry  # what the post's page may not show (its date)
            yield request
        if page.next_url:
            yield self.listing_request(page.next_url, self.parse_feed)

    async def parse_post(
        self, response: Response, entry: FeedEntry | None = None
    ) -> AsyncIterator[Any]:
        if blogger.page_kind(response.url) == "static_page":  # not a post: not in the feed
            self.skip(response, "static_page", "a Blogger static page (/p/...), not a post")
            return
        async for output in self.article(response, entry):
            yield output
