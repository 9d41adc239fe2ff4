"""An article's procurement records: its kind, the organisations it names, the MoU it reports."""

from __future__ import annotations

import dataclasses
from datetime import date

from scrapers.analysis.agencies import gazetteer
from scrapers.analysis.kinds import classify
from scrapers.analysis.mou import extract_mou
from scrapers.items import ArticleItem


def publication_day(published_at: str | None) -> date | None:
    try:
        return date.fromisoformat((published_at or "")[:10])
    except ValueError:
        return None


def annotate(item: ArticleItem) -> ArticleItem:
    """Set kind, agencies and mou. Without a publication date, relative dates ("kemarin")
    stay unresolved: the day the crawl first saw the page would be a guess."""
    title, text = item.title or "", item.text or ""
    item.kind = classify(title, text, publication_day(item.published_at))
    item.agencies = dict(gazetteer().count(f"{title}\n\n{text}").most_common())
    return read_signing(item)


def read_signing(item: ArticleItem, fetched_on: date | None = None) -> ArticleItem:
    """Set mou: the signing an article of kind "mou" reports. On an undated page, a date of
    it written without a year ("Senin (4/11)") resolves against `fetched_on`, the day the
    archive first fetched the page, where the caller knows it (pipelines.mou_dates)."""
    published = publication_day(item.published_at)
    record = (
        extract_mou(item.title, item.text or "", published, None if published else fetched_on)
        if item.kind == "mou"
        else None
    )
    item.mou = dataclasses.asdict(record) if record else None
    return item
