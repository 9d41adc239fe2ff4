"""What an article is about (scrapers.extract.records), unless its extraction worker
already said: the generic extractor annotates in its worker process, off the crawl's thread."""

from __future__ import annotations

from typing import Any

from scrapers.extract.records import annotate
from scrapers.items import ArticleItem


class ClassifyPipeline:
    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem) and item.agencies is None:
            annotate(item)
        return item
