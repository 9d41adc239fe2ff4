"""Politeness in real crawls (loopback): documents keep to a source's hosts and to robots.txt,
and a site's Retry-After is honoured without holding up the other sites."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from archive.connection import open_archive
from samples.server import SampleServer
from scrapers.politeness import (
    AllowedHostsMiddleware,
    RedirectLoop,
    RedirectMiddleware,
    retry_after_seconds,
)
from scrapers.sources import Source
from scrapers.spiders.spse_notices import SpseNoticesSpider
from tests.conftest import procarchive
from tests.hostile_site import AttachmentSite, BusySite, DocumentHost, NeighbourSite, other_host

QUICK = ("-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "DOWNLOAD_TIMEOUT=5")


def crawls(db_path: Path) -> dict[str, dict[str, Any]]:
    return {row["source"]: row for row in open_archive(db_path, create=False)["crawls"].rows}


def document_problems(db_path: Path) -> dict[str, str | None]:
    db = open_archive(db_path, create=False)
    return {row["url"]: row["problem"] for row in db["documents"].rows}


def test_documents_keep_to_the_allowed_domains_and_robots_txt(tmp_path: Path) -> None:
    files = DocumentHost()
    site = AttachmentSite(files)
    with SampleServer({"site": site, "files": files}) as server:
        base, cdn = server.urls["site"], other_host(server.urls["files"])
        run = procarchive(
            "crawl", "--db", str(tmp_path / "archive.db"), "--start-url", f"{base}/notice", *QUICK,
            cwd=tmp_path,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert files.requested == []  # no document, no redirect target, not even its robots.txt
    assert "/private/secret.pdf" not in site.requested
    assert site.requested.count("/files/moved.pdf") == 1  # the redirect came, was not followed
    crawl = crawls(tmp_path / "archive.db")["127.0.0.1"]
    assert json.loads(crawl["error_reasons"]) == {
        "skipped/offsite": 4,  # cdn.pdf, the redirect to moved.pdf, cdn-secret.pdf, far.pdf
        "skipped/robots": 1,
        "warnings/no_date": 1,
    }
    assert crawl["status"] == "ok" and crawl["errors"] == 0
    third = server.urls["files"].replace("127.0.0.1", "127.0.0.2")
    assert document_problems(tmp_path / "archive.db") == {
        f"{base}/files/own.pdf": None,
        f"{cdn}/files/cdn.pdf": "offsite",
        f"{cdn}/files/moved.pdf": "offsite",
        f"{base}/private/secret.pdf": "robots",
        f"{cdn}/private/cdn-secret.pdf": "offsite",
        f"{third}/files/far.pdf": "offsite",
    }
    assert f"Not fetched {cdn}/files/moved.pdf" in run.stderr


def test_a_source_may_name_its_document_hosts(tmp_path: Path) -> None:
    files = DocumentHost()
    site = AttachmentSite(files)
    with SampleServer({"site": site, "files": files}) as server:
        base, cdn = server.urls["site"], other_host(server.urls["files"])
        registry = tmp_path / "sources.yml"
        registry.write_text(
            "sources:\n  - name: notices\n    spider: article\n"
            f'    start_urls: ["{base}/notice"]\n    allowed_domains: [127.0.0.1]\n'
            "    options: {document_hosts: [localhost]}\n",
            encoding="utf-8",
        )
        run = procarchive(
            "crawl", "notices", "--registry", str(registry), "--db", str(tmp_path / "archive.db"),
            *QUICK, cwd=tmp_path,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted(files.requested) == ["/files/cdn.pdf", "/files/moved.pdf", "/robots.txt"]
    crawl = crawls(tmp_path / "archive.db")["notices"]
    assert json.loads(crawl["error_reasons"]) == {
        "skipped/offsite": 1,  # far.pdf, on a third host
        "skipped/robots": 2,  # each host's own robots.txt
        "warnings/no_date": 1,
    }
    third = server.urls["files"].replace("127.0.0.1", "127.0.0.2")
    assert document_problems(tmp_path / "archive.db") == {
        f"{base}/files/own.pdf": None,
        f"{cdn}/files/cdn.pdf": None,
        f"{cdn}/files/moved.pdf": None,
        f"{base}/private/secret.pdf": "robots",
        f"{cdn}/private/cdn-secret.pdf": "robots",
        f"{third}/files/far.pdf": "offsite",
    }


def test_retry_after_is_honoured_without_holding_up_other_sites(tmp_path: Path) -> None:
    busy = BusySite()
    neighbour = NeighbourSite(busy)
    with SampleServer({"busy": busy, "neighbour": neighbour}) as server:
        base = server.urls["busy"]
        run = procarchive(
            "crawl", "--db", str(tmp_path / "archive.db"), "--start-url", f"{base}/busy",
            "--start-url", f"{base}/down",
            "--start-url", f"{other_host(server.urls['neighbour'])}/feed", *QUICK,
            cwd=tmp_path,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    refused, retried = busy.times["/busy"]
    assert retried - refused >= 2
    assert len(busy.times["/down"]) == 1  # an hour is over the cap: given up, not hammered
    # The neighbour's articles, named only after the 429, came well before the retry.
    news = [
        t for path, times in neighbour.times.items() if path.startswith("/news/") for t in times
    ]
    assert len(news) == 3 and refused < min(news) and max(news) < retried - 1
    found = crawls(tmp_path / "archive.db")
    assert json.loads(found["127.0.0.1"]["error_reasons"]) == {
        "warnings/retry_after": 1,
        "failed/RetryAfterTooLong": 1,
        "warnings/no_date": 1,
    }
    assert found["127.0.0.1"]["status"] == "ok" and found["localhost"]["status"] == "ok"
    assert "Retry-After 2 s" in run.stderr and "Retry-After 3600 s" in run.stderr


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"20", now) == 20
    assert retry_after_seconds(b" 0 ", now) == 0
    assert retry_after_seconds(b"Mon, 02 Mar 2026 08:01:30 GMT", now) == 90
    assert retry_after_seconds(b"Mon, 02 Mar 2026 07:59:00 GMT", now) == 0  # already past
    for unreadable in (b"", b"-5", b"soon", b"1.5", None):
        assert retry_after_seconds(unreadable, now) is None


def test_a_page_may_send_the_client_back_to_itself_once_not_twice() -> None:
    middleware = RedirectMiddleware.from_crawler(get_crawler())
    url = "https://spse.example/eproc4/lelang"
    back = Response(url, status=302, headers={"Location": url})
    first = Request(url, dont_filter=True)  # bypasses the duplicate filter, as SPSE's do
    again = middleware.process_response(first, back)
    assert isinstance(again, Request) and again.url == url  # a cookie set, then back: fine
    with pytest.raises(RedirectLoop):
        middleware.process_response(again, back)
    with pytest.raises(RedirectLoop):  # the duplicate filter would drop it silently
        middleware.process_response(Request(url), back)


def test_requests_that_bypass_the_duplicate_filter_keep_to_the_allowed_domains() -> None:
    crawler = get_crawler(SpseNoticesSpider)
    source = Source("spse", "spse_notices", ("https://spse.inaproc.id",), ("spse.inaproc.id",))
    crawler.spider = crawler._create_spider(source=source)
    hosts = AllowedHostsMiddleware.from_crawler(crawler)
    hosts.process_request(Request("https://spse.inaproc.id/jakarta/lelang", dont_filter=True))
    elsewhere = Request(
        "https://evil.example/x", dont_filter=True,
        meta={"redirect_urls": ["https://spse.inaproc.id/jakarta/lelang"]},
    )  # fmt: skip
    with pytest.raises(IgnoreRequest, match=r"offsite.*redirected from https://spse"):
        hosts.process_request(elsewhere)
    hosts.process_request(Request("https://evil.example/y"))  # Scrapy's own filter's to drop
