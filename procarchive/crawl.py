"""Run spiders for registry sources in one Scrapy process and report each source's crawl."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from pipelines.archive import open_archive
from scrapers.sources import Source

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
    finish_reason: str | None = None


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
    for url in urls:
        host = urlsplit(url).hostname
        if not host or urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"not an http(s) URL: {url}")
        by_host.setdefault(host, []).append(url)
    return [
        Source(
            name=host,
            spider="article",
            start_urls=tuple(found),
            allowed_domains=(host,),
            kind="adhoc",
        )
        for host, found in by_host.items()
    ]


def crawl(
    sources: list[Source], db_path: str | Path, overrides: dict[str, Any] | None = None
) -> list[CrawlResult]:
    """Crawl the sources (concurrently, one spider each) into the archive; blocks until done."""
    run_id = uuid.uuid4().hex[:12]
    settings = project_settings(db_path, {**(overrides or {}), "PROCARCHIVE_RUN_ID": run_id})
    open_archive(db_path).close()  # create and migrate once, before spiders race to
    process = CrawlerProcess(settings, install_root_handler=True)
    for source in sources:
        process.crawl(process.spider_loader.load(source.spider), source=source)
    process.start()
    return results(db_path, run_id, sources)


def results(db_path: str | Path, run_id: str, sources: list[Source]) -> list[CrawlResult]:
    db = open_archive(db_path, create=False)
    rows = {row["source"]: row for row in db["crawls"].rows_where("run_id = ?", [run_id])}
    db.close()
    fields = CrawlResult.__dataclass_fields__
    return [
        CrawlResult(**{k: v for k, v in rows[s.name].items() if k in fields})
        if s.name in rows
        else CrawlResult(s.name, "failed", finish_reason="spider did not start")
        for s in sources
    ]


def format_results(found: list[CrawlResult]) -> str:
    header = f"{'source':<28}{'status':<8}{'pages':>7}{'new':>6}{'changed':>9}{'same':>6}{'dropped':>9}{'errors':>8}"
    lines = [header]
    for r in found:
        lines.append(
            f"{r.source:<28}{r.status:<8}{r.pages_fetched:>7}{r.items_new:>6}{r.items_changed:>9}"
            f"{r.items_unchanged:>6}{r.items_dropped:>9}{r.errors:>8}"
        )
    failed = [r.source for r in found if r.status != "ok"]
    if failed:
        lines.append(f"failed: {', '.join(failed)}")
    return "\n".join(lines)
