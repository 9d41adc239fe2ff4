"""Any WordPress site through its REST API: the posts listing, page by page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Response

from scrapers.extract import wordpress
from scrapers.items import ListingItem
from scrapers.spiders.base import SourceSpider


class WordpressMirrorSpider(SourceSpider):
    name = "wordpress_mirror"

    async def start(self) -> AsyncIterator[Any]:
        size = int(self.source.options.get("page_size", 20))
        for url in self.start_urls:
            yield self.listing_request(wordpress.posts_url(url, 1, size), self.parse_posts)

    def parse_posts(self, response: Response) -> Iterator[Any]:
        try:
            page = wordpress.parse_posts(
                response.body, response.url, self.source.name, self.source.timezone
            )
        except wordpress.NotWordPress as exc:
            self.count("failed_listing")
            self.skip(response, "bad_feed", str(exc))
            return
        if not page.links:
            self.listing_failed(response, "empty_listing", "a page of the posts API without posts")
            return
        total = wordpress.header_number(response.headers.get("X-WP-Total"))
        yield ListingItem(self.source.name, response.url, page.links, total)
        for item in page.items:
            item.capture_id = response.meta.get("capture_id")
            yield item
        pages = wordpress.header_number(response.headers.get("X-WP-TotalPages"))
        following = wordpress.next_page(response.url, pages, len(page.links))
        if following:
            yield self.listing_request(following, self.parse_posts)
