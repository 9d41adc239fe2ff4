"""`procarchive export`: a dataset, table, view or canned query (metadata.yml) as CSV, JSON or
JSON Lines, or the notices as OCDS release or record packages. Rows stream from SQLite to
the file a batch at a time: memory stays flat however large the archive."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import yaml
from sqlite_utils import Database

from datasette_plugins.fast_csv import csv_lines
from procarchive import ocds
from procarchive.export_filters import (
    DATASETS,
    ExportError,
    Filters,
    Query,
    dataset_query,
    narrowing,
    refuse_filters,
)
from procarchive.sensitive import person_names, redact_award, redact_record, text_masker

__all__ = [
    "ExportError", "Filters", "Progress", "canned_queries", "csv_lines", "export_csv",
    "export_json", "export_ocds", "format_progress", "output", "select",
]  # fmt: skip

METADATA = Path(__file__).resolve().parent.parent / "metadata.yml"
BATCH = 1000


def canned_queries() -> dict[str, str]:
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    queries = metadata["databases"]["archive"].get("queries", {})
    return {name: query["sql"] for name, query in queries.items()}


def format_progress(count: int, seconds: float, unit: str = "rows") -> str:
    return f"{count:,} {unit} written ({count / max(seconds, 1e-3):,.0f} {unit}/s)"


class Progress:
    """A live "N rows written (R rows/s)" line on a terminal, redrawn at most every `interval`
    seconds and cleared at the end. Nothing at all when the stream is not a terminal (cron)."""

    def __init__(
        self,
        stream: IO[str],
        live: bool | None = None,
        interval: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.interval = interval
        self.clock = clock
        self.started = self.shown_at = clock()
        self.unit = "rows"
        self.shown = False

    def update(self, count: int) -> None:
        if not self.live or self.clock() - self.shown_at < self.interval:
            return
        self.shown_at = self.clock()
        line = format_progress(count, self.shown_at - self.started, self.unit)
        self.stream.write(f"\r{line}\x1b[K")  # erase what a longer line left
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")  # back to the line's start, erase it
            self.stream.flush()
            self.shown = False


def select(
    db: Database, what: str, params: dict[str, str] | None, filters: Filters | None
) -> Query:
    """The query that exports `what`: a dataset (fixed columns, filters), else a table or view
    (all its columns) or a canned query (with `params`)."""
    queries = canned_queries()
    if params and (what in DATASETS or what not in queries):
        raise ExportError(f"-p gives a canned query's parameters; {what} takes none")
    if what in DATASETS:
        return dataset_query(what, filters)
    refuse_filters(what, filters)
    if what in db.table_names():
        return Query(f"SELECT * FROM [{what}] ORDER BY rowid", {})
    if what in db.view_names():
        return Query(f"SELECT * FROM [{what}]", {})
    if what in queries:
        return Query(queries[what], params or {})
    raise ExportError(f"no table, view or canned query named {what!r}")


def _execute(db: Database, query: Query) -> sqlite3.Cursor:
    try:
        cursor: sqlite3.Cursor = db.execute(query.sql, query.params)
    except sqlite3.OperationalError as exc:
        if "search" in query.params and ("fts5" in str(exc) or "MATCH" in str(exc)):
            raise ExportError(f"--search {query.params['search']!r}: {exc}") from exc
        raise
    return cursor


def _batches(
    cursor: sqlite3.Cursor, columns: list[str], include_sensitive: bool
) -> Iterator[Sequence[Sequence[Any]]]:
    redact = None if include_sensitive else redactor(columns, cursor.connection)
    while batch := cursor.fetchmany(BATCH):
        yield batch if redact is None else [redact(values) for values in batch]


def redactor(
    columns: list[str], conn: sqlite3.Connection
) -> Callable[[Sequence[Any]], list[Any]] | None:
    """What leaves out the values procarchive.sensitive keeps out of anything published, for
    rows with these columns (of the archive `conn`); None when they carry none (the rows are
    written as read)."""
    at = {column: index for index, column in enumerate(columns)}
    steps: list[Callable[[list[Any]], None]] = []
    if "npwp" in at:

        def award(row: list[Any]) -> None:
            row[:] = redact_award(dict(zip(columns, row, strict=True))).values()

        steps.append(award)
    if "record" in at:

        def record(row: list[Any]) -> None:
            value = row[at["record"]]
            if isinstance(value, str) and value.startswith("{"):
                redacted = redact_record(json.loads(value))
                row[at["record"]] = json.dumps(redacted, ensure_ascii=False, sort_keys=True)

        steps.append(record)
    if "content_hash" in at and "package_code" in at:  # it would confirm a guessed name or NPWP

        def content_hash(row: list[Any]) -> None:
            row[at["content_hash"]] = None

        steps.append(content_hash)
    if "text" in at and "sha256" in at:
        mask = text_masker(person_names(conn))

        def document_text(row: list[Any]) -> None:
            row[at["text"]] = mask(row[at["text"]])
            if "title" in at:
                row[at["title"]] = mask(row[at["title"]])

        steps.append(document_text)
    if not steps:
        return None

    def redact(values: Sequence[Any]) -> list[Any]:
        row = list(values)
        for step in steps:
            step(row)
        return row

    return redact


def export_csv(
    db: Database,
    what: str,
    out: IO[str],
    params: dict[str, str] | None = None,
    include_sensitive: bool = False,
    filters: Filters | None = None,
    bom: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write `what` as CSV (header first, a UTF-8 BOM before it if asked); returns the rows
    written."""
    cursor = _execute(db, select(db, what, params, filters))
    columns = [description[0] for description in cursor.description]
    out.write(("\ufeff" if bom else "") + csv_lines([columns]))
    written = 0
    for batch in _batches(cursor, columns, include_sensitive):
        out.write(csv_lines(batch))
        written += len(batch)
        if progress:
            progress.update(written)
    return written


