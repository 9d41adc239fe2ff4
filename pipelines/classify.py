"""What an article is about: its kind, the organisations it names, the MoU it reports."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from itemadapter import ItemAdapter

from scrapers.extract.agencies import gazetteer
from scrapers.extract.kinds import classify
from scrapers.extract.mou import extract_mou
from scrapers.items import ArticleItem


def publication_day(published_at: str | None) -> date | None:
    try:
        return date.fromisoformat((published_at or "")[:10])
    except ValueError:
        return None


class ClassifyPipeline:
    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        adapter = ItemAdapter(item)
        title, text = adapter.get("title") or "", adapter.get("text") or ""
        adapter["kind"] = classify(title, text)
        adapter["agencies"] = dict(gazetteer().count(f"{title}\n\n{text}").most_common())
        if adapter["kind"] == "mou":
            # Without a publication date, relative dates ("kemarin") stay unresolved: the
            # day the crawl first saw the page would be a guess.
            record = extract_mou(title, text, publication_day(adapter.get("published_at")))
            adapter["mou"] = dataclasses.asdict(record) if record else None
        return item
