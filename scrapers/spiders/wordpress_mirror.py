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
            items = wordpress.parse_posts(
                response.body, response.url, self.source.name, self.source.timezone
            )
        except wordpress.NotWordPress as exc:
            self.skip(response, "bad_feed", str(exc))
            return
        yield ListingItem(self.source.name, response.url, [item.url for item in items])
        for item in items:
            item.capture_id = response.meta.get("capture_id")
            yield item
        total = response.headers.get("X-WP-TotalPages")
        following = wordpress.next_page(response.url, int(total) if total else None, len(items))
        if following:
            yield self.listing_request(following, self.parse_posts)
