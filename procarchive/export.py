"""`procarchive export`: a table or a canned query (metadata.yml) as CSV, or the notices as
OCDS release or record packages. Rows stream from SQLite to the file: memory stays flat
however large the archive."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import yaml
from sqlite_utils import Database

from procarchive import ocds
from procarchive.sensitive import mask_npwp, redact_award, redact_record

METADATA = Path(__file__).resolve().parent.parent / "metadata.yml"


class ExportError(ValueError):
    pass


def canned_queries() -> dict[str, str]:
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    queries = metadata["databases"]["archive"].get("queries", {})
    return {name: query["sql"] for name, query in queries.items()}


def export_csv(
    db: Database,
    what: str,
    out: IO[str],
    params: dict[str, str] | None = None,
    include_sensitive: bool = False,
) -> int:
    """Write a table or canned query as CSV (header first); returns the rows written."""
    if what in db.table_names() or what in db.view_names():
        sql = f"SELECT * FROM [{what}]"
        order = "rowid" if what in db.table_names() else None
        sql += f" ORDER BY {order}" if order else ""
    elif what in canned_queries():
        sql = canned_queries()[what]
    else:
        raise ExportError(f"no table, view or canned query named {what!r}")
    cursor = db.execute(sql, params or {})
    columns = [description[0] for description in cursor.description]
    writer = csv.writer(out)
    writer.writerow(columns)
    written = 0
    for row in _rows(cursor, columns, include_sensitive):
        writer.writerow(row)
        written += 1
    return written


def _rows(cursor: Any, columns: list[str], include_sensitive: bool) -> Iterator[list[Any]]:
    """The rows, with what procarchive.sensitive keeps out of anything published left out."""
    awards = "npwp" in columns
    records = "record" in columns
    notice_hash = "content_hash" in columns and "package_code" in columns
    document_text = "text" in columns and "sha256" in columns
    sensitive = not include_sensitive and (awards or records or notice_hash or document_text)
    while batch := cursor.fetchmany(1000):
        for values in batch:
            if not sensitive:
                yield list(values)
                continue
            row = dict(zip(columns, values, strict=True))
            if awards:
                row = redact_award(row)
            if records and isinstance(row["record"], str) and row["record"].startswith("{"):
                row["record"] = json.dumps(
                    redact_record(json.loads(row["record"])), ensure_ascii=False, sort_keys=True
                )
            if notice_hash:  # it would confirm a guessed name or tax number
                row["content_hash"] = None
            if document_text:
                row["text"] = mask_npwp(row["text"])
            yield [row[column] for column in columns]


PUBLISHER = "procarchive"
NOTICE_IDENTITY = "SELECT * FROM notices ORDER BY id"
NOTICE_VERSIONS = (
    "SELECT notice_id, version, seen_at, changes, record FROM notice_versions "
    "ORDER BY notice_id, version"
)


def export_ocds(
    db: Database,
    out: IO[str],
    package: str = "release",
    prefix: str | None = None,
    include_sensitive: bool = False,
    uri: str = "https://procarchive.invalid/ocds.json",
) -> int:
    """Write the notices as one OCDS release package (a release a notice version) or record
    package (a record a notice, with its compiled release). The package is written piece by
    piece: one notice's versions are in memory at a time. Returns the releases written."""
    prefix = prefix or ocds.DEFAULT_PREFIX
    published = datetime.now(UTC).isoformat(timespec="seconds")
    marker: Any = {"ocid": "__items__"}  # where the releases or records go
    shell = (
        ocds.release_package([marker], uri, published, PUBLISHER)
        if package == "release"
        else ocds.record_package([marker], uri, published, PUBLISHER)
    )
    head, tail = json.dumps(shell, ensure_ascii=False).split(json.dumps(marker))
    out.write(head)
    written = 0
    for index, (notice, versions) in enumerate(_notice_histories(db)):
        built = ocds.releases(versions, prefix, include_sensitive, notice=notice)
        items: list[dict[str, Any]] = (
            built if package == "release" else [ocds.compiled_record(built[0]["ocid"], built)]
        )
        for position, item in enumerate(items):
            out.write(",\n" if index or position else "\n")
            out.write(json.dumps(item, ensure_ascii=False))
        written += len(built)
    out.write(f"\n{tail}\n")
    return written


def _notice_histories(db: Database) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each notice with its versions, oldest first, read side by side in id order."""
    versions = db.query(NOTICE_VERSIONS)
    pending = next(versions, None)
    for notice in db.query(NOTICE_IDENTITY):
        history = []
        while pending is not None and pending["notice_id"] <= notice["id"]:
            if pending["notice_id"] == notice["id"]:
                history.append(
                    {
                        "version": pending["version"],
                        "seen_at": pending["seen_at"],
                        "changes": json.loads(pending["changes"] or "[]"),
                        "record": json.loads(pending["record"]),
                    }
                )
            pending = next(versions, None)
        if history:
            yield notice, history
