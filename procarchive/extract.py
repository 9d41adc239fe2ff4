"""`procarchive extract`: read saved pages offline into the records a crawl would store."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from itemadapter import ItemAdapter
from w3lib.encoding import html_to_unicode

from pipelines.classify import ClassifyPipeline
from pipelines.confine import confine
from pipelines.language import LanguagePipeline
from pipelines.normalize import NormalizePipeline
from pipelines.notice_writes import notice_id, notice_record
from pipelines.validate import problems
from scrapers.extract.pages import extract_article, guess_spider
from scrapers.extract.spse import (
    LISTING_COLUMNS,
    NotSpse,
    locate,
    parse_listing,
    parse_notice_page,
    parse_schedule,
)
from scrapers.extract.spse3 import (
    LEGACY_MARKER,
    parse_legacy_evaluation,
    parse_legacy_listing,
    parse_legacy_notice,
    parse_legacy_schedule,
)
from scrapers.items import NoticeItem
from scrapers.lpse import Lpse, lpse_registry
from scrapers.sources import Source, in_domains

MIN_TEXT_CHARS = 200
SPSE_MARKER = b"Aplikasi SPSE"


def read_page(path: Path) -> bytes:
    body = path.read_bytes()
    return gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body


def source_for(url: str, registry: dict[str, Source]) -> Source | None:
    return next((s for s in registry.values() if in_domains(url, s.allowed_domains)), None)


def extract_file(path: Path, url: str | None, registry: dict[str, Source]) -> dict[str, Any]:
    """One output record: the file, and the article it holds (or why none)."""
    record: dict[str, Any] = {"file": str(path)}
    try:
        body = read_page(path)
    except OSError as exc:
        return {**record, "error": f"cannot read: {exc}"}
    url = url or path.resolve().as_uri()
    notices = spse_records(body, url)
    if notices is not None:
        return {**record, **notices}
    source = source_for(url, registry)
    spider = source.spider if source else guess_spider(body)
    _, html = html_to_unicode(None, body)
    item = extract_article(
        html, url, spider, source.name if source else urlsplit(url).hostname or "file",
        source.timezone if source else "+07:00",
    )  # fmt: skip
    record["spider"] = spider
    if item is None:
        return {**record, "error": "no article text found"}
    item.page_url = url  # a claim outside the source's domains is set aside, as in a crawl
    host = urlsplit(url).hostname
    if confine(item, source.allowed_domains if source else [host] if host else []) == "no_url":
        return {**record, "error": f"{item.url}: outside the page's domains"}
    for pipeline in (NormalizePipeline(), LanguagePipeline(), ClassifyPipeline()):
        item = pipeline.process_item(item)
    adapter = ItemAdapter(item)
    reasons = problems(adapter, MIN_TEXT_CHARS)
    return {**record, "article": adapter.asdict(), "dropped": reasons or None}


def spse_records(body: bytes, url: str) -> dict[str, Any] | None:
    """An SPSE page (SPSE 4 package page or DataTables listing, or an SPSE 3 page) as the
    records a crawl would store; None for other pages."""
    listing = next((name for name in LISTING_COLUMNS if f"/dt/{name}" in url), None)
    if listing is None and body.lstrip().startswith(b'{"draw"'):
        listing = "swakelola" if b"swakelola" in url.encode() else "nonspk"
    try:
        if listing:
            rows, total = parse_listing(body, listing)
            return {"spider": "spse_notices", "notices": rows, "total": total}
        if LEGACY_MARKER in body:
            return {"spider": "spse_notices", **legacy_records(body, url)}
        if SPSE_MARKER in body:
            return {"spider": "spse_notices", **package_records(body, url)}
    except NotSpse as exc:
        return {"spider": "spse_notices", "error": str(exc)}
    return None


def package_records(body: bytes, url: str) -> dict[str, Any]:
    """A package page: the notice row and its version record (announcement), the schedule,
    or the awards, by what the URL says the page is."""
    _, html = html_to_unicode(None, body)
    lpse, category, part, code = locate(url) or ("unknown", "unknown", "announcement", "")
    offset = lpse_registry().get(lpse, Lpse(lpse, lpse)).timezone
    if part == "schedule":
        return {"schedule": parse_schedule(html, offset)}
    notice = parse_notice_page(html, offset)
    if part == "awards":
        return {"awards": notice.awards, "notice_fields": notice.fields}
    code = code or str(notice.fields.get("package_code") or "")
    item = NoticeItem(
        url, "file", lpse, category, code, notice.fields, notice.rup, [], notice.awards,
        parts=["announcement"] + (["awards"] if notice.awards else []),
    )  # fmt: skip
    record = notice_record(item, None)
    documents = [{"url": urljoin(url, href), "title": text} for href, text in notice.documents]
    return {"notice": {"id": notice_id(lpse, category, code), **record}, "documents": documents}


def legacy_records(body: bytes, url: str) -> dict[str, Any]:
    """SPSE 3 (/eproc/) pages: listings, a tender's information, schedule or evaluation."""
    _, html = html_to_unicode(None, body)
    path = urlsplit(url).path
    if "/lelang/view/" in path:
        return {"notice": parse_legacy_notice(html).fields}
    if "/lelang/tahap/" in path:
        return {"schedule": parse_legacy_schedule(html)}
    if "/lelangpeserta/" in path:
        return {"awards": parse_legacy_evaluation(html)}
    return {"notices": parse_legacy_listing(html, url)}


def extract_files(
    paths: list[Path], urls: list[str], registry: dict[str, Source]
) -> Iterator[dict[str, Any]]:
    for index, path in enumerate(paths):
        yield extract_file(path, urls[index] if index < len(urls) else None, registry)
