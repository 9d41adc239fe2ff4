"""Normalize an article: tidy whitespace, give it its stable id and content hash."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from w3lib.url import canonicalize_url

from scrapers.items import ArticleItem

HASHED_FIELDS = ("title", "text", "published_at", "author", "reference")


def article_id(url: str) -> str:
    """Stable id of a page: a hash of its canonical URL (query order, fragment ignored)."""
    parts = urlsplit(canonicalize_url(url.strip(), keep_fragments=False))
    canonical = parts._replace(path=parts.path.rstrip("/")).geturl()
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


def content_hash(fields: dict[str, Any]) -> str:
    """What the page says, hashed: equal hashes mean nothing to store again."""
    payload = json.dumps([fields.get(name) for name in HASHED_FIELDS], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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
        adapter["content_hash"] = content_hash(adapter.asdict())
        adapter["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        return item
