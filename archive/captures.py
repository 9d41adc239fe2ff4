"""The captures table: one row a WARC record the crawl wrote (scrapers/capture.py)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from archive.statements import insert_sql, values

COLUMNS = (
    "id", "url", "fetched_at", "status", "content_type", "payload_sha256", "payload_length",
    "warc_file", "warc_offset", "warc_length", "record_type", "revisit_of", "crawl_id", "etag",
    "last_modified", "method",
)  # fmt: skip


def write_capture(db: Database, row: dict[str, Any]) -> None:
    """Committed on return (with the caller's transaction if one is open): a row that cites
    the capture is never written before it."""
    if unknown := row.keys() - set(COLUMNS):  # a misspelt column fails loudly
        raise KeyError(f"captures has no column {', '.join(sorted(unknown))}")
    with db.atomic():
        db.execute(insert_sql("captures", COLUMNS), values(row, COLUMNS))
