"""The data contract between spiders, extraction and pipelines.

Extraction fills what a page says; the pipelines add what the archive knows
(id, language, content hash, crawl times).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
    source_updated: str | None = None  # the listing's or feed's change hint for this page
    agencies: dict[str, int] | None = None  # gazetteer name -> mentions
    mou: dict[str, Any] | None = None  # the MoU signing it reports (scrapers.extract.mou)


@dataclass
class SeenItem:
    """Archived articles the crawl found unchanged (a 304, or their listing says so)."""

    urls: list[str]
    source: str


@dataclass
class GoneItem:
    """An archived article that now answers 404 or 410."""

    url: str
    source: str
    reason: str
    capture_id: str | None = None


@dataclass
class ListingItem:
    """The article URLs one listing, feed or sitemap page names, for spotting articles that
    disappear while their neighbours stay listed."""

    source: str
    page_url: str
    article_urls: list[str]
