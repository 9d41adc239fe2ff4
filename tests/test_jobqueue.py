"""The shared Redis job queue against a real redis-server on a free loopback port: Scrapyd's
spider-queue interface, leases, requeue of a dead node's job, the per-source lock."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("redis", reason="redis-py is in the cluster and test extras")
pytest.importorskip("scrapyd", reason="Scrapyd is in the cluster and test extras")

import redis  # noqa: E402

from procarchive.jobqueue.redis_queue import JobQueue, RedisSpiderQueue, lock_name  # noqa: E402

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if not REDIS_SERVER:
        pytest.skip("redis-server is not installed (.ci/run installs Debian's redis-server)")
    port = free_port()
    command = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--save", "", "--appendonly", "no", "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_url)
    connection.flushall()
    yield connection
    connection.close()


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
    assert queue.queue.renew(lease["PROCARCHIVE_JOBQUEUE_JOB"])
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

    assert queue.finish(first[0])
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
    member, _ = queue.pop() or ("", {})
    time.sleep(0.3)  # its node was killed: no renewal, no finish
    assert queue.startable() == 2  # counting reclaims it: an idle queue gets it back too
    assert [p.message["_job"] for p in queue.list_pending()] == ["dies", "waits"]
    assert [p.requeued for p in queue.list_pending()] == [1, 0]
    assert queue.totals()["requeued"] == 1
    for _ in range(3):  # more pops and counts find nothing more to reclaim
        queue.startable()
    again = queue.pop()
    assert again == (member, job("a", "dies"))
    assert queue.totals()["requeued"] == 1
    assert not queue.finish("0000000000000099")  # not a running job: nothing happens


def test_renewed_lease_outlives_its_first_deadline(client: redis.Redis) -> None:
    queue = JobQueue(client, "p", lease=0.3)
    queue.add(job("a", "long"))
    member, _ = queue.pop() or ("", {})
    for _ in range(4):
        time.sleep(0.15)
        assert queue.renew(member)
    assert queue.startable() == 0 and queue.totals()["requeued"] == 0
    time.sleep(0.4)
    queue.startable()
    assert not queue.renew(member)  # reclaimed: the crawl learns its lease is gone
    assert queue.totals()["requeued"] == 1


def test_an_interrupted_crawl_goes_back_and_a_finished_one_is_gone(client: redis.Redis) -> None:
    queue = JobQueue(client, "p")
    queue.add(job("a", "stopped"))
    member, _ = queue.pop() or ("", {})
    assert queue.finish(member, requeue=True)
    assert not queue.finish(member, requeue=True)  # twice: counted once
    assert queue.totals()["requeued"] == 1
    again = queue.pop()
    assert again and again[0] == member
    assert queue.finish(member)
    assert queue.totals() == {"pending": 0, "running": 0, "dead": 0, "requeued": 1, "done": 1}
    assert client.hlen(queue.jobs) == 0 and client.hlen(queue.requeued) == 0


def test_a_job_requeued_too_often_is_set_aside_not_dropped(client: redis.Redis) -> None:
    queue = JobQueue(client, "p", max_requeues=2)
    queue.add(job("a", "poison"))
    for _ in range(3):
        member, _ = queue.pop() or ("", {})
        queue.finish(member, requeue=True)
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
