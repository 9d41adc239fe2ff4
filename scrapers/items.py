"""The data contract between spiders, extraction and pipelines.

Extraction fills what a page says; the pipelines add what the archive knows
(id, language, content hash, crawl times).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    mou: dict[str, Any] | None = None  # the MoU signing it reports (scrapers.analysis.mou)
    # Where `url` is the page's own claim (rel=canonical, a post's link): the URL it was read
    # from. A claim outside the source's domains is not followed (pipelines.confine).
    page_url: str | None = None
    canonical_claim: str | None = None  # such a claim, not followed
    redirected_from: list[str] | None = None  # the URLs asked for that redirected to page_url


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
    total: int | None = None  # the number of articles the whole listing holds, as it says


@dataclass
class NoticeItem:
    """One SPSE package as its pages show it. `parts` names the pages read: a page that
    failed leaves its part as archived (a missing winner page is not "no winner"). `awards`
    come from the announcement or winner page, `bidders` from the participants page, their
    marks from the evaluation page (`evaluation`)."""

    url: str
    source: str
    lpse: str
    category: str  # tender, nontender, pencatatan, swakelola, darurat
    package_code: str
    fields: dict[str, Any]
    rup: list[dict[str, str]]
    schedule: list[dict[str, Any]]
    awards: list[dict[str, Any]]
    parts: list[str]  # of "announcement", "schedule", "participants", "evaluation", "awards"
    capture_id: str | None = None
    fetched_at: str | None = None
    bidders: list[dict[str, Any]] = field(default_factory=list)  # award-style, role "bidder"
    timezone: str | None = None  # the LPSE's UTC offset ("+08:00"): of a date given alone
    evaluation: list[dict[str, Any]] = field(default_factory=list)  # the evaluation page's rows


@dataclass
class NoticeSeenItem:
    """Archived notices a listing shows settled (complete, cancelled) as before: not fetched."""

    source: str
    ids: list[str]


@dataclass
class NoticeGoneItem:
    """A package whose announcement now answers 404 or 410."""

    source: str
    lpse: str
    category: str
    package_code: str
    reason: str
    capture_id: str | None = None


@dataclass
class DocumentItem:
    """An attachment fetched (or not: `problem` says why) for a notice or an article."""

    url: str
    source: str
    parent_type: str  # "notice" or "article"
    parent_id: str
    link_text: str | None = None
    kind: str = "unknown"
    content_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    pages: int | None = None
    needs_ocr: bool = False
    problem: str | None = None
    text: str = ""
    capture_id: str | None = None
    fetched_at: str | None = None
    linked_only: bool = False  # fetched earlier in the crawl: only the link is new
