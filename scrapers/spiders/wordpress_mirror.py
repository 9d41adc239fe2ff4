"""Any WordPress site through its REST API: the posts listing, page by page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response

from scrapers.analysis.article import analyse_all
from scrapers.analysis.language import SAMPLE_CHARS
from scrapers.extract import wordpress
from scrapers.items import ListingItem
from scrapers.spiders.base import SourceSpider


class WordpressMirrorSpider(SourceSpider):
    name = "wordpress_mirror"

    async def start(self) -> AsyncIterator[Any]:
        size = int(self.source.options.get("page_size", 20))
        for url in self.start_urls:
            yield self.listing_request(wordpress.posts_url(url, 1, size), self.parse_posts)

    async def parse_posts(
        self, response: Response, previous: tuple[str, ...] = ()
    ) -> AsyncIterator[Any]:
        """One page of posts, analysed in a worker process. `previous`: the links of the page
        before, on a listing without X-WP-TotalPages (which then ends at an empty page or
        past the last one)."""
        if response.status == 400 and wordpress.past_last_page(response.body):
            self.logger.info("End of the posts listing at %s (past the last page)", response.url)
            return
        if response.status == 400:
            self.listing_failed(response, "http_400", "the posts API refused the page")
            return
        try:
            page = wordpress.parse_posts(
                response.body, response.url, self.source.name, self.source.timezone
            )
        except wordpress.NotWordPress as exc:
            self.count("failed_listing")
            self.skip(response, "bad_feed", str(exc))
            return
        pages = wordpress.header_number(response.headers.get("X-WP-TotalPages"))
        if not page.links and pages is None and wordpress.page_number(response.url) > 1:
            self.logger.info("End of the posts listing at %s (an empty page)", response.url)
            return
        if not page.links:
            self.listing_failed(response, "empty_listing", "a page of the posts API without posts")
            return
        if previous and set(page.links) <= set(previous):
            message = "the page repeats the one before: the API ignores `page`"
            self.listing_failed(response, "repeated_page", message)
            return
        total = wordpress.header_number(response.headers.get("X-WP-Total"))
        yield ListingItem(self.source.name, response.url, page.links, total)
        sample_chars = self.settings.getint("PROCARCHIVE_LANGUAGE_SAMPLE_CHARS", SAMPLE_CHARS)
        for item in await self.pool.run(analyse_all, page.items, sample_chars):
            item.capture_id = response.meta.get("capture_id")
            yield item
        following = wordpress.next_page(response.url, pages, len(page.links))
        if following is None:
            return
        request = self.listing_request(
            following, self.parse_posts, cb_kwargs={"previous": tuple(page.links)}
        )
        if pages is None:  # past the last page WordPress answers 400: the end, not an error
            request.meta["handle_httpstatus_list"] = [400]
        yield request
