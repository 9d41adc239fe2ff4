"""Keep an article at its own URL unless the URL its page claims is the source's own.

A page names its "real" address itself (rel=canonical, a WordPress post's link), and that
address becomes the article's id. Trusted from any host, one page could take over another
site's article; so a claim outside the source's allowed domains is not followed: the page
keeps the URL it was read from, and the claim is stored beside it and counted.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from scrapers.items import ArticleItem
from scrapers.sources import in_domains

logger = logging.getLogger(__name__)


class ConfinePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or item.url == item.page_url:
            return item
        domains = getattr(self.crawler.spider, "allowed_domains", None) or []
        if not domains or in_domains(item.url, domains):
            return item
        if not item.page_url:  # nowhere of its own to keep it: not archived under the claim
            if self.crawler.stats:
                self.crawler.stats.inc_value("procarchive/dropped/offsite_url")
                self.crawler.stats.inc_value("procarchive/dropped")
            raise DropItem(f"{item.url}: outside the source's allowed domains, no URL of its own")
        logger.warning(
            "%s names %s as its address, outside the source's allowed domains %s: "
            "kept at its own URL",
            item.page_url, item.url, ", ".join(domains),
        )  # fmt: skip
        item.canonical_claim, item.url = item.url, item.page_url
        if self.crawler.stats:
            self.crawler.stats.inc_value("procarchive/warnings/offsite_canonical")
        return item
