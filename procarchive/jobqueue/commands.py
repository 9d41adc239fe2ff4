"""`procarchive cluster enqueue` and `cluster status`: jobs of the registry's sources put on
the shared queue, and what the queue holds. Scrapyd's nodes do the rest."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procarchive.jobqueue.names import DEFAULT_PREFIX, DEFAULT_PROJECT, REDIS_URL_ENV
from scrapers.sources import Source

if TYPE_CHECKING:
    from procarchive.jobqueue.redis_queue import JobQueue


def add_queue_commands(cluster: Any) -> None:
    """`enqueue` and `status` under the `cluster` command's sub-parsers."""
    enqueue = cluster.add_parser("enqueue", help="one job a source (an LPSE) on the shared queue")
    enqueue.add_argument("sources", nargs="*", metavar="SOURCE",
                         help="registry sources (default: every enabled one)")  # fmt: skip
    enqueue.add_argument("--registry", type=Path,
                         help="another registry, at a path the nodes read too (it is passed to them)")  # fmt: skip
    enqueue.add_argument("--lpse", metavar="SLUGS",
                         help="SPSE sources: these LPSEs (default: the source's own), one job each")  # fmt: skip
    enqueue.add_argument("--years", metavar="YEARS", help="SPSE sources: these budget years")
    enqueue.add_argument("--set", "-s", action="append", default=[], metavar="NAME=VALUE",
                         help="a Scrapy or PROCARCHIVE_* setting for every job")  # fmt: skip
    enqueue.add_argument("--priority", type=float, default=0.0, help="higher pops first")
    status = cluster.add_parser("status", help="queued, running (lease ages), requeued jobs")
    for command, run in ((enqueue, run_enqueue), (status, run_status)):
        command.add_argument("--redis", metavar="URL",
                             help=f"the shared Redis (default: ${REDIS_URL_ENV})")  # fmt: skip
        command.add_argument("--project", default=DEFAULT_PROJECT,
                             help="the Scrapyd project (default: procarchive)")  # fmt: skip
        command.add_argument("--prefix", default=DEFAULT_PREFIX, help=argparse.SUPPRESS)
        command.set_defaults(cluster_run=run)


def open_queue(args: argparse.Namespace) -> JobQueue:
    from procarchive.jobqueue.redis_queue import JobQueue, connect

    return JobQueue(connect(args.redis), args.project, prefix=args.prefix)


def source_jobs(
    sources: list[Source],
    registry: Path | None = None,
    lpse: str | None = None,
    years: str | None = None,
    settings: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Scrapyd messages: one a source, and one an LPSE for an SPSE source."""
    jobs = []
    for source in sources:
        args: dict[str, Any] = {"name": source.spider, "source": source.name}
        if registry:
            args["registry"] = str(registry)
        if settings:
            args["settings"] = dict(settings)
        if source.spider != "spse_notices":
            jobs.append(args)
            continue
        if years:
            args["years"] = years
        own = source.options.get("lpses") or []
        slugs = lpse.split(",") if lpse else [e["slug"] if isinstance(e, dict) else e for e in own]
        jobs.extend({**args, "lpse": slug.strip()} for slug in slugs if slug.strip())
    return [{**job, "_job": uuid.uuid4().hex} for job in jobs]


def enqueue(queue: JobQueue, jobs: list[dict[str, Any]], priority: float = 0.0) -> list[str]:
    """Add the jobs whose site has none queued or running yet; the lines to print."""
    from procarchive.jobqueue.redis_queue import lock_name

    busy = {lock_name(p.message) for p in queue.list_pending()}
    busy |= {lock_name(r.message) for r in queue.list_running()}
    dead = {lock_name(d.message): d.member for d in queue.list_dead()}
    lines = []
    for job in jobs:
        site = lock_name(job)
        if site in busy:
            lines.append(f"already queued or running: {site}")
            continue
        if site in dead:  # set aside before: this job takes its place
            queue.forget_dead(dead[site])
        queue.add(job, priority)
        busy.add(site)
        lines.append(f"queued {site} ({job['name']}, job {job['_job']})")
    return lines


def status_lines(queue: JobQueue) -> list[str]:
    from procarchive.jobqueue.redis_queue import lock_name

    totals, now = queue.totals(), queue.now_ms()
    pending, running, dead = queue.list_pending(), queue.list_running(), queue.list_dead()
    waiting = sum(p.locked for p in pending)
    lines = [
        f"project {queue.project}: {totals['pending']} queued ({waiting} waiting for their "
        f"source), {totals['running']} running, {totals['done']} done, "
        f"{totals['requeued']} requeued in all, {totals['dead']} set aside"
    ]
    if running:
        lines.append(f"{'running':<32}{'job':<34}{'age':>8}{'lease left':>12}{'requeued':>10}")
        lines.extend(
            f"{lock_name(r.message):<32}{r.message.get('_job', ''):<34}"
            f"{(now - r.started_ms) / 1000:>7.0f}s{(r.deadline_ms - now) / 1000:>11.0f}s"
            f"{r.requeued:>10}"
            for r in running
        )
    if pending:
        lines.append(f"{'queued':<32}{'job':<34}{'':>8}{'':>12}{'requeued':>10}")
        lines.extend(
            f"{lock_name(p.message):<32}{p.message.get('_job', ''):<34}"
            f"{'':>8}{'(source busy)' if p.locked else '':>12}{p.requeued:>10}"
            for p in pending
        )
    shards = queue.list_shards()
    lines.append(
        f"shards: {len(shards['announced'])} announced for `cluster merge`, "
        f"{len(shards['merging'])} being merged, {len(shards['refused'])} refused"
    )
    lines.extend(f"  refused {s['path']}: {s['refused']}" for s in shards["refused"])
    if dead:
        lines.append(
            f"set aside, requeued more than {queue.max_requeues} times "
            "(see their Scrapyd logs; `cluster enqueue` them again):"
        )
        lines.extend(f"  {lock_name(d.message)} job {d.message.get('_job', '')}" for d in dead)
    return lines


def run_enqueue(args: argparse.Namespace) -> int:
    from procarchive import cli

    registry = cli._registry(args.registry, None)
    chosen = cli._choose(registry, args.sources, adhoc=False)
    if args.lpse:
        cli._check_lpses(args.lpse, chosen)
    if args.years:
        cli._check_years(args.years)
    jobs = source_jobs(chosen, args.registry, args.lpse, args.years, cli._crawl_settings(args.set))
    print("\n".join(enqueue(open_queue(args), jobs, args.priority)))
    return 0


def run_status(args: argparse.Namespace) -> int:
    print("\n".join(status_lines(open_queue(args))))
    return 0
