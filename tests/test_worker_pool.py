"""Extraction workers never outlive the crawl that started them, even one killed with -9;
a limited pool's task that runs too long, takes too much memory or kills its worker ends
with a reason, and the pool goes on."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from scrapers.offload import LimitedPool, TaskTimedOut, WorkerDied, WorkerPool
from tests.conftest import ROOT

BUSY_CRAWL = """
import asyncio
from scrapers.offload import LimitedPool, WorkerPool
from tests.test_worker_pool import spin

async def main() -> None:
    pool = {pool}
    tasks = [asyncio.ensure_future(pool.run(spin, n)) for n in range(2)]
    await asyncio.sleep(3)
    print(" ".join(str(p) for p in {workers}), flush=True)
    await asyncio.gather(*tasks)

asyncio.run(main())
"""
POOLS = {
    "extraction": ("WorkerPool(2)", "pool._pool._processes"),
    "documents": (
        "LimitedPool(2, timeout=0, memory_mb=512)",
        "pool._pool._pool_manager.worker_manager.workers",
    ),
}


def spin(_: int) -> int:
    """A document that keeps a worker busy for good."""
    while True:
        pass


def hog(megabytes: int) -> int:
    """A document that takes `megabytes` of memory at once."""
    return len(bytearray(megabytes * 1024 * 1024))


def die(_: int) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


def worker_pid() -> int:
    return os.getpid()


def outcomes(pool: LimitedPool, *tasks: tuple[Any, ...]) -> list[object]:
    """What each task, run one after the other, returned or raised."""

    async def run_all() -> list[object]:
        results: list[object] = []
        for function, *args in tasks:
            try:
                results.append(await pool.run(function, *args))
            except Exception as error:
                results.append(type(error))
        return results

    try:
        return asyncio.run(run_all())
    finally:
        pool.close()


def test_a_task_past_the_time_limit_has_its_worker_replaced() -> None:
    first, timed_out, after = outcomes(
        LimitedPool(1, timeout=1, memory_mb=0), (worker_pid,), (spin, 0), (worker_pid,)
    )
    assert timed_out is TaskTimedOut
    assert isinstance(first, int) and isinstance(after, int) and first != after
    assert first != os.getpid()  # one worker is still a process of its own


def test_a_task_over_the_memory_limit_raises_memory_error_and_the_pool_goes_on() -> None:
    pool = LimitedPool(1, timeout=30, memory_mb=400)
    assert outcomes(pool, (hog, 1000), (hog, 100)) == [MemoryError, 100 * 1024 * 1024]


def test_a_worker_killed_outright_is_a_reason_not_a_broken_pool() -> None:
    pool = LimitedPool(2, timeout=30, memory_mb=0)
    assert outcomes(pool, (die, 0), (hog, 1), (die, 0), (hog, 1)) == [
        WorkerDied, 1024 * 1024, WorkerDied, 1024 * 1024,
    ]  # fmt: skip


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"  # a zombie is dead
    except FileNotFoundError:
        return False


def test_a_pool_whose_idle_worker_was_killed_starts_anew() -> None:
    """pebble gives up a pool whose worker dies between tasks (the OOM killer's choice)."""
    pool = LimitedPool(1, timeout=30, memory_mb=0)

    async def kill_the_idle_worker() -> list[object]:
        first = await pool.run(worker_pid)
        os.kill(first, signal.SIGKILL)
        await asyncio.sleep(1)
        return [first, await pool.run(worker_pid)]

    try:
        first, after = asyncio.run(kill_the_idle_worker())
    finally:
        pool.close()
    assert isinstance(after, int) and after != first


@pytest.mark.parametrize("kind", sorted(POOLS))
def test_workers_die_with_a_crawl_killed_by_sigkill(kind: str) -> None:
    pool, workers_of = POOLS[kind]
    crawl = subprocess.Popen(
        [sys.executable, "-c", BUSY_CRAWL.format(pool=pool, workers=workers_of)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert crawl.stdout is not None
    workers = [int(pid) for pid in crawl.stdout.readline().split()]
    try:
        assert len(workers) == 2 and all(alive(pid) for pid in workers)
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(10)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in workers)
    finally:
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_extraction_workers_leave_a_group_signal_to_their_crawl() -> None:
    """SIGTERM to the crawl's process group (a Scrapyd node stopped by systemd): the crawl
    closes gracefully and its workers still read the pages in flight."""
    pool = WorkerPool(2)

    async def signal_the_workers() -> list[int]:
        await pool.run(os.getpid)
        assert pool._pool is not None
        for pid in list(pool._pool._processes):
            os.kill(pid, signal.SIGTERM)
            os.kill(pid, signal.SIGINT)
        await asyncio.sleep(0.5)
        return [await pool.run(os.getpid) for _ in range(4)]

    try:
        answered = asyncio.run(signal_the_workers())
    finally:
        pool.close()
    assert len(answered) == 4 and os.getpid() not in answered
