"""`procarchive reclassify`: derive kinds, agencies and MoU records again from the stored
text of every article (after the gazetteer or the rules improve; nightly crawls re-derive
only the articles they parse)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from archive.articles import refresh_agencies, set_classification
from archive.connection import open_archive
from pipelines.mou_dates import MouDatePipeline
from pipelines.store import article_row
from procarchive.linking.signings import group_signings
from scrapers.analysis.agencies import gazetteer
from scrapers.analysis.records import annotate
from scrapers.items import ArticleItem

BATCH = 500


def reclassify(db_path: str | Path) -> Counter[str]:
    """Re-derive every article's records; returns how many articles of each kind."""
    db = open_archive(db_path, create=False)
    dating = MouDatePipeline()  # against fetched_at: the article's first fetch
    kinds: Counter[str] = Counter()
    refresh_agencies(db, gazetteer().agencies.values())
    try:
        rows = db.execute(
            "SELECT id, url, source, title, text, published_at, first_seen_at FROM articles"
        ).fetchall()
        for start in range(0, len(rows), BATCH):
            batch = []
            for identifier, url, source, title, text, published_at, first in rows[
                start : start + BATCH
            ]:
                # fetched_at: its first fetch, which an undated page's MoU is dated against
                item = ArticleItem(url=url, source=source, title=title, text=text or "",
                                   published_at=published_at, fetched_at=first)  # fmt: skip
                row = article_row(dating.process_item(annotate(item)))
                batch.append({**row, "id": identifier})
                kinds[row["kind"]] += 1
            set_classification(db, batch)
        group_signings(db)  # the reports' dates and parties may have changed
    finally:
        db.close()
    return kinds
