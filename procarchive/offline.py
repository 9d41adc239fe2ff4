"""The crawl's item pipelines, run on an item offline (`procarchive extract`): those of
ITEM_PIPELINES that do not write the archive (`writes_archive`), in their configured order,
built from the same settings, so that an item gets the verdict a crawl would give it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import scrapy
from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import build_from_crawler, load_object

from pipelines.validate import Dropped, InvalidItem


def offline_classes(settings: Settings) -> list[type]:
    classes = [
        load_object(path) for path in build_component_list(settings.getwithbase("ITEM_PIPELINES"))
    ]
    return [cls for cls in classes if not getattr(cls, "writes_archive", False)]


class OfflinePipelines:
    """The pipelines as a crawl of a source confined to `domains` runs them."""

    def __init__(self, settings: Settings, spider: str, domains: Sequence[str]) -> None:
        self.settings = settings
        crawler = Crawler(scrapy.Spider, settings)
        crawler.stats = MemoryStatsCollector(crawler)
        crawler.spider = scrapy.Spider(name=spider, allowed_domains=list(domains))
        self.pipelines = [build_from_crawler(cls, crawler) for cls in offline_classes(settings)]

    def record(self, item: Any) -> dict[str, Any]:
        """The item as the pipelines leave it, and why they drop it (None: archived)."""
        reasons: list[str] = []
        try:
            for pipeline in self.pipelines:
                item = pipeline.process_item(item)
        except (Dropped, InvalidItem) as exc:
            reasons = exc.reasons
        return {"article": ItemAdapter(item).asdict(), "dropped": reasons or None}
