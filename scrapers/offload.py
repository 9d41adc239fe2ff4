"""Run CPU-heavy extraction in worker processes, off the crawl's thread.

The generic extractor (trafilatura) costs tens of milliseconds a page; in the reactor's
thread that caps a crawl at a few dozen pages a second. Worker processes are spawned
(not forked: the crawl process has threads) and shut down when the spider closes; a
crawl killed outright (SIGKILL, the OOM killer) takes them with it.

Documents go to a LimitedPool instead: a file can hold minutes of work or gigabytes, so a
task has a time limit, past which its worker is killed and replaced (pebble's ProcessPool:
a loop inside pypdf cannot be interrupted otherwise), and a worker's address space is
capped, so that a MemoryError ends the task instead of swelling the machine.
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import resource
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

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


def extraction_worker(parent: int) -> None:
    """An extraction worker dies with its crawl and leaves stopping to it: a SIGTERM or
    SIGINT sent to the whole process group (systemd stopping a Scrapyd node, Ctrl-C in a
    terminal) would otherwise break the pool under a crawl that is closing gracefully."""
    die_with(parent)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
                self.workers,
                mp_context=context,
                initializer=extraction_worker,
                initargs=(os.getpid(),),
            )
        return await asyncio.wrap_future(self._pool.submit(function, *args))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class TaskTimedOut(Exception):
    """A task ran past the pool's time limit; its worker was killed."""


class WorkerDied(Exception):
    """A worker ended without an answer: killed by a signal (the kernel's OOM killer) or a
    crash in native code."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(f"worker exited with {exitcode}")
        self.exitcode = exitcode


def limit_worker(parent: int, memory_bytes: int) -> None:
    """A limited worker's first act: die with the crawl, and cap its address space."""
    die_with(parent)
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


class LimitedPool:
    """Worker processes (always: even one worker is a process of its own) whose tasks end
    within `timeout` seconds and `memory_mb` of address space; 0 lifts either limit."""

    def __init__(self, workers: int, timeout: float, memory_mb: int) -> None:
        self.workers = max(1, workers)
        self.timeout = timeout or None
        self.memory_bytes = memory_mb * 1024 * 1024
        self._pool: ProcessPool | None = None

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """The function's result, or TaskTimedOut, MemoryError (raised in the worker) or
        WorkerDied; the pool goes on either way, a killed worker replaced."""
        if self._pool is not None and not self._pool.active:
            self.close()  # broken: pebble gives up on a pool whose idle worker died
        if self._pool is None:
            self._pool = ProcessPool(
                self.workers,
                initializer=limit_worker,
                initargs=(os.getpid(), self.memory_bytes),
                context=multiprocessing.get_context("spawn"),
            )
        future = self._pool.schedule(function, args, kwargs, timeout=self.timeout)
        try:
            return await asyncio.wrap_future(future)
        except TimeoutError as error:
            if error.__cause__ is None:  # pebble's; one the function raised has its traceback
                raise TaskTimedOut(f"over {self.timeout} s") from error
            raise
        except ProcessExpired as error:
            raise WorkerDied(error.exitcode) from error
        except BrokenProcessPool as error:  # the pool broke while the task waited
            raise WorkerDied(None) from error

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()  # a task still running is of a crawl that is over
            self._pool.join()
            self._pool = None
