"""The shared Redis job queue against a real redis-server on a free loopback port: Scrapyd's
spider-queue interface, leases, requeue of a dead node's job, the per-source lock."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest

pytest.importorskip("redis", reason="redis-py is in the cluster and test extras")
pytest.importorskip("scrapyd", reason="Scrapyd is in the cluster and test extras")

import redis

from archive.connection import open_archive
from procarchive.jobqueue.local_node import LocalNode
from procarchive.jobqueue.redis_queue import JobQueue, RedisSpiderQueue, lock_name
from samples.content import blog_posts
from samples.server import SampleServer
from tests.conftest import ROOT, free_port, write_registry


def job(source: str, job_id: str, **args: str) -> dict[str, str]:
    return {"name": "news", "_job": job_id, "source": source, **args}


def test_jobs_pop_in_priority_then_insertion_order(client: redis.Redis) -> None:
    queue = JobQueue(client, "p")
    queue.add(job("a", "1"))
    queue.add(job("b", "2"))
    queue.add(job("c", "3"), priority=5)
    popped = [queue.pop() for _ in range(4)]
    assert [p[1]["_job"] for p in popped if p] == ["3", "1", "2"]
    assert popped[3] is None
    assert queue.totals()["running"] == 3


def test_scrapyd_interface_add_count_list_remove_clear(redis_url: str, client: redis.Redis,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from scrapyd.config import Config

    monkeypatch.setenv("PROCARCHIVE_REDIS_URL", redis_url)
    queue = RedisSpiderQueue(Config(values={"jobqueue_lease": "30"}), "procarchive")
    queue.add("news", 0.0, _job="j1", source="lkpp_news", settings={"LOG_LEVEL": "INFO"})
    queue.add("spse_notices", 1.0, _job="j2", source="spse", lpse="jakarta")
    queue.add("news", 0.0, _job="j3", source="pps_news")
    assert queue.count() == 3
    assert [m["_job"] for m in queue.list()] == ["j2", "j1", "j3"]
    assert queue.remove(lambda m: m["_job"] == "j3") == 1
    assert queue.count() == 2

    message = queue.pop()
    assert message is not None
    assert {k: message[k] for k in ("name", "_job", "source", "lpse")} == {
        "name": "spse_notices", "_job": "j2", "source": "spse", "lpse": "jakarta",
    }  # fmt: skip
    lease = message["settings"]
    assert lease["PROCARCHIVE_JOBQUEUE_PROJECT"] == "procarchive"
    assert lease["PROCARCHIVE_JOBQUEUE_LEASE"] == 30.0
    assert queue.queue.renew(lease["PROCARCHIVE_JOBQUEUE_JOB"], lease["PROCARCHIVE_JOBQUEUE_TOKEN"])
    assert queue.pop()["settings"]["LOG_LEVEL"] == "INFO"  # type: ignore[index]
    assert queue.count() == 0 and queue.pop() is None

    queue.add("news", 0.0, _job="j4", source="x")
    queue.clear()
    assert queue.count() == 0 and queue.list() == []


def test_two_sources_lock_apart_and_one_source_waits(client: redis.Redis) -> None:
    queue = JobQueue(client, "p")
    queue.add(job("lkpp_news", "first"))
    queue.add(job("lkpp_news", "second"))
    queue.add(job("pps_news", "other"))
    first = queue.pop()
    assert first and first[1]["_job"] == "first"
    assert queue.startable() == 1  # the second lkpp_news job waits for the first
    other = queue.pop()
    assert other and other[1]["_job"] == "other"
    assert queue.pop() is None
    assert [p.locked for p in queue.list_pending()] == [True]

    assert queue.finish(first.member, first.token)
    second = queue.pop()
    assert second and second[1]["_job"] == "second"
    assert queue.totals() == {"pending": 0, "running": 2, "dead": 0, "requeued": 0, "done": 1}


def test_each_lpse_is_a_site_of_its_own() -> None:
    assert lock_name(job("spse", "1", lpse="jakarta")) == "spse/jakarta"
    assert lock_name(job("lkpp_news", "2")) == "lkpp_news"
    assert lock_name({"name": "article", "_job": "3"}) == "article"


def test_an_expired_lease_is_requeued_once_at_the_head(client: redis.Redis) -> None:
    queue = JobQueue(client, "p", lease=0.2)
    queue.add(job("a", "dies"))
    queue.add(job("b", "waits"))
    first = queue.pop()
    assert first
    time.sleep(0.3)  # its node was killed: no renewal, no finish
    assert queue.startable() == 2  # counting reclaims it: an idle queue gets it back too
    assert [p.message["_job"] for p in queue.list_pending()] == ["dies", "waits"]
    assert [p.requeued for p in queue.list_pending()] == [1, 0]
    assert queue.totals()["requeued"] == 1
    for _ in range(3):  # more pops and counts find nothing more to reclaim
        queue.startable()
    again = queue.pop()
    assert again and (again.member, again.message) == (first.member, job("a", "dies"))
    assert queue.totals()["requeued"] == 1
    assert not queue.finish("0000000000000099", again.token)  # not a running job: nothing


def test_a_reclaimed_attempt_can_neither_renew_nor_end_the_next_one(client: redis.Redis) -> None:
    queue = JobQueue(client, "p", lease=0.2)
    queue.add(job("a", "stalls"))
    stalled = queue.pop()
    time.sleep(0.3)
    rerun = queue.pop()  # reclaims the stalled attempt, and hands the job out again
    assert stalled and rerun and rerun.member == stalled.member
    assert rerun.token != stalled.token
    assert not queue.renew(stalled.member, stalled.token)  # the stalled crawl stops
    assert not queue.finish(stalled.member, stalled.token)
    assert queue.startable() == 0 and queue.totals()["running"] == 1
    assert client.get(queue.lock_prefix + "a") == rerun.token.encode()  # still the rerun's
    assert queue.renew(rerun.member, rerun.token) and queue.finish(rerun.member, rerun.token)


def test_renewed_lease_outlives_its_first_deadline(client: redis.Redis) -> None:
    queue = JobQueue(client, "p", lease=0.3)
    queue.add(job("a", "long"))
    member, _, token = queue.pop() or ("", {}, "")
    for _ in range(4):
        time.sleep(0.15)
        assert queue.renew(member, token)
    assert queue.startable() == 0 and queue.totals()["requeued"] == 0
    time.sleep(0.4)
    queue.startable()
    assert not queue.renew(member, token)  # reclaimed: the crawl learns its lease is gone
    assert queue.totals()["requeued"] == 1


def test_an_interrupted_crawl_goes_back_and_a_finished_one_is_gone(client: redis.Redis) -> None:
    queue = JobQueue(client, "p")
    queue.add(job("a", "stopped"))
    member, _, token = queue.pop() or ("", {}, "")
    assert queue.finish(member, token, requeue=True)
    assert not queue.finish(member, token, requeue=True)  # twice: counted once
    assert queue.totals()["requeued"] == 1
    again = queue.pop()
    assert again and again.member == member
    assert queue.finish(member, again.token)
    assert queue.totals() == {"pending": 0, "running": 0, "dead": 0, "requeued": 1, "done": 1}
    assert client.hlen(queue.jobs) == 0 and client.hlen(queue.requeued) == 0


def test_a_job_requeued_too_often_is_set_aside_not_dropped(client: redis.Redis) -> None:
    queue = JobQueue(client, "p", max_requeues=2)
    queue.add(job("a", "poison"))
    for _ in range(3):
        member, _, token = queue.pop() or ("", {}, "")
        queue.finish(member, token, requeue=True)
    assert queue.pop() is None
    dead = queue.list_dead()
    assert [(d.message["_job"], d.requeued) for d in dead] == [("poison", 3)]
    assert client.get(queue.lock_prefix + "a") is None  # its source free for other jobs


def test_concurrent_pops_never_hand_out_a_job_twice(redis_url: str, client: redis.Redis) -> None:
    for n in range(200):
        JobQueue(client, "p").add(job(f"s{n}", str(n)))
    taken: list[str] = []
    guard = threading.Lock()

    def node() -> None:
        queue = JobQueue(redis.Redis.from_url(redis_url), "p")
        while popped := queue.pop():
            with guard:
                taken.append(popped[1]["_job"])

    nodes = [threading.Thread(target=node) for _ in range(8)]
    for thread in nodes:
        thread.start()
    for thread in nodes:
        thread.join(timeout=60)
    assert sorted(taken, key=int) == [str(n) for n in range(200)]


def test_projects_do_not_share_jobs(client: redis.Redis) -> None:
    JobQueue(client, "one").add(job("a", "1"))
    assert JobQueue(client, "two").pop() is None
    assert JobQueue(client, "one").pop() is not None


def test_enqueue_puts_one_job_a_source_and_an_lpse_and_status_shows_them(
    redis_url: str, client: redis.Redis, capsys: pytest.CaptureFixture[str]
) -> None:
    from procarchive.cli import main
    from scrapers.sources import SAMPLE_REGISTRY

    common = ["--redis", redis_url, "--registry", str(SAMPLE_REGISTRY)]
    assert main(["cluster", "enqueue", *common, "-s", "DOWNLOAD_DELAY=2"]) == 0
    queue = JobQueue(client, "procarchive")
    pending = queue.list_pending()
    sites = [lock_name(p.message) for p in pending]
    assert sites == ["lkpp_news", "catatan_pengadaan", "warta_pbj", "pbj_sleman", "pps_news",
                     "spse/lkpp", "spse/jatengprov", "spse/kotamakassar"]  # fmt: skip
    spse = pending[5].message
    assert spse["name"] == "spse_notices" and spse["registry"] == str(SAMPLE_REGISTRY)
    assert spse["settings"] == {"DOWNLOAD_DELAY": "2"}
    assert len({p.message["_job"] for p in pending}) == 8

    capsys.readouterr()
    assert main(["cluster", "enqueue", *common, "spse", "--lpse", "lkpp,jakarta"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "already queued or running: spse/lkpp"
    assert lock_name(queue.list_pending()[-1].message) == "spse/jakarta"

    queue.pop()
    assert main(["cluster", "status", "--redis", redis_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "project procarchive: 8 queued (0 waiting for their source), 1 running"
    )
    assert lines[1].split()[:2] == ["running", "job"]
    assert lines[2].split()[0] == "lkpp_news"
    age, left = (int(figure.rstrip("s")) for figure in lines[2].split()[2:4])
    assert 0 <= age <= 5 and 55 <= left <= 60
    assert main(["cluster", "enqueue", "--redis", redis_url, "nosuch"]) == 2


class Node(LocalNode):
    """A node of the tests: quick polls, 2 crawls at once, a 10 s lease."""

    def __init__(self, folder: Path, redis_url: str, **config: str) -> None:
        super().__init__(
            folder, redis_url, env={"PATH": "/usr/bin:/bin", "PROCARCHIVE_STRICT": "0"},
            **{"poll_interval": "0.2", "max_proc": "2", "jobqueue_lease": "10", **config},
        )  # fmt: skip
        try:
            self.wait_started()
        except RuntimeError as exc:
            pytest.fail(str(exc))


def get_json(url: str) -> Any:
    with urlopen(url, timeout=10) as answer:
        return json.load(answer)


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds:.0f}s for {what}")
        time.sleep(0.2)


def blog_job(tmp_path: Path, registry: Path, job_id: str, **settings: str) -> dict[str, Any]:
    return {"name": "blogger_mirror", "_job": job_id, "source": "catatan_pengadaan",
            "registry": str(registry),
            "settings": {"PROCARCHIVE_DB": str(tmp_path / f"{job_id}.db"), **settings}}  # fmt: skip


def archived_posts(db_path: Path) -> list[str]:
    db = open_archive(db_path, create=False)
    try:
        return [row[0] for row in db.execute(
            "select id from articles where source = 'catatan_pengadaan'"
        ).fetchall()]  # fmt: skip
    finally:
        db.close()


def test_scrapyd_runs_a_queued_job_and_its_lease_ends_with_it(
    tmp_path: Path, redis_url: str, client: redis.Redis, sample_sites: SampleServer
) -> None:
    registry = write_registry(tmp_path / "sources.yml", sample_sites.urls)
    queue = JobQueue(client, "procarchive")
    queue.add(blog_job(tmp_path, registry, "once", AUTOTHROTTLE_START_DELAY="0.05"))
    node = Node(tmp_path / "node", redis_url)
    try:
        wait_for(lambda: queue.totals()["done"] == 1, 120, "the job to finish")
        listing = f"http://127.0.0.1:{node.port}/listjobs.json?project=procarchive"
        wait_for(lambda: bool(get_json(listing)["finished"]), 30, "Scrapyd's record")
        assert [j["id"] for j in get_json(listing)["finished"]] == ["once"]
    finally:
        node.stop()
    assert queue.totals() == {"pending": 0, "running": 0, "dead": 0, "requeued": 0, "done": 1}
    assert len(archived_posts(tmp_path / "once.db")) == len(blog_posts())
    log = node.log("blogger_mirror", "once")
    assert "Spider closed (finished)" in log and "[procarchive.jobqueue.lease]" not in log


def test_a_node_killed_mid_crawl_has_its_job_requeued_and_run_by_another(
    tmp_path: Path, redis_url: str, client: redis.Redis, sample_sites: SampleServer
) -> None:
    registry = write_registry(tmp_path / "sources.yml", sample_sites.urls)
    queue = JobQueue(client, "procarchive")
    slow = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0.5",
            "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "LOG_LEVEL": "DEBUG"}  # fmt: skip
    queue.add(blog_job(tmp_path, registry, "killed", **slow))
    first = Node(tmp_path / "first", redis_url)
    second = None
    try:
        wait_for(lambda: "Crawled (200)" in first.log("blogger_mirror", "killed"), 60, "a page")
        time.sleep(2)
        assert queue.totals()["running"] == 1
        first.kill()  # SIGKILL: no close, no lease ended
        assert len(archived_posts(tmp_path / "killed.db")) < len(blog_posts())
        second = Node(tmp_path / "second", redis_url)
        wait_for(lambda: queue.totals()["done"] == 1, 180, "the requeued job to finish")
    finally:
        first.kill()
        if second:
            second.stop()
    assert queue.totals() == {"pending": 0, "running": 0, "dead": 0, "requeued": 1, "done": 1}
    # The rerun outlived its lease (10 s) by renewing it; nothing was lost or twice.
    log = second.log("blogger_mirror", "killed")
    assert "Spider closed (finished)" in log and "[procarchive.jobqueue.lease]" not in log
    posts = archived_posts(tmp_path / "killed.db")
    assert len(posts) == len(set(posts)) == len(blog_posts())


def test_a_node_stopped_mid_crawl_puts_its_job_back_at_the_head(
    tmp_path: Path, redis_url: str, client: redis.Redis, sample_sites: SampleServer
) -> None:
    """systemd's stop: SIGTERM to Scrapyd and its crawls; each closes and requeues its job."""
    registry = write_registry(tmp_path / "sources.yml", sample_sites.urls)
    queue = JobQueue(client, "procarchive")
    queue.add(blog_job(tmp_path, registry, "stopped", AUTOTHROTTLE_ENABLED="False",
                       DOWNLOAD_DELAY="0.5", CONCURRENT_REQUESTS_PER_DOMAIN="1",
                       LOG_LEVEL="DEBUG"))  # fmt: skip
    node = Node(tmp_path / "node", redis_url)
    try:
        wait_for(lambda: "Crawled (200)" in node.log("blogger_mirror", "stopped"), 60, "a page")
        # Queued behind, waiting for the same source: the stopped job goes back before it.
        queue.add(blog_job(tmp_path, registry, "later"))
        time.sleep(2)
        node.stop()
    finally:
        node.kill()
    assert "Spider closed (shutdown)" in node.log("blogger_mirror", "stopped")
    pending = queue.list_pending()
    assert [(p.message["_job"], p.requeued) for p in pending] == [("stopped", 1), ("later", 0)]
    assert queue.totals()["running"] == 0


