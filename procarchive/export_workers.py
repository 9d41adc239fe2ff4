"""An export's batches formatted (masked, then written as CSV text) by worker processes while
the process that runs the one query reads on: masking is most of an export's time, and one
core does it at half the speed SQLite reads. The text is written in the order of the rows,
with a bounded number of batches in flight, so memory stays flat. A small export stays in
one process: starting workers costs more than it saves."""

from __future__ import annotations

import codecs
import io
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import IO, Any

from procarchive.export_filters import ExportError

Batch = Sequence[Sequence[Any]]
Format = Callable[[Batch], str]

IN_PROCESS_ROWS = 5000  # rows formatted in this process before any worker is started
IN_FLIGHT = 4  # batches a worker may have queued or in hand
MAX_WORKERS = 2

_format: Format | None = None  # the worker's, set by _start
_encoded = False  # whether the worker returns its text as UTF-8


def worker_count() -> int:
    """The workers to start: none on one core, or where processes cannot be forked (the
    format, a closure over the archive's Redactor, is inherited, not pickled)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(MAX_WORKERS, cores or 1) if (cores or 1) > 1 else 0


def write_formatted(
    batches: Iterable[Batch],
    format: Format,
    out: IO[str],
    written: Callable[[int], None] = lambda count: None,
    workers: int | None = None,
    in_process_rows: int = IN_PROCESS_ROWS,
) -> int:
    """Write `format(batch)` of each batch to `out`, in order; `written(rows so far)` after
    each. Past `in_process_rows`, the rest go to `workers` processes (worker_count()).
    Returns the rows written."""
    workers = worker_count() if workers is None else workers
    rows = 0
    batches = iter(batches)
    for batch in batches:
        out.write(format(batch))
        rows += len(batch)
        written(rows)
        if workers and rows >= in_process_rows:
            break
    else:
        return rows
    out.flush()  # a forked worker must not inherit text still to be written
    raw = _utf8_file(out)
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start,
        initargs=(format, raw is not None),
    )
    write: Callable[[Any], Any] = raw.write if raw else out.write
    try:
        pending: deque[tuple[int, Future[str | bytes]]] = deque()
        for batch in batches:
            pending.append((len(batch), pool.submit(_run, batch)))
            if len(pending) >= IN_FLIGHT * workers:
                rows = _write_next(pending, write, rows, written)
        while pending:
            rows = _write_next(pending, write, rows, written)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return rows


def _utf8_file(out: IO[str]) -> IO[bytes] | None:
    """The bytes under `out` if it is a UTF-8 text file: workers then send the text encoded
    (half the work of sending text, and none left for this process). Newlines are written
    as given on a POSIX system, the only one that forks."""
    if not isinstance(out, io.TextIOWrapper) or out.errors != "strict":
        return None
    return out.buffer if codecs.lookup(out.encoding).name == "utf-8" else None


def _write_next(
    pending: deque[tuple[int, Future[str | bytes]]],
    write: Callable[[Any], Any],
    rows: int,
    written: Callable[[int], None],
) -> int:
    count, future = pending.popleft()
    try:
        text = future.result()
    except BrokenProcessPool as exc:
        raise ExportError(
            "a worker process of the export stopped (killed, or out of memory?) after "
            f"{rows:,} rows: the export stopped before its end (a file given with -o is left as "
            "it was)"
        ) from exc
    write(text)
    written(rows + count)
    return rows + count


def _start(format: Format, encoded: bool) -> None:
    global _format, _encoded
    _format, _encoded = format, encoded


def _run(batch: Batch) -> str | bytes:
    assert _format is not None, "a worker formats only after _start"
    text = _format(batch)
    return text.encode("utf-8") if _encoded else text
