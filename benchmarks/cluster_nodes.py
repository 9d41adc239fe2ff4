"""Scrapyd nodes on one shared Redis queue against many slow sites (`python -m
benchmarks.cluster_nodes`; needs redis-server and the cluster extra).

Sixteen loopback hosts (127.0.0.2 to 127.0.0.17), each a slow site of a few hundred pages
(samples.slow_site), are one source each. For 1, 2 and 4 Scrapyd nodes (each a process of
its own with the shipped deploy/scrapyd.conf, `--slots` crawls at once) the sixteen jobs
are queued, crawled into shards of their own and merged by `procarchive cluster merge`.
Printed a run: pages/s from the first job queued to the last done, the ratio to one node
measured in the same run, the most requests any host saw at once against the per-host
limit, archived articles against pages (unique ids), and the merge's time per 100,000
rows. Then the kill run: the same with 2 nodes, one killed with SIGKILL mid-crawl; its jobs
are requeued when their leases run out and run by the other node, and the merged archive
must equal the uninterrupted run's, with no article or page twice."""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from procarchive.jobqueue.local_node import LocalNode, free_port
from samples.server import SampleServer
from samples.slow_site import SlowSite

ROOT = Path(__file__).resolve().parent.parent
HOSTS = [f"127.0.0.{n}" for n in range(2, 18)]
MERGED_TABLES = ("crawls", "captures", "articles", "article_versions", "article_urls",
                 "article_agencies", "mous", "mou_parties")  # fmt: skip