def export_json(
    db: Database,
    what: str,
    out: IO[str],
    params: dict[str, str] | None = None,
    include_sensitive: bool = False,
    filters: Filters | None = None,
    lines: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write `what` as one JSON array of objects, or (`lines`) as JSON Lines: the rows and
    columns of the CSV export, with the datasets' JSON columns as arrays, not text."""
    query = select(db, what, params, filters)
    cursor = _execute(db, query)
    columns = [description[0] for description in cursor.description]
    decode = [index for index, column in enumerate(columns) if column in query.json_columns]
    written = 0
    out.write("" if lines else "[")
    for batch in _batches(cursor, columns, include_sensitive):
        for values in batch:
            row = dict(zip(columns, values, strict=True))
            for index in decode:
                row[columns[index]] = json.loads(values[index]) if values[index] else None
            if not lines:
                out.write(",\n" if written else "\n")
            out.write(json.dumps(row, ensure_ascii=False))
            if lines:
                out.write("\n")
            written += 1
        if progress:
            progress.update(written)
    out.write("" if lines else "\n]\n" if written else "]\n")
    return written


PUBLISHER = "procarchive"
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
    filters: Filters | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the notices (those the filters select) as one OCDS release package (a release a
    notice version) or record package (a record a notice, with its compiled release). The
    package is written piece by piece: one notice's versions are in memory at a time.
    Returns the releases written."""
    prefix = prefix or ocds.DEFAULT_PREFIX
    where, params = narrowing("notices", filters)
    notices = _execute(db, Query(f"SELECT n.* FROM notices n{where} ORDER BY n.id", params))
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
    if progress:
        progress.unit = "releases"
    for index, (notice, versions) in enumerate(_notice_histories(db, notices)):
        built = ocds.releases(versions, prefix, include_sensitive, notice=notice)
        items: list[dict[str, Any]] = (
            built if package == "release" else [ocds.compiled_record(built[0]["ocid"], built)]
        )
        for position, item in enumerate(items):
            out.write(",\n" if index or position else "\n")
            out.write(json.dumps(item, ensure_ascii=False))
        written += len(built)
        if progress:
            progress.update(written)
    out.write(f"\n{tail}\n")
    return written


def _notice_histories(
    db: Database, notices: sqlite3.Cursor
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each notice (of `notices`, in id order) with its versions, oldest first, read side by
    side with all versions in notice order."""
    columns = [description[0] for description in notices.description]
    versions = db.query(NOTICE_VERSIONS)
    pending = next(versions, None)
    for values in notices:
        notice = dict(zip(columns, values, strict=True))
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


@contextlib.contextmanager
def output(path: Path | None) -> Iterator[IO[str]]:
    """Stdout, or the file at `path` written whole or not at all: rows go to a temporary file
    beside it that replaces it only when the export succeeds (a failed or interrupted export
    leaves any earlier file as it was). Devices and pipes (/dev/stdout) are written directly."""
    if path is None:
        yield sys.stdout
        return
    if path.exists() and not path.is_file():
        with open(path, "w", encoding="utf-8", newline="") as out:
            yield out
        return
    if not path.parent.is_dir():
        raise FileNotFoundError(f"no directory {path.parent} to write {path.name} in")
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")  # open() applies the umask
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
