"""Documents as the archive keeps them: one row a version of a file at a URL (a changed
file is a new row and the old one is marked superseded), and what links to it."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from archive.articles import now
from archive.ids import document_id
from scrapers.items import DocumentItem

COLUMNS = (
    "url", "kind", "title", "content_type", "size", "sha256", "pages", "needs_ocr", "problem",
    "text", "capture_id",
)  # fmt: skip


def write_documents(
    db: Database, items: list[DocumentItem], crawl_id: int | None
) -> dict[str, int]:
    counts = {"new": 0, "unchanged": 0}
    with db.atomic():
        for item in items:
            seen_at = item.fetched_at or now()
            identifier = document_id(item.url, item.sha256, item.problem)
            db.execute(
                "INSERT OR IGNORE INTO document_links VALUES (?, ?, ?, ?)",
                [item.url, item.parent_type, item.parent_id, item.link_text],
            )
            if item.linked_only:
                continue
            known = db.execute(
                "SELECT superseded_at FROM documents WHERE id = ?", [identifier]
            ).fetchone()
            if known:
                back = bool(known[0] and item.sha256)  # the URL serves an earlier content again
                if back:
                    db.execute(
                        "UPDATE documents SET superseded_at = ? "
                        "WHERE url = ? AND superseded_at IS NULL",
                        [seen_at, item.url],
                    )
                db.execute(
                    "UPDATE documents SET last_seen_at = ?, crawl_id = ?, "
                    "superseded_at = CASE WHEN ? THEN NULL ELSE superseded_at END WHERE id = ?",
                    [seen_at, crawl_id, back, identifier],
                )
                counts["unchanged"] += 1
                continue
            if item.sha256:  # new content supersedes what the URL served before
                db.execute(
                    "UPDATE documents SET superseded_at = ? WHERE url = ? AND superseded_at IS NULL",
                    [seen_at, item.url],
                )
            row: dict[str, Any] = {column: getattr(item, column, None) for column in COLUMNS}
            row.update(
                id=identifier,
                title=item.link_text or item.url.rsplit("/", 1)[-1],
                needs_ocr=int(item.needs_ocr),
                first_seen_at=seen_at,
                last_seen_at=seen_at,
                crawl_id=crawl_id,
            )
            db.table("documents").insert(row)
            counts["new"] += 1
    return counts
