"""Scrapyd jobs writing shards of their own: announced on the shared queue when done, merged
by `procarchive cluster merge` in the order they finished, the published copy swapped in,
and the next night's shards started from it (real Redis, Scrapyd and sample sites)."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("redis", reason="redis-py is in the cluster and test extras")
pytest.importorskip("scrapyd", reason="Scrapyd is in the cluster and test extras")

import redis

from archive.connection import open_archive
from procarchive.cli import main
from procarchive.jobqueue.redis_queue import JobQueue
from samples.server import SampleServer
from tests.conftest import procarchive, write_registry
from tests.test_jobqueue import Node, wait_for

SOURCES = ("lkpp_news", "catatan_pengadaan")


def enqueue(redis_url: str, registry: Path) -> None:
    assert main(["cluster", "enqueue", *SOURCES, "--redis", redis_url, "--registry",
                 str(registry), "-s", "AUTOTHROTTLE_START_DELAY=0",
                 "-s", "PROCARCHIVE_REFRESH_SLICES=0"]) == 0  # fmt: skip


def merge(redis_url: str, archive: Path, published: Path, registry: Path) -> str:
    run = procarchive("cluster", "merge", "--redis", redis_url, "--db", str(archive),
                      "--publish", str(published), "--registry", str(registry),
                      cwd=archive.parent)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


def jobs_done(queue: JobQueue, count: int) -> bool:
    return queue.totals()["done"] == count


def last_crawl(shard: str) -> dict[str, Any]:
    db = open_archive(shard, create=False)
    try:
        return next(db.query("SELECT * FROM crawls ORDER BY id DESC LIMIT 1"))
    finally:
        db.close()


def test_jobs_announce_their_shards_and_the_merger_publishes_what_the_next_night_reads(
    tmp_path: Path, redis_url: str, client: redis.Redis, sample_sites: SampleServer
) -> None:
    registry = write_registry(tmp_path / "sources.yml", sample_sites.urls, only=SOURCES)
    archive, published = tmp_path / "shared" / "archive.db", tmp_path / "shared" / "published.db"
    archive.parent.mkdir()
    queue = JobQueue(client, "procarchive")
    node = Node(tmp_path / "node", redis_url, jobqueue_seen=str(published))
    outputs, shards = [], []
    try:
        for night in (1, 2):
            enqueue(redis_url, registry)
            wait_for(partial(jobs_done, queue, 2 * night), 240, "the night's jobs")
            announced = queue.list_shards()["announced"]
            assert sorted(s["source"] for s in announced) == sorted(SOURCES)
            assert all(s["reason"] == "finished" for s in announced)
            shards.append({s["source"]: s["path"] for s in announced})
            outputs.append(merge(redis_url, archive, published, registry))
            assert queue.list_shards() == {"announced": [], "merging": [], "refused": []}
    finally:
        node.stop()
    first, second = outputs
    assert first.count("WARC files copied") == 2 and f"published: {published}" in first
    for source in SOURCES:  # each job a shard of its own, in the node's shared folder
        assert shards[0][source] != shards[1][source]
        assert Path(shards[0][source]).is_relative_to(tmp_path / "node" / "shards")
    # Night 2 started from the published copy: every article seen, none new, little fetched.
    tonight, before = last_crawl(shards[1]["lkpp_news"]), last_crawl(shards[0]["lkpp_news"])
    assert tonight["items_new"] == 0 and tonight["items_unchanged"] == before["items_new"]
    assert tonight["pages_fetched"] < before["pages_fetched"] / 2
    assert "article new" not in second and "article seen" in second
    # A rollback-journal file (the header's write version 1, not WAL's 2), read read-only.
    assert published.read_bytes()[18:20] == b"\x01\x01"
    with sqlite3.connect(f"file:{published}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM crawls").fetchone()[0] == 4
    conn.close()
    assert published.with_suffix(".inspect.json").is_file()


def test_a_refused_shard_is_set_aside_with_its_reason(
    tmp_path: Path, redis_url: str, client: redis.Redis
) -> None:
    queue = JobQueue(client, "procarchive")
    member = queue.add({"name": "blogger_mirror", "source": "catatan_pengadaan"})
    popped = queue.pop()
    assert popped is not None and popped.member == member
    missing = tmp_path / "lost" / "shard.db"
    assert queue.finish(popped.member, popped.token, shard={"path": str(missing)})
    run = procarchive("cluster", "merge", "--redis", redis_url, "--db", str(tmp_path / "a.db"),
                      cwd=tmp_path)  # fmt: skip
    assert run.returncode == 2 and "no such shard" in run.stderr
    refused = queue.list_shards()["refused"]
    assert [s["path"] for s in refused] == [str(missing)] and "no such shard" in refused[0][
        "refused"
    ]
    assert main(["cluster", "status", "--redis", redis_url]) == 0
