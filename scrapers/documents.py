"""Attachments (PDF, DOC(X), XLS(X)) that notices and articles link to: fetched through the
crawl, so that they are captured in the WARC like any page, and read to text.

A document larger than PROCARCHIVE_DOCUMENT_MAX_BYTES is not downloaded; like any other
failure it becomes a `documents` row with the reason, linked to what named it. Documents keep
to the source's allowed domains and its `document_hosts` option, redirects included, and to
each host's robots.txt (scrapers.politeness.AllowedHostsMiddleware).

A document is read in a worker process with a time limit (PROCARCHIVE_WORKER_TIMEOUT) and a
memory limit (PROCARCHIVE_WORKER_MEMORY_MB), its text capped at PROCARCHIVE_DOCUMENT_MAX_CHARS:
whatever a file holds, the crawl goes on, its memory bounded. A limit reached is the
document's `problem`, and like every problem a reason in the crawl (documents/<problem>).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from scrapers.extract.documents import SNIFF_BYTES, DocumentText, document_kind, extract_document
from scrapers.items import DocumentItem
from scrapers.offload import LimitedPool, TaskTimedOut, WorkerDied
from scrapers.politeness import declined, over_size_cap

FILENAME = re.compile(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)', re.IGNORECASE)
EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx")


def is_document_link(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(EXTENSIONS)


class DocumentFetcher:
    """Requests for one spider's documents; a URL is fetched once a crawl, linked as often
    as it is named."""

    def __init__(self, spider: Any, settings: BaseSettings) -> None:
        self.spider = spider
        self.enabled = settings.getbool("PROCARCHIVE_DOCUMENTS", True)
        self.max_bytes = settings.getint("PROCARCHIVE_DOCUMENT_MAX_BYTES")
        self.requested: set[str] = set()
        self.max_chars = settings.getint("PROCARCHIVE_DOCUMENT_MAX_CHARS")
        # A 200-page PDF takes seconds to read, a hostile one forever: never in the crawl's
        # thread, never without limits.
        workers = settings.getint("PROCARCHIVE_EXTRACT_WORKERS")
        self.pool = LimitedPool(
            min(workers or 2, 2),
            timeout=settings.getfloat("PROCARCHIVE_WORKER_TIMEOUT"),
            memory_mb=settings.getint("PROCARCHIVE_WORKER_MEMORY_MB"),
        )
        spider.crawler.signals.connect(self.pool.close, signal=signals.spider_closed)

    def request(
        self, url: str, parent_type: str, parent_id: str, link_text: str | None
    ) -> Iterator[Any]:
        if not self.enabled:
            return
        link: dict[str, Any] = {
            "parent_type": parent_type, "parent_id": parent_id, "link_text": link_text,
        }  # fmt: skip
        if url in self.requested:
            yield DocumentItem(url, self.spider.source.name, linked_only=True, **link)
            return
        self.requested.add(url)
        # Spider methods as callbacks, so that a stopped crawl's queue (JOBDIR) keeps them.
        yield scrapy.Request(
            url, callback=self.spider.parse_document, errback=self.spider.document_failed,
            dont_filter=True,
            meta={"document": link, "download_maxsize": self.max_bytes, "download_warnsize": 0},
        )  # fmt: skip

    async def parse(self, response: Response) -> AsyncIterator[DocumentItem]:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        # The attachment's own file name says more about its kind than a download URL.
        disposition = (response.headers.get("Content-Disposition") or b"").decode("latin-1")
        named = FILENAME.search(disposition)
        name = named[1] if named else response.url
        read = await read_document(self.pool, response.body, content_type, name, self.max_chars)
        if read.problem:
            self.spider.count(f"documents/{read.problem}")
            self.spider.logger.warning("Document %s: %s", response.url, read.problem)
        if read.needs_ocr:
            self.spider.count("documents/needs_ocr")
        yield DocumentItem(
            response.url, self.spider.source.name, **response.meta["document"], kind=read.kind,
            content_type=content_type, size=len(response.body),
            sha256=hashlib.sha256(response.body).hexdigest(), pages=read.pages,
            needs_ocr=read.needs_ocr, problem=read.problem, text=read.text,
            capture_id=response.meta.get("capture_id"),
        )  # fmt: skip

    def failed(self, failure: Failure) -> Iterator[Any]:
        """Counted and logged like any failure, and kept as a row saying why."""
        request = failure.request  # type: ignore[attr-defined]
        if over_size_cap(failure):
            problem = "too_large"
            self.spider.count("skipped/document_too_large")
            self.spider.logger.warning(
                "Document not downloaded, over %d bytes: %s", self.max_bytes, request.url
            )
        else:
            yield from self.spider.request_failed(failure)
            if isinstance(failure.value, HttpError):
                problem = f"http_{failure.value.response.status}"
            elif failure.check(IgnoreRequest):
                problem = declined(str(failure.value)) or "not_fetched"  # offsite, robots
            else:
                problem = type(failure.value).__name__
        yield DocumentItem(
            request.url, self.spider.source.name, **request.meta["document"], problem=problem
        )


async def read_document(
    pool: LimitedPool, body: bytes, content_type: str | None, name: str, max_chars: int
) -> DocumentText:
    """The document's text as a worker read it, or the limit that stopped the worker."""
    try:
        return await pool.run(extract_document, body, content_type, name, max_chars=max_chars)
    except TaskTimedOut:
        problem = "timeout"
    except MemoryError:  # outside extract_document's own guard (sending the text back)
        problem = "too_large"
    except WorkerDied:
        problem = "worker_died"
    # Only the head is sniffed here: the crawl's process never parses a document.
    kind = document_kind(content_type, name, body[:SNIFF_BYTES])
    return DocumentText(kind, "", None, False, problem)
