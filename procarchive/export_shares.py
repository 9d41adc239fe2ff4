"""A large export whose workers read their own rows. The exporting process reads only the
rowids of the rows, in order (export_filters.ByRowid); each forked worker opens the archive
itself, reads a task's rows by rowid, formats (masks) them and writes them to the file in
its turn. No row crosses a pipe: pickling 350 MB of articles to the workers and back into
objects there cost them as much as reading the rows.

The rows must be one snapshot's, as one query would read them. Each worker begins a read
transaction before it reads a row, and once all have, `PRAGMA data_version` on the
exporter's connection tells whether another connection committed since the rowids were
read. If one did (a crawl writing), the workers write nothing and the caller reads the
export the usual way (export_workers.write_formatted).
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import sqlite3
from array import array
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from operator import itemgetter
from typing import IO, Any

from procarchive import export_workers
from procarchive.export_filters import ExportError
from procarchive.export_workers import IN_FLIGHT, Format, Turn, utf8_fd


class RowidReader:
    """The rows of `rowids` (in that order), a task's share at a time, read by `rows_sql`
    (export_filters.ByRowid.rows) on a connection of its own to the archive at `path`."""

    def __init__(self, path: str, rows_sql: str, rowids: array[int], task_rows: int) -> None:
        self.path, self.rows_sql, self.rowids, self.task_rows = path, rows_sql, rowids, task_rows
        self.conn: sqlite3.Connection | None = None

    @property
    def tasks(self) -> int:
        return -(-len(self.rowids) // self.task_rows)

    def begin(self) -> None:
        """Open the archive and begin the read transaction that every task then reads in."""
        self.conn = sqlite3.connect(self.path, timeout=30)
        self.conn.execute("BEGIN")
        self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot taken

    def rows(self, number: int) -> list[tuple[Any, ...]]:
        assert self.conn is not None, "a reader reads only after begin()"
        start = number * self.task_rows
        chosen = self.rowids[start : start + self.task_rows].tolist()
        found = self.conn.execute(self.rows_sql, {"chosen": json.dumps(chosen)}).fetchall()
        found.sort(key=itemgetter(0))  # by place in the list (stable, for a row's joins)
        return [row[1:] for row in found]


def shared_reader(
    conn: sqlite3.Connection, read_rowids: Callable[[], Iterable[int]], rows_sql: str,
    out: IO[str], workers: int,
) -> tuple[RowidReader, Callable[[], bool]] | None:  # fmt: skip
    """A reader of the export's rows (`read_rowids()` on `conn`, then `rows_sql`), and what
    tells that the archive is still as it was when they were chosen. None when the export is
    read the usual way: no workers, not a UTF-8 file to write (workers write it), an archive
    in memory, or a small export."""
    path = next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    if not workers or utf8_fd(out) is None or not path:
        return None
    before = data_version(conn)
    rowids = array("q", read_rowids())
    if len(rowids) <= export_workers.IN_PROCESS_ROWS:
        return None
    reader = RowidReader(path, rows_sql, rowids, export_workers.TASK_ROWS)
    return reader, lambda: data_version(conn) == before


def data_version(conn: sqlite3.Connection) -> int:
    """Changes whenever another connection has committed to the archive since the last look."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def write_shares(
    reader: RowidReader,
    format: Format,
    out: IO[str],
    unchanged: Callable[[], bool],
    written: Callable[[int], None],
    workers: int,
) -> int | None:
    """Write `format(rows)` of each task's rows to `out` (a UTF-8 file), in order, by
    `workers` forked processes; `written(rows so far)` as tasks end. Returns the rows
    written, or None (nothing written) if `unchanged()` says the archive changed before the
    workers began to read."""
    fd = utf8_fd(out)
    assert fd is not None and workers > 0
    out.flush()  # a forked worker must not inherit text still to be written
    context = multiprocessing.get_context("fork")
    turn, began, decided = Turn(context, fd), context.Semaphore(0), context.Event()
    verdict = context.RawValue("b", -1)  # -1: not yet told, 1: read on, 0: write nothing
    pool = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_begin,
        initargs=(reader, format, turn, began, decided, verdict),
    )
    numbers = iter(range(reader.tasks))
    rows = 0
    try:
        pending = deque(
            pool.submit(_share, n) for n in itertools.islice(numbers, IN_FLIGHT * workers)
        )
        for _ in range(workers):
            while not began.acquire(timeout=0.05):
                if pending[0].done():  # a worker failed to begin: its error, or a broken pool
                    pending[0].result()
        verdict.value = 1 if unchanged() else 0
        decided.set()
        if not verdict.value:
            pool.shutdown(wait=True, cancel_futures=True)
            return None
        while pending:
            rows += pending.popleft().result()
            written(rows)
            pending.extend(pool.submit(_share, n) for n in itertools.islice(numbers, 1))
    except BrokenProcessPool as exc:
        pool.shutdown(wait=True, cancel_futures=True)
        raise ExportError(
            "a worker process of the export stopped (killed, or out of memory?) after "
            f"{rows:,} rows: the export stopped before its end (a file given with -o is left "
            "as it was)"
        ) from exc
    except BaseException:
        turn.stop()  # a worker waiting for the failed task's turn would wait forever
        decided.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return rows


_reader: RowidReader | None = None  # the worker's, set by _begin
_format: Format | None = None
_turn: Turn | None = None
_decided: Any = None
_verdict: Any = None


def _begin(
    reader: RowidReader, format: Format, turn: Turn, began: Any, decided: Any, verdict: Any
) -> None:
    global _reader, _format, _turn, _decided, _verdict
    _reader, _format, _turn, _decided, _verdict = reader, format, turn, decided, verdict
    reader.begin()
    began.release()


def _share(number: int) -> int:
    assert _reader is not None and _format is not None and _turn is not None
    if _verdict.value == -1:
        _decided.wait()
    if _verdict.value != 1:
        return 0
    rows = _reader.rows(number)
    _turn.write(number, _format(rows))
    return len(rows)
