"""What every source spider shares: its registry entry, and a guard that turns a body
that is not a readable page into a counted, logged reason instead of an exception."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

from scrapers.items import ArticleItem
from scrapers.sources import Source

Extractor = Callable[[str, str, str, str], ArticleItem | None]


class SourceSpider(scrapy.Spider):
    """A spider run for one registry entry, passed as the `source` argument."""

    def __init__(self, source: Source, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        self.allowed_domains = list(source.allowed_domains)
        self.start_urls = list(source.start_urls)

    def page_text(self, response: Response) -> str | None:
        """The response's text, or None (counted and logged) when it is not a text page."""
        if not isinstance(response, TextResponse):
            self.skip(response, "not_text", "the body is not text")
            return None
        if not response.body.strip():
            self.skip(response, "empty_body", "the body is empty")
            return None
        return response.text

    def article(self, response: Response, extract: Extractor) -> Iterator[ArticleItem]:
        """The page's article as `extract(html, url, source, offset)` reads it, if any."""
        html = self.page_text(response)
        if html is None:
            return
        item = extract(html, response.url, self.source.name, self.source.timezone)
        if item is None:
            self.skip(response, "no_article", "no article text found")
            return
        yield item

    def skip(self, response: Response, reason: str, message: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"procarchive/skipped/{reason}")
        self.logger.warning("Skipped %s: %s (%s)", response.url, message, reason)
