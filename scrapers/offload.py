"""Run CPU-heavy extraction in worker processes, off the crawl's thread.

The generic extractor (trafilatura) costs tens of milliseconds a page; in the reactor's
thread that caps a crawl at a few dozen pages a second. Worker processes are spawned
(not forked: the crawl process has threads) and shut down when the spider closes; a
crawl killed outright (SIGKILL, the OOM killer) takes them with it.
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with(parent: int) -> None:
    """A worker's first act: ask the kernel for SIGKILL when its parent dies, which no exit
    handler of the parent could do after a SIGKILL. (Linux; elsewhere workers end when
    their queue breaks, at their next task.)"""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


class WorkerPool:
    def __init__(self, workers: int = 0) -> None:
        self.workers = workers or max(1, (os.cpu_count() or 2))
        self._pool: ProcessPoolExecutor | None = None

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        if self.workers == 1:
            return function(*args)
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=die_with, initargs=(os.getpid(),)
            )
        return await asyncio.wrap_future(self._pool.submit(function, *args))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
