"""Normalize an article: tidy whitespace, give it its stable id and content hash."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from itemadapter import ItemAdapter

from archive.ids import HASHED_FIELDS, article_id, content_hash
from scrapers.items import ArticleItem


def tidy_text(text: str) -> str:
    paragraphs = (" ".join(p.split()) for p in text.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


class NormalizePipeline:
    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item  # seen, gone and listing records carry no text
        adapter = ItemAdapter(item)
        if adapter.get("title"):
            adapter["title"] = " ".join(adapter["title"].split())
        adapter["text"] = tidy_text(adapter.get("text") or "")
        adapter["id"] = article_id(adapter["url"])
        # Only the hashed fields: asdict() deep-copies the whole item (its MoU, its agencies).
        adapter["content_hash"] = content_hash({name: adapter.get(name) for name in HASHED_FIELDS})
        adapter["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        return item
