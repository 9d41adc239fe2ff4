"""Killed crawls leave a consistent archive; resumed crawls end as uninterrupted ones do."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.connection import open_archive
from samples.server import SampleServer
from samples.sites import build_sites
from tests.conftest import ROOT, write_registry
from tests.test_end_to_end import procarchive

SLOW = (
    "-s",
    "DOWNLOAD_DELAY=0.05",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    "-s",
    "PROCARCHIVE_BATCH_SIZE=3",
)


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    server = SampleServer(build_sites()).start()
    path = write_registry(tmp_path_factory.mktemp("registry") / "sources.yml", server.urls)
    yield path
    server.stop()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, registry: Path) -> set[tuple[str, str]]:
    """What an uninterrupted crawl archives."""
    workdir = tmp_path_factory.mktemp("reference")
    run = procarchive(
        "crawl", "--registry", str(registry), "--db", str(workdir / "archive.db"), cwd=workdir
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return archived(workdir / "archive.db")


def archived(db: Path) -> set[tuple[str, str]]:
    return set(
        open_archive(db, create=False).execute("select url, content_hash from articles").fetchall()
    )


def start_crawl(workdir: Path, registry: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "procarchive.cli", "crawl", "--registry", str(registry),
         "--db", str(workdir / "archive.db"), *SLOW, *extra],
        cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def wait_for_articles(db: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "the crawl ended before it could be interrupted"
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                if conn.execute("select count(*) from articles").fetchone()[0] >= count:
                    return
        except sqlite3.OperationalError:
            pass  # not created yet
        time.sleep(0.05)
    raise AssertionError("the crawl stored nothing in time")


def check_consistent(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        conn.execute("insert into articles_fts(articles_fts) values ('integrity-check')")
        orphans = conn.execute(
            "select count(*) from articles where capture_id not in (select id from captures)"
        ).fetchone()[0]
        assert orphans == 0


def test_sigkill_leaves_a_consistent_archive_that_the_next_run_completes(
    tmp_path: Path, registry: Path, reference: set[Any]
) -> None:
    crawl = start_crawl(tmp_path, registry)
    wait_for_articles(tmp_path / "archive.db", 8, crawl)
    os.kill(crawl.pid, signal.SIGKILL)
    crawl.wait()
    db = tmp_path / "archive.db"
    check_consistent(db)
    partial = archived(db)
    assert 8 <= len(partial) < len(reference) and partial <= reference
    again = procarchive("crawl", "--registry", str(registry), "--db", str(db), cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    check_consistent(db)
    assert archived(db) == reference
    archive = open_archive(db, create=False)
    assert archive["article_versions"].count == 0
    statuses = [row[0] for row in archive.execute("select status from crawls order by id")]
    killed, completed = statuses[:4], statuses[4:]  # four sample sources, crawled side by side
    assert "interrupted" in killed and set(killed) <= {"interrupted", "ok"}
    assert completed == ["ok"] * 4


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["stopped", "killed"])
def test_resumed_crawl_equals_an_uninterrupted_one(
    tmp_path: Path, registry: Path, reference: set[Any], stop: signal.Signals
) -> None:
    db = tmp_path / "archive.db"
    crawl = start_crawl(tmp_path, registry, "--resume")
    wait_for_articles(db, 8, crawl)
    os.kill(crawl.pid, stop)
    crawl.wait(timeout=120)
    assert (tmp_path / ".jobs").exists()
    resumed = procarchive(
        "crawl", "--registry", str(registry), "--db", str(db), "--resume", *SLOW, cwd=tmp_path
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    check_consistent(db)
    assert archived(db) == reference
    archive = open_archive(db, create=False)
    assert archive["article_versions"].count == 0
    assert (
        archive.execute("select count(*) from articles where gone_at is not null").fetchone()[0]
        == 0
    )
    assert not any((tmp_path / ".jobs").iterdir())  # finished crawls leave no job behind
    if stop == signal.SIGKILL:
        assert "was killed before it could save its pending requests" in resumed.stderr


def test_a_second_crawl_waits_its_turn(tmp_path: Path, registry: Path) -> None:
    crawl = start_crawl(tmp_path, registry)
    wait_for_articles(tmp_path / "archive.db", 1, crawl)
    second = procarchive(
        "crawl", "--registry", str(registry), "--db", str(tmp_path / "archive.db"), cwd=tmp_path
    )
    crawl.kill()
    crawl.wait()
    assert second.returncode == 3
    assert "another crawl is writing to" in second.stderr and f"pid {crawl.pid}" in second.stderr
