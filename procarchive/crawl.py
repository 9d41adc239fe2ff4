"""Run spiders for registry sources in one Scrapy process and report each source's crawl."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import sqlite3
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from archive.connection import WRITE_ERRORS, open_archive, refused_write, sqlite_code
from archive.upkeep import optimize_archive
from procarchive.linking import link_archive
from scrapers.sources import Source, is_safe_name, name_for_host

logger = logging.getLogger(__name__)
JOB_MARKER = ".procarchive-job"  # in each job directory this program made
SAMPLE_SETTINGS = {"AUTOTHROTTLE_START_DELAY": 0.05}


@dataclass(frozen=True)
class CrawlResult:
    source: str
    status: str
    pages_fetched: int = 0
    items_new: int = 0
    items_changed: int = 0
    items_unchanged: int = 0
    items_dropped: int = 0
    errors: int = 0
    items_gone: int = 0
    finish_reason: str | None = None
    drift: str | None = None  # what the source's pages were expected to show, and showed
    cut_short: str | None = None  # a budget spent or a trap detected (scrapers/budget.py)
    started_at: str | None = None
    finished_at: str | None = None
    crawl_id: int | None = None  # its crawls row

    @property
    def seconds(self) -> float:
        if not (self.started_at and self.finished_at):
            return 0.0
        delta = datetime.fromisoformat(self.finished_at) - datetime.fromisoformat(self.started_at)
        return delta.total_seconds()


def project_settings(db_path: str | Path, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    settings.set("PROCARCHIVE_DB", str(db_path), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def adhoc_sources(urls: Iterable[str]) -> list[Source]:
    """One source a host for `crawl --start-url`, confined to that host."""
    by_host: dict[str, list[str]] = {}
    hosts: dict[str, str] = {}  # example.go.id. is example.go.id: one source, links on-site
    for url in urls:
        parts = urlsplit(url)
        if not parts.hostname or parts.scheme not in ("http", "https"):
            raise ValueError(f"not an http(s) URL: {url}")
        try:
            name = name_for_host(parts.hostname)
        except ValueError as exc:
            raise ValueError(f"{url}: {exc}") from None
        if not is_safe_name(name):
            raise ValueError(f"{url}: a host that cannot name a source: {parts.hostname!r}")
        by_host.setdefault(name, []).append(url)
        hosts.setdefault(name, parts.hostname.rstrip("."))
    return [
        Source(
            name=name,
            spider="article",
            start_urls=tuple(found),
            allowed_domains=(hosts[name],),
            kind="adhoc",
            timezone=None,  # a site from anywhere: its pages' times keep what they state
        )
        for name, found in by_host.items()
    ]


class CrawlLocked(RuntimeError):
    pass


@contextmanager
def crawl_lock(db_path: str | Path, existing: bool = False) -> Iterator[None]:
    """One writer at a time: an exclusive lock on `<db>.lock`, released even if the process
    is killed (the kernel drops flock locks with the process). `existing`: the archive must
    be there already (reclassify, link-mirrors)."""
    if existing and not Path(db_path).exists():
        raise FileNotFoundError(f"no archive at {db_path}: run `procarchive crawl` first")
    if not Path(db_path).resolve().parent.is_dir():
        raise FileNotFoundError(f"no folder {Path(db_path).resolve().parent} for the archive")
    path = Path(f"{db_path}.lock")
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise CrawlLocked(
                f"another crawl is writing to {db_path} ({holder}); "
                "wait for it to finish, or crawl into another --db"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(
            f"pid {os.getpid()}, started {datetime.now(UTC).isoformat(timespec='seconds')}"
        )
        handle.flush()
        try:
            refuse_other_writers(db_path)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def refuse_other_writers(db_path: str | Path, wait: float = 2.0) -> None:
    """A program other than procarchive in a write transaction on the archive (sqlite3's
    shell, a script) would make the crawl's first write wait SQLite's busy timeout, then
    fail: say so at once instead."""
    if not Path(db_path).exists():
        return
    conn = sqlite3.connect(str(db_path), timeout=wait, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if sqlite_code(exc) not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise
        raise CrawlLocked(
            f"another program is writing to {db_path} (it holds SQLite's write lock); "
            "try again when it has finished"
        ) from None
    finally:
        conn.close()


def job_dir(db_path: str | Path, source: str) -> Path:
    """Where `crawl --resume` keeps a source's pending requests (Scrapy's JOBDIR): a folder
    of `.jobs/` beside the database, never a path outside it, never through a link."""
    if not is_safe_name(source):
        raise ValueError(f"unsafe source name for a job directory: {source!r}")
    root = Path(db_path).resolve().parent / ".jobs"
    jobs = root / source
    if jobs.is_symlink() or root.is_symlink():
        raise ValueError(f"{jobs} is a symbolic link: remove it by hand if it is stale")
    if jobs.resolve().parent != root.resolve():
        raise ValueError(f"job directory {jobs} is not inside {root}")
    return jobs


def remove_job_dir(db_path: str | Path, source: str) -> None:
    """Empty a source's job directory: only ever a folder that `job_dir` names and that
    `usable_job_dir` made (its marker file says so); another is moved aside, not removed."""
    jobs = job_dir(db_path, source)
    if not jobs.is_dir():
        return
    if (jobs / JOB_MARKER).is_file():
        shutil.rmtree(jobs)
        return
    aside = jobs.with_name(f"{source}.stale-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    logger.warning("%s was not made by procarchive: moved aside to %s", jobs, aside.name)
    jobs.rename(aside)


def usable_job_dir(db_path: str | Path, source: str) -> Path:
    """The source's job directory, emptied if the crawl that wrote it was killed: Scrapy
    saves its request queue on a clean stop only, and a half-saved one would skip pages."""
    jobs = job_dir(db_path, source)
    if jobs.exists() and not (jobs / "spider.state").exists():
        logger.warning(
            "The last crawl of %s was killed before it could save its pending requests; "
            "starting it over (the archive skips what it already has)", source
        )  # fmt: skip
        remove_job_dir(db_path, source)
    jobs.mkdir(parents=True, exist_ok=True)
    (jobs / JOB_MARKER).touch()
    return jobs


def crawl(
    sources: list[Source],
    db_path: str | Path,
    overrides: dict[str, Any] | None = None,
    resume: bool = False,
    agency_sources: Iterable[str] | None = None,
    optimize: bool = False,
) -> list[CrawlResult]:
    """Crawl the sources (concurrently, one spider each) into the archive, then link what
    they brought (procarchive.linking) and, with `optimize`, tidy the archive's indexes;
    blocks until done.

    With `resume`, each source keeps its pending requests in a job directory, so a crawl
    that was stopped (Ctrl-C, SIGTERM) or killed continues where it was."""
    run_id = uuid.uuid4().hex[:12]
    settings = project_settings(db_path, {**(overrides or {}), "PROCARCHIVE_RUN_ID": run_id})
    if sys.stderr.isatty() and "LOG_LEVEL" not in (overrides or {}):
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")  # the progress line says the rest
    with crawl_lock(db_path):
        open_archive(db_path).close()  # create and migrate once, before spiders race to
        process = CrawlerProcess(settings)
        for source in sources:
            crawler = process.create_crawler(process.spider_loader.load(source.spider))
            if resume:  # the crawler's settings are its own copy until it starts
                jobs = usable_job_dir(db_path, source.name)
                # A resumed crawl has not read the whole listing itself: no "unlisted" verdicts.
                resumed = (jobs / "spider.state").exists()
                crawler.settings.set("PROCARCHIVE_RESUMED", resumed, priority="cmdline")
                crawler.settings.set("JOBDIR", str(jobs), priority="cmdline")
                crawler.signals.connect(
                    _forget_when_finished(crawler, db_path, source.name),
                    signals.engine_stopped,
                    weak=False,
                )
            process.crawl(crawler, source=source)
        process.start()
        found = results(db_path, run_id, sources)
        agencies = (
            agency_sources
            if agency_sources is not None
            else [s.name for s in sources if s.kind == "agency"]
        )
        after_crawl(db_path, agencies, optimize)
    return found


def _forget_when_finished(crawler: Crawler, db_path: str | Path, source: str) -> Callable[[], None]:
    """A source whose crawl finished leaves no job behind, even if another source's crawl
    in the same process is killed later (its saved state would skip every page)."""

    def forget() -> None:
        if crawler.stats and crawler.stats.get_value("finish_reason") == "finished":
            remove_job_dir(db_path, source)

    return forget


def after_crawl(db_path: str | Path, agency_sources: Iterable[str], optimize: bool) -> None:
    """The steps over the whole archive once the crawls are done. A refused write (a full
    disk) is logged and leaves the crawls' results standing: `link-mirrors` links later."""
    db = open_archive(db_path)
    try:
        for line in link_archive(db, agency_sources).lines():
            logger.info(line)
        if optimize:
            optimize_archive(db)
    except WRITE_ERRORS as exc:
        if not refused_write(exc):
            raise
        logger.error("The post-crawl steps could not write to %s: %s; `link-mirrors` retries",
                     db_path, exc)  # fmt: skip
    finally:
        db.close()


