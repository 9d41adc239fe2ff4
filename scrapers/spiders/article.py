"""Ad-hoc crawls: article URLs, RSS/Atom feeds or sitemaps, read with the generic extractor.

`procarchive crawl --start-url URL ...` runs this spider once a host, confined to it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response

from scrapers.extract.dates import parse_date
from scrapers.extract.feeds import FeedError, looks_like_feed, parse_feed
from scrapers.spiders.base import SourceSpider


class ArticleSpider(SourceSpider):
    name = "article"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield self.request(url, self.parse)

    async def parse(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        if looks_like_feed(response.body, content_type):
            try:
                feed = parse_feed(response.body, response.url)
            except FeedError as exc:
                self.skip(response, "bad_feed", str(exc))
                return
            if feed.problem:  # what could be read is followed, and the breakage counted
                self.fail(response, "malformed_feed", feed.problem)
            elif not feed.entries and not feed.next_url:
                self.count("warnings/empty_feed")
                self.logger.warning("Empty %s at %s: it names no page", feed.kind, response.url)
            for entry in feed.entries:  # its date stands in for a page that shows none
                yield self.request(entry.url, self.parse, meta={"feed_date": entry.published})
            if feed.next_url:
                yield self.request(feed.next_url, self.parse)
            return
        html = self.page_text(response)
        if html is None:
            return
        reading = await self.read(html, response.url)
        item = reading.item
        if item is None:
            self.skip(response, "no_article", "no article text found")
            return
        if item.published_at is None:
            item.published_at = parse_date(response.meta.get("feed_date"), self.source.timezone)
        yield self.provenance(item, response, reading)
        for request in self.attachments(reading, item.url):
            yield request
