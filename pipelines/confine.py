"""Keep an article at its own URL unless the URL its page claims is the source's own.

A page names its "real" address itself (rel=canonical, a WordPress post's link), and that
address becomes the article's id. Trusted from any host, one page could take over another
site's article; so a claim outside the source's allowed domains is not followed: the page
keeps the URL it was read from, and the claim is stored beside it and counted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Self

from scrapy.crawler import Crawler

from pipelines.validate import Dropped
from scrapers.items import ArticleItem
from scrapers.sources import in_domains

logger = logging.getLogger(__name__)


def confine(item: ArticleItem, domains: Sequence[str]) -> str:
    """Set aside a claim outside `domains`: "kept" (none to set aside), "claim" (the item is
    back at its page's URL, the claim in `canonical_claim`) or "no_url" (no page URL to fall
    back on: not to be archived)."""
    if item.url == item.page_url or not domains or in_domains(item.url, domains):
        return "kept"
    if not item.page_url:
        return "no_url"
    item.canonical_claim, item.url = item.url, item.page_url
    return "claim"


class ConfinePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        domains = list(getattr(self.crawler.spider, "allowed_domains", None) or [])
        claimed = item.url
        outcome = confine(item, domains)
        if outcome == "no_url":  # nowhere of its own to keep it: not archived under the claim
            self.count("dropped/offsite_url")
            self.count("dropped")
            message = f"{claimed}: outside the source's allowed domains, no URL of its own"
            raise Dropped(message, ["offsite_url"])
        if outcome == "claim":
            logger.warning(
                "%s names %s as its address, outside the source's allowed domains %s: "
                "kept at its own URL",
                item.url, claimed, ", ".join(domains),
            )  # fmt: skip
            self.count("warnings/offsite_canonical")
        return item

    def count(self, key: str) -> None:
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"procarchive/{key}")
