"""An article's procurement records: its kind, the organisations it names, the MoU it reports."""

from __future__ import annotations

import dataclasses
from datetime import date

from scrapers.extract.agencies import gazetteer
from scrapers.extract.kinds import classify
from scrapers.extract.mou import extract_mou
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
    published = publication_day(item.published_at)
    item.kind = classify(title, text, published)
    item.agencies = dict(gazetteer().count(f"{title}\n\n{text}").most_common())
    record = extract_mou(title, text, published) if item.kind == "mou" else None
    item.mou = dataclasses.asdict(record) if record else None
    return item
