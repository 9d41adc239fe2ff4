"""Every fault the crawler is known to meet, in one real crawl of one loopback site: each ends
as its own counted reason, the crawl goes on to the end, the archive is sound, and nothing
is fetched or archived from outside the source's domains."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from archive.connection import open_archive
from samples.server import SampleServer
from tests.conftest import procarchive
from tests.fault_site import AGENDA_DAYS, FEEDS, SITEMAPS, FaultSite, OffsiteHost

TRAP_SAME_TEXT = 10  # scrapers/settings.py PROCARCHIVE_TRAP_SAME_TEXT


def test_one_crawl_through_every_fault(tmp_path: Path) -> None:
    offsite = OffsiteHost()
    site = FaultSite(offsite)
    sites = {"faults": site, "offsite": offsite}
    with SampleServer(sites, hosts={"offsite": "127.0.0.2"}) as server:
        base = server.urls["faults"]
        starts = [f"--start-url={base}/{path}" for path in ("sitemap.xml", *FEEDS, *SITEMAPS)]
        run = procarchive(
            "crawl", "--db", str(tmp_path / "archive.db"), *starts,
            "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=1", "-s", "AUTOTHROTTLE_START_DELAY=0",
            "-s", "PROCARCHIVE_WORKER_TIMEOUT=10", "-s", "PROCARCHIVE_WORKER_MEMORY_MB=600",
            cwd=tmp_path,
        )  # fmt: skip
    assert run.returncode == 1, run.stderr[-3000:]  # trapped: cut short, said so
    assert "Traceback" not in run.stderr
    db = open_archive(tmp_path / "archive.db", create=False)
    crawl = next(db["crawls"].rows)
    reasons = json.loads(crawl["error_reasons"])
    trapped = reasons.pop("trap/near_identical")
    assert reasons == {
        "failed/http_500": 1,
        "failed/http_429": 1,  # after its Retry-After was waited for once
        "warnings/retry_after": 1,
        "failed/ResponseDataLossError": 1,  # the truncated body
        "warnings/wrong_charset": 1,
        "warnings/mojibake": 1,
        "failed/too_large": 2,  # the gzip bomb and the 30 MB page
        "failed/RedirectLoop": 1,
        "skipped/offsite": 2,  # the redirect off the site and the sitemap's offsite link
        "skipped/not_text": 1,
        "skipped/empty_body": 1,
        "skipped/robots": 1,
        "failed/http_404": 1,
        "failed/DownloadTimeoutError": 1,  # the hang
        "documents/encrypted": 1,
        "documents/corrupt": 1,
        "documents/too_many_pages": 1,  # 150,000 pages
        "documents/timeout": 1,  # a PDF whose text takes minutes to read
        "documents/truncated": 1,  # an XLSX whose one shared string fills a thousand cells
        "documents/no_text": 1,  # a DOCX of 200,000 empty paragraphs
        "failed/malformed_feed": 3,  # malformed Atom, billion laughs in a feed and a sitemap
        "warnings/empty_feed": 1,  # the XXE sitemap, its only URL an entity left unread
        "warnings/no_date": 14,
    }
    assert crawl["status"] == "trapped" and "trap/near_identical" in crawl["cut_short"]
    agenda = db.execute("select count(*) from articles where url like '%/agenda?day=%'")
    assert trapped >= 1 and agenda.fetchone()[0] <= TRAP_SAME_TEXT < AGENDA_DAYS
    for said in (
        "Maximum entity amplification", "Premature end of data", "exceeded DOWNLOAD_MAXSIZE",
        "larger than download max size", "redirect loop", "Mojibake at", "Empty sitemap at",
        "Document " + base + "/files/encrypted.pdf: encrypted",
    ):  # fmt: skip
        assert said in run.stderr, said

    stored = {row["url"].removeprefix(base): row for row in db["articles"].rows}
    assert {"/ok", "/wrong-charset", "/mojibake", "/with-documents"} <= set(stored)
    assert "–" in stored["/mojibake"]["title"] and "‘wajar’" in stored["/mojibake"]["text"]
    assert "kafé" in stored["/wrong-charset"]["text"]
    problems = dict(db.execute("select url, problem from documents").fetchall())
    assert {url.removeprefix(f"{base}/files/"): p for url, p in problems.items()} == {
        "encrypted.pdf": "encrypted", "malformed.pdf": "corrupt", "pages.pdf": "too_many_pages",
        "slow.pdf": "timeout", "amplifying.xlsx": "truncated", "elements.docx": "no_text",
    }  # fmt: skip
    assert not any(url.startswith("http") for url in stored)  # nothing from another host
    assert offsite.requested == [] and "/private" not in site.requested
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        texts = conn.execute("select group_concat(title || text, ' ') from articles").fetchone()
        assert "root:" not in texts[0]  # the XXE's /etc/passwd was never read
        captured = {url for (url,) in conn.execute("select url from captures")}
    assert all(url.startswith(base) for url in captured)