def start_redis() -> tuple[subprocess.Popen[bytes], str]:
    server = shutil.which("redis-server")
    if not server:
        raise SystemExit("redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return process, f"redis://127.0.0.1:{port}/0"


def write_registry(path: Path, urls: dict[str, str]) -> Path:
    sources = [
        {"name": name, "spider": "article", "start_urls": [f"{base}/sitemap.xml"],
         "allowed_domains": [base.split("//")[1].split(":")[0]], "kind": "adhoc"}
        for name, base in urls.items()
    ]  # fmt: skip
    path.write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")
    return path


def cli(*args: str, redis_url: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROCARCHIVE_REDIS_URL": redis_url}
    run = subprocess.run(
        [sys.executable, "-m", "procarchive.cli", *args], capture_output=True, text=True, env=env
    )
    if run.returncode:
        raise RuntimeError(f"procarchive {' '.join(args)}: {run.stderr[-2000:]}")
    return run.stdout


def queue_totals(redis_url: str) -> dict[str, int]:
    from procarchive.jobqueue.redis_queue import JobQueue, connect

    return JobQueue(connect(redis_url), "procarchive").totals()


def one_run(
    work: Path, nodes: int, sites: dict[str, SlowSite], registry: Path, args: argparse.Namespace,
    kill_after: float | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Queue every source, run `nodes` nodes until every job is done, merge the shards."""
    redis, redis_url = start_redis()
    started: list[LocalNode] = []
    for site in sites.values():
        site.most_at_once.clear()
    try:
        time.sleep(0.3)
        settings = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
                    "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.limit}",
                    "-s", "PROCARCHIVE_PROGRESS=0", "-s", "LOG_LEVEL=INFO"]  # fmt: skip
        started = [
            LocalNode(work / f"node{n}", redis_url, poll_interval="0.5", max_proc=str(args.slots),
                      jobqueue_lease=str(args.lease), jobqueue_shards=str(work / "shards"))
            for n in range(nodes)
        ]  # fmt: skip
        for node in started:
            node.wait_started()
        begin = time.monotonic()
        cli("cluster", "enqueue", "--registry", str(registry), *settings, redis_url=redis_url)
        killed = False
        while (totals := queue_totals(redis_url))["done"] < len(sites):
            if kill_after is not None and not killed and time.monotonic() - begin > kill_after:
                crawling = started[0].status()["running"]
                started[0].kill()  # SIGKILL: its crawls die with it, their leases run out
                killed = True
                print(f"  killed node 0 with SIGKILL at {kill_after:.0f}s, {crawling} crawls in it")
            if totals["dead"]:
                raise RuntimeError(f"jobs set aside: {totals}")
            time.sleep(0.2)
        seconds = time.monotonic() - begin
        archive = work / "archive" / "archive.db"
        archive.parent.mkdir()
        merge_begin = time.monotonic()
        cli("cluster", "merge", "--db", str(archive), "--registry", str(registry),
            redis_url=redis_url)  # fmt: skip
        merge_seconds = time.monotonic() - merge_begin
    finally:
        for node in started:
            node.stop()
        redis.terminate()
        redis.wait(timeout=10)
    pages = sum(site.articles for site in sites.values())
    with sqlite3.connect(archive) as conn:
        articles, unique = conn.execute(
            "SELECT count(*), count(DISTINCT id) FROM articles"
        ).fetchone()
        fetched = conn.execute(
            "SELECT count(*), count(DISTINCT url) FROM captures WHERE url LIKE '%/berita/%'"
        ).fetchone()
        rows = sum(conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in MERGED_TABLES)
        content = sorted(conn.execute("SELECT id, content_hash, source FROM articles"))
    conn.close()
    return {
        "nodes": nodes, "seconds": seconds, "pages": pages, "pages_per_s": pages / seconds,
        "most_at_once": max(max(s.most_at_once.values(), default=0) for s in sites.values()),
        "articles": articles, "unique": unique, "captures": fetched, "rows": rows,
        "merge_seconds": merge_seconds, "content": content, "requeued": totals["requeued"],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200, help="pages a site")
    parser.add_argument("--delay", type=float, default=0.1, help="seconds a page takes")
    parser.add_argument("--limit", type=int, default=2, help="requests at once a host")
    parser.add_argument("--slots", type=int, default=2, help="crawls at once a node (max_proc)")
    parser.add_argument("--lease", type=float, default=10.0, help="a job's lease, seconds")
    parser.add_argument("--nodes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--kill-after", type=float, default=8.0, help="seconds; 0: no kill run")
    args = parser.parse_args()
    sites = {f"bench{n:02d}": SlowSite(args.pages, args.delay) for n in range(1, len(HOSTS) + 1)}
    hosts = dict(zip(sites, HOSTS, strict=True))
    with SampleServer(dict(sites), hosts=hosts) as server, tempfile.TemporaryDirectory() as tmp:
        registry = write_registry(Path(tmp) / "sources.yml", server.urls)
        print(f"{len(sites)} hosts ({HOSTS[0]} to {HOSTS[-1]}), {args.pages} pages each of "
              f"{args.delay * 1000:.0f} ms; {args.limit} requests at once a host, "
              f"{args.slots} crawls at once a node; {os.cpu_count()} CPUs")  # fmt: skip
        print(f"{'nodes':>5}{'seconds':>9}{'pages/s':>9}{'vs 1':>7}{'peak/host':>11}"
              f"{'articles':>10}{'unique':>8}{'merge s':>9}{'s/100k rows':>13}")  # fmt: skip
        results = []
        for nodes in args.nodes:
            result = one_run(Path(tmp) / f"run{nodes}", nodes, sites, registry, args)
            results.append(result)
            print_row(result, results[0])
        if args.kill_after:
            print(f"kill run: {2} nodes, node 0 killed after {args.kill_after:.0f}s")
            killed = one_run(Path(tmp) / "kill", 2, sites, registry, args, args.kill_after)
            print_row(killed, results[0])
            reference = next((r for r in results if r["nodes"] == 2), results[0])
            same = killed["content"] == reference["content"]
            print(f"  requeued jobs: {killed['requeued']}; merged archive equal to the "
                  f"uninterrupted {reference['nodes']}-node run's: {same}; article pages "
                  f"captured {killed['captures'][0]} for {killed['captures'][1]} URLs")  # fmt: skip


def print_row(result: dict[str, Any], first: dict[str, Any]) -> None:
    ratio = result["pages_per_s"] / first["pages_per_s"]
    per_100k = result["merge_seconds"] / result["rows"] * 100_000 if result["rows"] else 0.0
    print(f"{result['nodes']:>5}{result['seconds']:>9.1f}{result['pages_per_s']:>9.1f}"
          f"{ratio:>6.2f}x{result['most_at_once']:>11}{result['articles']:>10}"
          f"{result['unique']:>8}{result['merge_seconds']:>9.1f}{per_100k:>13.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
