"""The data contract between spiders, extraction and pipelines.

Extraction fills what a page says; the pipelines add what the archive knows
(id, language, content hash, crawl times).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ArticleItem:
    url: str
    source: str
    title: str | None = None
    text: str = ""
    published_at: str | None = None
    author: str | None = None
    reference: str | None = None
    kind: str = "news"
    lang: str | None = None
    id: str | None = None
    content_hash: str | None = None
    fetched_at: str | None = None
    capture_id: str | None = None
