"""`procarchive export`: a dataset, table, view or canned query (metadata.yml) as CSV, JSON,
JSON Lines or an Excel workbook (.xlsx), or the notices as OCDS release or record packages. Rows stream from SQLite to
the file a batch at a time: memory stays flat however large the archive."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlite_utils import Database

from archive.csv_text import csv_lines
from archive.search import fts_query, read_search, search_parameters
from archive.site import database_name
from procarchive.export_filters import (
    DATASETS,
    ExportError,
    Filters,
    Query,
    dataset_query,
    narrowing,
    refuse_filters,
    searches,
)
from procarchive.export_shares import RowidReader, shared_reader, write_shares
from procarchive.export_workers import Batch, worker_count, write_formatted
from procarchive.sensitive import Redactor, index_part_of, row_key

__all__ = [
    "ExportError", "Filters", "Progress", "binary_output", "canned_queries", "csv_lines",
    "export_csv", "export_json", "export_ocds", "export_xlsx", "format_progress", "output",
    "query_parameters", "select",
]  # fmt: skip

Redact = Callable[[Batch], list[list[Any]]]
METADATA = Path(__file__).resolve().parent.parent / "metadata.yml"
BATCH = 1000


def canned_queries() -> dict[str, str]:
    import yaml  # 16 ms of imports, for canned queries only

    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    queries = metadata["databases"][database_name(metadata)].get("queries", {})
    return {name: query["sql"] for name, query in queries.items()}


# What SQL text is not code: string literals, quoted names, comments.
_NOT_CODE = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\[[^\]]*\]|--[^\n]*|/\*.*?\*/", re.S)


def query_parameters(sql: str) -> list[str]:
    """The :names a query takes, in order of name."""
    return sorted(set(re.findall(r"(?<![\w:]):([A-Za-z_]\w*)", _NOT_CODE.sub(" ", sql))))


FTS_SYNTAX = (
    'Search syntax: words match in any order (jalan raya, e-katalog), "a phrase" in closed '
    "double quotes, AND, OR, NOT in capitals between two terms, a prefix with * (kerang*), "
    "(parentheses) to group: README.md, Searching"
)


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
    if what in DATASETS:  # metadata.yml's queries not read (0.5 s of YAML on a loaded machine)
        if params:
            raise ExportError(f"-p gives a canned query's parameters; {what} takes none")
        return dataset_query(what, filters)
    queries = canned_queries()
    if params and what not in queries:
        raise ExportError(f"-p gives a canned query's parameters; {what} takes none")
    refuse_filters(what, filters)
    if what in db.table_names():
        if index := index_part_of(db.conn, what):
            raise ExportError(
                f"{what} is part of the full-text index {index}, the words as the index "
                f"encodes them: export {index} or the table it indexes"
            )
        order = ", ".join(row_key(db.conn, what))
        return Query(f"SELECT * FROM [{what}] ORDER BY {order}", {}, relation=what)
    if what in db.view_names():
        return Query(f"SELECT * FROM [{what}]", {}, relation=what)
    if what in queries:
        return _canned(what, queries[what], params or {})
    raise ExportError(f"no table, view or canned query named {what!r}")


def _canned(name: str, sql: str, params: dict[str, str]) -> Query:
    takes = query_parameters(sql)
    if unknown := sorted(set(params) - set(takes)):
        taken = ", ".join(f"-p {p}" for p in takes) or "no -p"
        raise ExportError(f"{name} takes {taken}, not {', '.join(f'-p {p}' for p in unknown)}")
    if missing := [p for p in takes if p not in params]:
        raise ExportError(f"{name} needs {' '.join(f'-p {p}=VALUE' for p in missing)}")
    matched = search_parameters(_NOT_CODE.sub(" ", sql))
    return Query(sql, params, searches={p: f"-p {p}=" for p in matched})


def _execute(db: Database, query: Query) -> sqlite3.Cursor:
    """The rows of `query`. Its searches are read as the site reads them (`fts_query`), but
    one that had to be mended there (an unclosed quote, a dangling AND) is refused here."""
    for name, given in query.searches.items():
        value = str(query.params[name])
        if notes := read_search(value).notes:
            raise ExportError(
                f"{given}{value!r} is not a valid full-text query ({'; '.join(notes)}). {FTS_SYNTAX}"
            )
    db.conn.create_function("fts_query", 1, fts_query, deterministic=True)
    try:
        cursor: sqlite3.Cursor = db.execute(query.sql, query.params)
    except sqlite3.OperationalError as exc:
        if error := _search_error(exc, query):
            raise error from exc
        raise
    return cursor


def _search_error(exc: sqlite3.OperationalError, query: Query) -> ExportError | None:
    """What a full-text query given to `query` did wrong, if the error is about that."""
    message = str(exc)
    column = re.fullmatch(r"no such column: (\w+)", message)  # a column filter, `title: ...`
    for name, given in query.searches.items():
        value = str(query.params[name])
        if (
            message.startswith(("fts5: ", "unknown special query"))
            or message == "unterminated string"
            or (column and re.search(rf"\b{re.escape(column[1])}\s*:", value))
        ):
            return ExportError(
                f"{given}{value!r} is not a valid full-text query ({message}). {FTS_SYNTAX}"
            )
    return None


def _batches(
    cursor: sqlite3.Cursor, query: Query, include_sensitive: bool
) -> Iterator[Sequence[Sequence[Any]]]:
    """The rows of `cursor`, a batch at a time, redacted unless `include_sensitive`."""
    columns = [description[0] for description in cursor.description]
    redact = None if include_sensitive else _redaction(cursor.connection, columns, query)
    for batch in _fetched(cursor, query):
        yield batch if redact is None else redact(batch)


def _redaction(
    conn: sqlite3.Connection, columns: list[str], query: Query
) -> Callable[[Sequence[Any]], list[Any]] | None:
    """What redacts a row of `columns` of `query` (None: nothing to redact)."""
    origins = [
        query.origins.get(column) or (query.relation, column) for column in columns
    ]  # a canned query's columns: (None, column), origin unknown
    return Redactor(conn).rows(origins, columns)


def _fetched(cursor: sqlite3.Cursor, query: Query) -> Iterator[Sequence[Sequence[Any]]]:
    while True:
        try:
            batch = cursor.fetchmany(BATCH)
        except sqlite3.OperationalError as exc:
            if error := _search_error(exc, query):
                raise error from exc
            raise
        if not batch:
            return
        yield batch


def export_csv(
    db: Database,
    what: str,
    out: IO[str],
    params: dict[str, str] | None = None,
    include_sensitive: bool = False,
    filters: Filters | None = None,
    bom: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
) -> int:
    """Write `what` as CSV (header first, a UTF-8 BOM before it if asked); returns the rows
    written. A large export is masked and formatted by `workers` processes (by default
    export_workers.worker_count(), 0: none)."""
    query = select(db, what, params, filters)
    workers = worker_count() if workers is None else workers
    shared = _shared_reader(db, query, out, workers)
    if shared:  # the columns of a read of no rows
        reader, unchanged = shared
        cursor = db.execute(reader.rows_sql, {"chosen": "[]"})
        columns = [description[0] for description in cursor.description][1:]
    else:
        cursor = _execute(db, query)
        columns = [description[0] for description in cursor.description]
    out.write(("\ufeff" if bom else "") + csv_lines([columns]))
    redact = None if include_sensitive else _redaction(db.conn, columns, query)
    format = csv_lines if redact is None else functools.partial(_redacted_csv, redact)
    written = progress.update if progress else lambda count: None
    if shared:
        rows = write_shares(reader, format, out, unchanged, written, workers)
        if rows is not None:
            return rows
        cursor = _execute(db, query)  # the archive changed meanwhile: read the usual way
    return write_formatted(_fetched(cursor, query), format, out, written, workers)


def _shared_reader(
    db: Database, query: Query, out: IO[str], workers: int
) -> tuple[RowidReader, Callable[[], bool]] | None:
    """The reader of a large export's rows by rowid, if it can be read so."""
    if query.by_rowid is None:
        return None
    rowids = Query(query.by_rowid.rowids, query.params, searches=query.searches)

    def read_rowids() -> Iterator[int]:
        for batch in _fetched(_execute(db, rowids), rowids):
            yield from (rowid for (rowid,) in batch)

    return shared_reader(db.conn, read_rowids, query.by_rowid.rows, out, workers)