def test_a_crawl_whose_lease_was_reclaimed_stops_and_leaves_the_job_to_its_rerun(
    tmp_path: Path, redis_url: str, client: redis.Redis, sample_sites: SampleServer
) -> None:
    """A process stalled past its lease: the job is requeued and run again; the stalled
    crawl learns it at its next renewal and closes, so the source is never crawled twice
    at once, and it does not end the rerun's lease."""
    registry = write_registry(tmp_path / "sources.yml", sample_sites.urls)
    queue = JobQueue(client, "procarchive")
    queue.add(blog_job(tmp_path, registry, "stalled", AUTOTHROTTLE_ENABLED="False",
                       DOWNLOAD_DELAY="0.5", LOG_LEVEL="DEBUG"))  # fmt: skip
    node = Node(tmp_path / "node", redis_url)
    try:
        wait_for(lambda: "Crawled (200)" in node.log("blogger_mirror", "stalled"), 60, "a page")
        member = queue.list_running()[0].member
        client.zadd(queue.running, {member: 0})  # its deadline long past, as if it had stalled
        wait_for(lambda: "Spider closed (lease_lost)" in node.log("blogger_mirror", "stalled"),
                 30, "the stalled crawl to close")  # fmt: skip
        wait_for(lambda: queue.totals()["done"] == 1, 120, "the rerun to finish")
    finally:
        node.stop()
    assert queue.totals() == {"pending": 0, "running": 0, "dead": 0, "requeued": 1, "done": 1}
    log = node.log("blogger_mirror", "stalled")  # both runs of the job log to its file
    assert log.count("Spider closed (lease_lost)") == 1 and "Spider closed (finished)" in log
    posts = archived_posts(tmp_path / "stalled.db")
    assert len(posts) == len(set(posts)) == len(blog_posts())


