"""Extraction workers never outlive the crawl that started them, even one killed with -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT

BUSY_CRAWL = """
import asyncio
from scrapers.offload import WorkerPool
from tests.test_worker_pool import spin

async def main() -> None:
    pool = WorkerPool(2)
    tasks = [asyncio.ensure_future(pool.run(spin, n)) for n in range(2)]
    await asyncio.sleep(3)
    print(" ".join(str(p) for p in pool._pool._processes), flush=True)
    await asyncio.gather(*tasks)

asyncio.run(main())
"""


def spin(_: int) -> int:
    """A document that keeps a worker busy for good."""
    while True:
        pass


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"  # a zombie is dead
    except FileNotFoundError:
        return False


def test_workers_die_with_a_crawl_killed_by_sigkill() -> None:
    crawl = subprocess.Popen(
        [sys.executable, "-c", BUSY_CRAWL],
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
