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

import json
import multiprocessing
import queue
import sqlite3
import sys
import threading
from array import array
from collections.abc import Callable, Iterable
from multiprocessing.connection import wait
from operator import itemgetter
from typing import IO, Any

from procarchive import export_workers
from procarchive.export_filters import ExportError
from procarchive.export_workers import Format, Turn, utf8_fd, worker_stopped


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
    `workers` forked processes; `written(rows so far)` now and then. Returns the rows
    written, or None (nothing written) if `unchanged()` says the archive changed before the
    workers began to read."""
    fd = utf8_fd(out)
    assert fd is not None and workers > 0
    out.flush()  # a forked worker must not inherit text still to be written
    shared = Shared(multiprocessing.get_context("fork"), fd)
    processes = [
        shared.context.Process(target=_work, args=(reader, format, shared), daemon=True)
        for _ in range(workers)
    ]
    try:
        for process in processes:
            process.start()
        for _ in processes:
            while not shared.began.acquire(timeout=0.05):
                _raise_if_one_stopped(shared, processes)
        shared.verdict.value = 1 if unchanged() else 0
        shared.decided.set()
        while running := [process for process in processes if process.exitcode is None]:
            wait([process.sentinel for process in running], timeout=0.25)
            written(shared.rows.value)
            _raise_if_one_stopped(shared, processes)
        _raise_if_one_stopped(shared, processes)  # one may have ended since the last look
        if shared.verdict.value and shared.turn.next.value != reader.tasks:
            raise ExportError(
                f"the export's workers wrote {shared.turn.next.value} of its {reader.tasks} "
                "parts and stopped: the export stopped before its end"
            )
    except BaseException:
        # No lock is taken here: a worker that was killed may have died holding one.
        shared.turn.next.value = -1
        for process in processes:
            if process.exitcode is None and process.pid is not None:
                process.terminate()
            process.join()
        raise
    return shared.rows.value if shared.verdict.value else None


def _raise_if_one_stopped(shared: Shared, processes: list[Any]) -> None:
    """The error of a worker that failed, or ExportError for one that was killed."""
    if all(process.exitcode in (None, 0) for process in processes):
        return
    if not shared.errors.empty():
        raise shared.errors.get()
    raise worker_stopped(shared.rows.value)


class Shared:
    """What the exporter and its workers share: the turn to write, the next task to take,
    the rows written, whether to read on, and the errors of workers that failed."""

    def __init__(self, context: Any, fd: int) -> None:
        self.context = context
        self.turn = Turn(context, fd)
        self.began, self.decided = context.Semaphore(0), context.Event()
        self.verdict = context.RawValue("b", -1)  # -1: not yet told, 1: read on, 0: do not
        # Raw values, read by the exporter without a lock; the workers take `counting`.
        self.next_task, self.rows = context.RawValue("q", 0), context.RawValue("q", 0)
        self.counting = context.Lock()
        self.errors = context.SimpleQueue()

    def take(self) -> int:
        with self.counting:
            number = int(self.next_task.value)
            self.next_task.value += 1
        return number

    def count(self, rows: int) -> None:
        with self.counting:
            self.rows.value += rows

    def stop(self) -> None:
        self.turn.stop()
        self.decided.set()

    def stopped(self) -> bool:
        return bool(self.turn.next.value == -1)


def _work(reader: RowidReader, format: Format, shared: Shared) -> None:
    """A worker: begin reading, wait to be told to read on, then take tasks till none are
    left. A writer thread writes each task's text in its turn, while the worker goes on to
    the next (two at most wait to be written): waiting for the turn idled each worker a
    tenth of the time."""
    try:
        reader.begin()
        shared.began.release()
        while not shared.decided.wait(1):
            if shared.turn.exporter_gone():
                return
        if shared.verdict.value != 1:
            return
        texts: queue.Queue[tuple[int, bytes, int] | None] = queue.Queue(maxsize=2)
        failed: list[BaseException] = []
        writer = threading.Thread(target=_write_in_turn, args=(shared, texts, failed))
        writer.start()
        try:
            while not shared.stopped() and (number := shared.take()) < reader.tasks:
                rows = reader.rows(number)
                texts.put((number, format(rows).encode("utf-8"), len(rows)))
        except BaseException:
            shared.stop()  # first: the writer may wait for a turn that will not come
            raise
        finally:
            texts.put(None)
            writer.join()
        if failed:
            raise failed[0]
    except BaseException as exc:
        shared.stop()
        try:
            shared.errors.put(exc)
        except Exception:  # an error that cannot be pickled: told as text
            shared.errors.put(ExportError(f"a worker of the export failed: {exc!r}"))
        sys.exit(1)


def _write_in_turn(
    shared: Shared, texts: queue.Queue[tuple[int, bytes, int] | None], failed: list[BaseException]
) -> None:
    while (item := texts.get()) is not None:
        number, text, rows = item
        try:
            if shared.turn.write_bytes(number, text):
                shared.count(rows)
        except BaseException as exc:  # the file cannot be written (a full disk)
            failed.append(exc)
            shared.turn.stop()