def _redacted_csv(redact: Redact, batch: Batch) -> str:
    return csv_lines(redact(batch))


XLSX_ROWS = 1_048_575  # a sheet's rows, the header aside
XLSX_CELL = 32_767  # the characters a cell holds
# The characters an .xlsx cell cannot hold (XML 1.0 forbids them): left out.
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def export_xlsx(
    db: Database,
    what: str,
    out: IO[bytes],
    params: dict[str, str] | None = None,
    include_sensitive: bool = False,
    filters: Filters | None = None,
    progress: Progress | None = None,
) -> int:
    """Write `what` as an Excel workbook (openpyxl, streamed): one sheet, the CSV's header,
    rows and redaction; numbers stay numbers, texts are text whatever the reader's locale
    (a CSV opened without choosing UTF-8 garbles accents), a text longer than a cell holds
    is cut with "…". A result longer than a sheet is an error: export it as CSV."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    query = select(db, what, params, filters)
    cursor = _execute(db, query)
    columns = [description[0] for description in cursor.description]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "_", what)[:31] or "export")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    written = 0
    for batch in _batches(cursor, query, include_sensitive):
        if written + len(batch) > XLSX_ROWS:
            raise ExportError(
                f"{what} has more than {XLSX_ROWS:,} rows, more than a sheet holds: export it "
                "as CSV, or narrow it with the filters"
            )
        for values in batch:
            sheet.append([_xlsx_value(value) for value in values])
        written += len(batch)
        if progress:
            progress.update(written)
    workbook.save(out)
    return written


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.hex()
    if not isinstance(value, str):
        return value
    value = XLSX_ILLEGAL.sub("", value)
    return value if len(value) <= XLSX_CELL else value[: XLSX_CELL - 1] + "…"


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
    for batch in _batches(cursor, query, include_sensitive):
        for values in batch:
            row = dict(zip(columns, values, strict=True))
            for index in decode:
                row[columns[index]] = _json_value(values[index])
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


def _json_value(text: str | None) -> Any:
    """A JSON column's value; text that is not JSON (not written by procarchive) as text."""
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


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
    from procarchive import ocds  # its schema and merge rules: imported for OCDS only

    prefix = prefix or ocds.DEFAULT_PREFIX
    where, params = narrowing("notices", filters)
    notices = _execute(
        db,
        Query(f"SELECT n.* FROM notices n{where} ORDER BY n.id", params, searches=searches(params)),
    )
    redactor = None if include_sensitive else Redactor(db.conn)
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
    for index, (notice, versions) in enumerate(_notice_histories(db, notices, redactor)):
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
    db: Database, notices: sqlite3.Cursor, redactor: Redactor | None = None
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each notice (of `notices`, in id order) with its versions, oldest first, read side by
    side with all versions in notice order; redacted by `redactor` if given."""
    columns = [description[0] for description in notices.description]
    redact = redactor.row([("notices", c) for c in columns], columns) if redactor else None
    versions = db.query(NOTICE_VERSIONS)
    pending = next(versions, None)
    for values in notices:
        notice = dict(zip(columns, redact(values) if redact else values, strict=True))
        history = []
        while pending is not None and pending["notice_id"] <= notice["id"]:
            if pending["notice_id"] == notice["id"]:
                changes, record = (
                    json.loads(pending["changes"] or "[]"),
                    json.loads(pending["record"]),
                )
                if redactor:
                    changes, record = redactor.masked(changes), redactor.ocds_record(record)
                history.append(
                    {
                        "version": pending["version"],
                        "seen_at": pending["seen_at"],
                        "changes": changes,
                        "record": record,
                    }
                )
            pending = next(versions, None)
        if history:
            yield notice, history


@contextlib.contextmanager
def binary_output(path: Path) -> Iterator[IO[bytes]]:
    """The file at `path` (binary), written whole or not at all, as `output` writes."""
    if not path.parent.is_dir():
        raise FileNotFoundError(f"no directory {path.parent} to write {path.name} in")
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(partial, "wb") as out:
            yield out
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


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
