"""What every source spider shares: its registry entry, and a guard that turns a body
that is not a readable page into a counted, logged reason instead of an exception."""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

from scrapers.sources import Source


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

    def skip(self, response: Response, reason: str, message: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"procarchive/skipped/{reason}")
        self.logger.warning("Skipped %s: %s (%s)", response.url, message, reason)