def test_a_crawl_not_from_the_queue_has_no_lease_and_needs_no_redis() -> None:
    from scrapy import Spider
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from procarchive.jobqueue.lease import JobLease

    with pytest.raises(NotConfigured):
        JobLease.from_crawler(get_crawler(Spider))
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, procarchive.jobqueue.lease; print('redis' in sys.modules)"],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)}, check=True,
    )  # fmt: skip
    assert loaded.stdout.strip() == "False"  # every crawl loads it; a core install has no Redis


def test_scrapyd_keeps_polling_while_redis_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapyd.config import Config

    monkeypatch.setenv("PROCARCHIVE_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    queue = RedisSpiderQueue(Config(values={}), "procarchive")
    assert queue.count() == 0 and queue.pop() is None  # raised, they would stop its poll timer


def test_a_job_cancelled_through_scrapyd_is_not_queued_again(
    tmp_path: Path, redis_url: str, client: redis.Redis, sample_sites: SampleServer
) -> None:
    """cancel.json sends SIGINT, a node's stop SIGTERM: both close the crawl ("shutdown"),
    only the stop puts the job back."""
    registry = write_registry(tmp_path / "sources.yml", sample_sites.urls)
    queue = JobQueue(client, "procarchive")
    queue.add(blog_job(tmp_path, registry, "cancelled", AUTOTHROTTLE_ENABLED="False",
                       DOWNLOAD_DELAY="0.5", LOG_LEVEL="DEBUG"))  # fmt: skip
    node = Node(tmp_path / "node", redis_url)
    try:
        wait_for(lambda: "Crawled (200)" in node.log("blogger_mirror", "cancelled"), 60, "a page")
        form = urlencode({"project": "procarchive", "job": "cancelled"}).encode()
        with urlopen(f"http://127.0.0.1:{node.port}/cancel.json", data=form, timeout=10) as answer:
            assert json.load(answer)["status"] == "ok"
        wait_for(lambda: queue.totals()["running"] == 0, 60, "the crawl to close")
    finally:
        node.stop()
    assert "Spider closed (shutdown)" in node.log("blogger_mirror", "cancelled")
    assert queue.totals() == {"pending": 0, "running": 0, "dead": 0, "requeued": 0, "done": 1}
