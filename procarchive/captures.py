"""`procarchive show-capture`: the exact bytes the archive captured for a response."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warcio.exceptions import ArchiveLoadFailed

from archive.connection import open_archive
from archive.warc import read_record


def capture_row(db_path: str | Path, capture_id: str) -> dict[str, Any]:
    """The capture's row, or for a revisit record the row of the capture it revisits."""
    db = open_archive(db_path, create=False)
    try:
        chain = [capture_id]
        while True:
            rows = list(db.table("captures").rows_where("id = ?", [chain[-1]]))
            if not rows:
                named = f" (revisited by {chain[-2]!r})" if len(chain) > 1 else ""
                raise ValueError(f"no capture {chain[-1]!r} in {db_path}{named}")
            row = rows[0]
            if row["record_type"] != "revisit" or not row["revisit_of"]:
                return row
            if row["revisit_of"] in chain:
                raise ValueError(f"capture {capture_id!r} revisits itself: {' -> '.join(chain)}")
            chain.append(row["revisit_of"])
    finally:
        db.close()


def capture_payload(
    db_path: str | Path, capture_id: str, warc_dir: Path, raw: bool = False
) -> bytes:
    """The payload of a capture (of the capture it revisits, for a revisit record): as
    received with `raw`, else with its content-encoding (gzip) undone."""
    row = capture_row(db_path, capture_id)
    if not row["warc_file"] or row["warc_offset"] is None:
        raise ValueError(f"capture {capture_id!r} names no WARC record")
    path = (warc_dir / row["warc_file"]).resolve()
    if not path.is_relative_to(warc_dir.resolve()):  # a row that names ../../etc/passwd
        raise ValueError(
            f"capture {capture_id!r} names a WARC file outside {warc_dir}: {row['warc_file']!r}"
        )
    if not path.exists():
        raise FileNotFoundError(f"WARC file {path} is missing")
    try:
        record = read_record(path, row["warc_offset"])
    except (ArchiveLoadFailed, StopIteration, OSError, ValueError) as exc:
        offset = row["warc_offset"]
        raise ValueError(f"{path} holds no readable WARC record at {offset}: {exc}") from None
    return record.received if raw else record.decoded