def results(db_path: str | Path, run_id: str, sources: list[Source]) -> list[CrawlResult]:
    db = open_archive(db_path, create=False)
    rows = {row["source"]: row for row in db["crawls"].rows_where("run_id = ?", [run_id])}
    db.close()
    return [
        crawl_result(rows[s.name])
        if s.name in rows
        else CrawlResult(s.name, "failed", finish_reason="spider did not start")
        for s in sources
    ]


def crawl_result(row: dict[str, Any]) -> CrawlResult:
    """A crawls row as a result. One still `running` once its process is done could not
    record its end (the archive stopped taking writes): a failure, with what it counted."""
    fields = CrawlResult.__dataclass_fields__
    values = {k: v for k, v in row.items() if k in fields and v is not None}
    values["crawl_id"] = row.get("id")
    if values.get("status") == "running":
        values |= {"status": "failed", "finish_reason": "end not recorded"}
    return CrawlResult(**values)


def format_results(found: list[CrawlResult]) -> str:
    columns = ("pages", "new", "changed", "same", "gone", "dropped", "errors", "seconds")
    lines = [f"{'source':<28}{'status':<8}" + "".join(f"{c:>9}" for c in columns)]
    for r in found:
        figures = (r.pages_fetched, r.items_new, r.items_changed, r.items_unchanged, r.items_gone,
                   r.items_dropped, r.errors)  # fmt: skip
        lines.append(
            f"{r.source:<28}{r.status:<8}"
            + "".join(f"{n:>9}" for n in figures)
            + f"{r.seconds:>9.0f}"
        )
    for r in found:
        if r.cut_short:
            lines.append(f"{r.status}: {r.source}: {r.cut_short}")
        if r.drift:
            lines.append(f"drifted: {r.source}: {r.drift}")
    failed = [r.source for r in found if r.status not in ("ok", "drifted", "limited", "trapped")]
    if failed:
        lines.append(f"failed: {', '.join(failed)}")
    return "\n".join(lines)
