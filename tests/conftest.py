"""Shared test helpers: paths, the real-data folder, sample servers, response builders."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from archive import migrations
from archive.connection import open_archive
from archive.session import EXTENSION, CrawlSession
from procarchive.jobqueue.local_node import free_port
from samples.server import SampleServer
from samples.sites import build_sites, serve_samples
from scrapers.sources import SAMPLE_REGISTRY, fill_placeholders

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REALDATA = ROOT.parent / "shared" / "realdata"


def procarchive(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """The command line in a process of its own (a crawl's reactor runs once a process)."""
    return subprocess.run(
        [sys.executable, "-m", "procarchive.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PROCARCHIVE_STRICT": "0"},
    )


def migrations_without(name: str) -> Migrations:
    """procarchive's migrations in their order, `name` left out: monkeypatched onto
    archive.migrations.MIGRATIONS, an archive opened is one that has not had it yet."""
    every = migrations.MIGRATIONS.pending(Database(memory=True))  # none applied: all of them
    assert name in [migration.name for migration in every]
    earlier = Migrations(migrations.MIGRATIONS.name)
    for migration in every:
        if migration.name != name:
            earlier(name=migration.name, transactional=migration.transactional)(migration.fn)
    return earlier


def realdata(folder: str) -> Path:
    """A folder of ../shared/realdata, or skip the test with the reason."""
    path = REALDATA / folder
    if not path.is_dir():
        pytest.skip(
            f"real pages not available: {path} is absent (they live outside the repository)"
        )
    return path


def collect(outputs: AsyncIterator[Any]) -> list[Any]:
    """What an async callback yields."""

    async def run() -> list[Any]:
        return [output async for output in outputs]

    return asyncio.run(run())


# Spiders built for their callbacks alone read pages in the test's process.
INLINE = {"PROCARCHIVE_EXTRACT_WORKERS": 1}


def fake_response(
    url: str, body: bytes | str, callback: object = None, xml: bool = False
) -> TextResponse:
    """A response as the downloader would hand it to a callback."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    cls = XmlResponse if xml else HtmlResponse
    return cls(url=url, body=data, encoding="utf-8", request=Request(url, callback=callback))  # type: ignore[arg-type]


def archive_crawler(
    settings: dict[str, Any] | None = None, spidercls: type[Spider] = Spider
) -> Crawler:
    """A crawler as a crawl has one for its components: the crawl session among its
    extensions (scrapers/settings.py)."""
    return get_crawler(spidercls, {"EXTENSIONS": {EXTENSION: 100}, **(settings or {})})


def end_crawl(crawler: Crawler, reason: str = "finished") -> None:
    """What the engine does last: the spider closed (after the pipelines' own handlers),
    then the engine stopped; the session records the crawl's figures."""
    session = CrawlSession.of(crawler)
    session.spider_closed(crawler.spider, reason)  # type: ignore[arg-type]
    session.close()


@pytest.fixture(scope="session")
def sample_sites() -> Iterator[SampleServer]:
    server = serve_samples()
    yield server
    server.stop()


# The news sources of the sample registry: the tests of nightly crawls, crash safety and
# resumption are about articles, and leave the notice and PPS crawls to their own tests.
ARTICLE_SOURCES = ("lkpp_news", "catatan_pengadaan", "warta_pbj", "pbj_sleman")


def write_registry(
    path: Path, urls: dict[str, str], only: tuple[str, ...] = ARTICLE_SOURCES
) -> Path:
    """The sample registry pointed at `urls`, with the sources named in `only`."""
    registry = yaml.safe_load(SAMPLE_REGISTRY.read_text(encoding="utf-8"))
    registry["sources"] = [
        fill_placeholders(s, urls) for s in registry["sources"] if s["name"] in only
    ]
    path.write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[tuple[SampleServer, Path]]:
    """Fresh sample sites (the tests edit them) and a registry pointing at them."""
    server = SampleServer(build_sites()).start()
    registry = write_registry(tmp_path / "sources.yml", server.urls)
    yield server, registry
    server.stop()


def crawl(tmp_path: Path, registry: Path, *settings: str) -> dict[str, Any]:
    run = procarchive(
        "crawl", "--registry", str(registry), "--db", str(tmp_path / "archive.db"),
        "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "PROCARCHIVE_REFRESH_SLICES=0", *settings,
        cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    db = open_archive(tmp_path / "archive.db", create=False)
    last = db.execute("select run_id from crawls order by id desc limit 1").fetchone()[0]
    rows = list(db.table("crawls").rows_where("run_id = ?", [last]))
    return {
        "rows": rows,
        "run": last,
        **{key: sum(row[key] for row in rows) for key in
           ("items_new", "items_changed", "items_unchanged", "items_gone", "bytes_received", "pages_fetched")},
    }  # fmt: skip


# The shared queue's tests (tests/test_jobqueue.py, tests/test_cluster_shards.py).
REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A real redis-server of the tests' own on a loopback port, for a module's tests."""
    redis = pytest.importorskip("redis", reason="redis-py is in the cluster and test extras")
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
def client(redis_url: str) -> Iterator[Any]:
    import redis

    connection = redis.Redis.from_url(redis_url)
    connection.flushall()
    yield connection
    connection.close()
