"""An export's batches formatted (masked, then written as CSV text) by worker processes while
the process that runs the one query reads on: masking is most of an export's time, and one
core does it at half the speed SQLite reads. The text is written in the order of the rows,
with a bounded number of batches in flight, so memory stays flat. A small export stays in
one process: starting workers costs more than it saves."""

from __future__ import annotations

import codecs
import io
import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import IO, Any

from procarchive import cores
from procarchive.export_filters import ExportError

Batch = Sequence[Sequence[Any]]
Format = Callable[[Batch], str]

IN_PROCESS_ROWS = 5000  # an export of as many rows or fewer starts no worker
TASK_ROWS = 250  # rows a worker formats at a time (about 1 MB of articles)
IN_FLIGHT = 8  # tasks a worker may have queued or in hand
MAX_WORKERS = 2


def worker_count() -> int:
    """The workers to start: none on one core, or where processes cannot be forked (the
    format, a closure over the archive's Redactor, is inherited, not pickled)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(MAX_WORKERS, cores()) if cores() > 1 else 0


def write_formatted(
    batches: Iterable[Batch],
    format: Format,
    out: IO[str],
    written: Callable[[int], None] = lambda count: None,
    workers: int | None = None,
    in_process_rows: int | None = None,
) -> int:
    """Write `format(batch)` of each batch to `out`, in order; `written(rows so far)` after
    each. An export of more than `in_process_rows` (IN_PROCESS_ROWS) is formatted by
    `workers` processes (worker_count()). Returns the rows written."""
    workers = worker_count() if workers is None else workers
    in_process_rows = IN_PROCESS_ROWS if in_process_rows is None else in_process_rows
    batches = iter(batches)
    ahead: list[Batch] = []  # read before the workers are started, if they are
    if workers:
        for batch in batches:
            ahead.append(batch)
            if sum(map(len, ahead)) > in_process_rows:
                break
        else:
            workers = 0  # all read: a small export
    rows = 0
    if not workers:
        for batch in itertools.chain(ahead, batches):
            out.write(format(batch))
            rows += len(batch)
            written(rows)
        return rows
    out.flush()  # a forked worker must not inherit text still to be written
    context = multiprocessing.get_context("fork")
    turn = Turn(context, utf8_fd(out))
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start, initargs=(format, turn)
    )
    try:
        pending: deque[tuple[int, Future[str | None]]] = deque()
        for number, task in enumerate(_tasks(itertools.chain(ahead, batches))):
            pending.append((len(task), pool.submit(_run, number, task)))
            if len(pending) >= IN_FLIGHT * workers:
                rows = _write_next(pending, out, rows, written)
        while pending:
            rows = _write_next(pending, out, rows, written)
    except BrokenProcessPool as exc:
        pool.shutdown(wait=True, cancel_futures=True)
        raise worker_stopped(rows) from exc
    except BaseException:
        turn.stop()  # a worker waiting for the failed batch's turn would wait forever
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return rows


def worker_stopped(rows: int) -> ExportError:
    """The error of an export whose worker process ended without a word."""
    return ExportError(
        f"a worker process of the export stopped (killed, or out of memory?) after {rows:,} "
        "rows: the export stopped before its end (a file given with -o is left as it was)"
    )


def _tasks(batches: Iterable[Batch]) -> Iterator[Batch]:
    """The batches cut into a worker's tasks: a smaller one crosses the pipe to a worker
    while it is busy with the one before, a larger one must wait till it reads."""
    for batch in batches:
        for start in range(0, len(batch), TASK_ROWS):
            yield batch[start : start + TASK_ROWS]


class Turn:
    """Which batch is the next to be written, when workers write it to the file themselves:
    the file's offset is shared with this process (fork), so each writes in its turn and
    the text never comes back through a pipe. With no file (`fd` None), workers return it."""

    def __init__(self, context: Any, fd: int | None) -> None:
        self.fd = fd
        self.changed = context.Condition()
        self.next = context.RawValue("q", 0)  # -1: the export stopped
        self.exporter = os.getpid()

    def write(self, number: int, text: str) -> None:
        self.write_bytes(number, text.encode("utf-8"))

    def write_bytes(self, number: int, text: bytes) -> bool:
        """Write batch `number`'s text when its turn comes; False if the export stopped
        first (an earlier batch failed), and it is not written."""
        assert self.fd is not None
        data = memoryview(text)
        with self.changed:
            while not self.changed.wait_for(lambda: self.next.value in (number, -1), 1):
                if self.exporter_gone():
                    return False
            if self.next.value == -1:
                return False
            while data:
                data = data[os.write(self.fd, data) :]
            self.next.value = number + 1
            self.changed.notify_all()
        return True

    def exporter_gone(self) -> bool:
        """Whether the process that started the workers has ended (killed): a worker then
        writes nothing and ends, rather than wait for a turn for ever."""
        return os.getppid() != self.exporter

    def stop(self) -> None:
        """No batch is written any more: the workers waiting for their turn go on."""
        with self.changed:
            self.next.value = -1
            self.changed.notify_all()


def utf8_fd(out: IO[str]) -> int | None:
    """The file descriptor under `out` if it is a UTF-8 text file (newlines are written as
    given on a POSIX system, the only one that forks)."""
    if not isinstance(out, io.TextIOWrapper) or out.errors != "strict":
        return None
    if codecs.lookup(out.encoding).name != "utf-8":
        return None
    try:
        return out.fileno()
    except (OSError, ValueError):  # a wrapper of an in-memory buffer (io.UnsupportedOperation)
        return None


def _write_next(
    pending: deque[tuple[int, Future[str | None]]],
    out: IO[str],
    rows: int,
    written: Callable[[int], None],
) -> int:
    count, future = pending.popleft()
    text = future.result()
    if text is not None:
        out.write(text)
    written(rows + count)
    return rows + count


_format: Format | None = None  # the worker's, set by _start
_turn: Turn | None = None


def _start(format: Format, turn: Turn) -> None:
    global _format, _turn
    _format, _turn = format, turn


def _run(number: int, batch: Batch) -> str | None:
    assert _format is not None and _turn is not None, "a worker formats only after _start"
    text = _format(batch)
    if _turn.fd is None:
        return text
    _turn.write(number, text)
    return None
