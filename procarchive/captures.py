"""`procarchive show-capture`: the exact bytes the archive captured for a response."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.archive import open_archive
from pipelines.warc import read_record


def capture_row(db_path: str | Path, capture_id: str) -> dict[str, Any]:
    db = open_archive(db_path, create=False)
    try:
        rows = list(db.table("captures").rows_where("id = ?", [capture_id]))
        if not rows:
            raise ValueError(f"no capture {capture_id!r} in {db_path}")
        row = rows[0]
        while row["record_type"] == "revisit" and row["revisit_of"]:
            row = next(db.table("captures").rows_where("id = ?", [row["revisit_of"]]))
        return row
    finally:
        db.close()


def capture_payload(
    db_path: str | Path, capture_id: str, warc_dir: Path, raw: bool = False
) -> bytes:
    """The payload of a capture (of the capture it revisits, for a revisit record): as
    received with `raw`, else with its content-encoding (gzip) undone."""
    row = capture_row(db_path, capture_id)
    path = (warc_dir / row["warc_file"]).resolve()
    if not path.is_relative_to(warc_dir.resolve()):  # a row that names ../../etc/passwd
        raise ValueError(
            f"capture {capture_id!r} names a WARC file outside {warc_dir}: {row['warc_file']!r}"
        )
    if not path.exists():
        raise FileNotFoundError(f"WARC file {path} is missing")
    record = read_record(path, row["warc_offset"])
    return record.received if raw else record.decoded
