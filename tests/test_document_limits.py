"""Documents never stop or sink a crawl: each is read in a worker with a time and a memory
limit, and a limit reached is the document's problem, counted, while the crawl goes on."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

from archive.connection import open_archive
from samples.documents import make_pdf
from samples.hostile_documents import amplifying_xlsx, many_elements_docx, slow_text_pdf
from samples.server import SampleServer
from scrapers.documents import read_document
from scrapers.extract.documents import DEFAULT_MAX_CHARS
from scrapers.offload import LimitedPool
from tests.hostile_site import HostileDocumentSite
from tests.test_end_to_end import procarchive

LIMITS = (
    "-s", "PROCARCHIVE_WORKER_TIMEOUT=3", "-s", "PROCARCHIVE_WORKER_MEMORY_MB=300",
    "-s", "PROCARCHIVE_DOCUMENT_MAX_CHARS=200000",
)  # fmt: skip
QUICK = ("-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "DOWNLOAD_TIMEOUT=10")


def read(
    body: bytes, url: str, timeout: float = 60, max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[str, str | None]:
    """(kind, problem) of a document read as a crawl reads it, in a worker of 250 MB."""
    pool = LimitedPool(1, timeout=timeout, memory_mb=250)
    try:
        result = asyncio.run(read_document(pool, body, None, url, max_chars))
    finally:
        pool.close()
    return result.kind, result.problem


def test_a_reading_past_the_time_limit_is_a_timeout() -> None:
    body = slow_text_pdf(pages=50, operations=200_000)  # seconds of parsing a page

    assert read(body, "x.pdf", timeout=2) == ("pdf", "timeout")


def test_a_reading_out_of_the_workers_memory_is_too_large() -> None:
    body = amplifying_xlsx(string_chars=1_000_000, cells=300)  # uncapped, 300 M characters

    assert read(body, "x.xlsx", max_chars=10**10) == ("xlsx", "too_large")


def test_millions_of_elements_read_within_the_memory_limit() -> None:
    """Parsed to a tree, two million elements would take more than the worker has."""
    assert read(many_elements_docx(2_000_000), "x.docx") == ("docx", "no_text")
    assert read(make_pdf("Pengumuman", ["Isi."]), "x.pdf") == ("pdf", None)


def test_a_crawl_reads_hostile_documents_within_its_limits_and_goes_on(tmp_path: Path) -> None:
    site = HostileDocumentSite()
    db_path = tmp_path / "archive.db"
    with SampleServer({"site": site}) as server:
        base = server.urls["site"]
        run = procarchive(
            "crawl", "--db", str(db_path), "--start-url", f"{base}/notice", *LIMITS, *QUICK,
            cwd=tmp_path, timeout=180,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    db = open_archive(db_path, create=False)
    assert [row["url"] for row in db["articles"].rows] == [f"{base}/notice"]
    documents = {row["url"].rsplit("/", 1)[1]: row for row in db["documents"].rows}
    assert {name: row["problem"] for name, row in documents.items()} == {
        "slow.pdf": "timeout",
        "pages.pdf": "too_many_pages",
        "amplify.xlsx": "truncated",
        "elements.docx": "truncated",
        "ok.pdf": None,
    }
    assert len(documents["amplify.xlsx"]["text"]) == 200_000
    assert documents["elements.docx"]["text"].startswith("kata\n\nkata")
    assert documents["pages.pdf"]["pages"] == 20_000
    assert "Isi dokumen biasa." in documents["ok.pdf"]["text"]
    crawl = next(db["crawls"].rows)
    assert json.loads(crawl["error_reasons"]) == {
        "documents/timeout": 1,
        "documents/too_many_pages": 1,
        "documents/truncated": 2,
        "warnings/no_date": 1,
    }
    assert crawl["status"] == "ok" and crawl["errors"] == 0
    for name, problem in (("slow.pdf", "timeout"), ("amplify.xlsx", "truncated")):
        assert run.stderr.count(f"Document {base}/files/{name}: {problem}") == 1
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
