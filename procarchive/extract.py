"""`procarchive extract`: read saved pages offline into the records a crawl would store."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from w3lib.encoding import html_to_unicode

from pipelines.classify import ClassifyPipeline
from pipelines.language import LanguagePipeline
from pipelines.normalize import NormalizePipeline
from pipelines.validate import problems
from scrapers.extract.pages import extract_article, guess_spider
from scrapers.extract.spse import LISTING_COLUMNS, NotSpse, parse_listing, parse_notice_page
from scrapers.sources import Source

MIN_TEXT_CHARS = 200
SPSE_MARKER = b"Aplikasi SPSE"


def read_page(path: Path) -> bytes:
    body = path.read_bytes()
    return gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body


def source_for(url: str, registry: dict[str, Source]) -> Source | None:
    host = urlsplit(url).hostname or ""
    for source in registry.values():
        if any(host == d or host.endswith("." + d) for d in source.allowed_domains):
            return source
    return None


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
    for pipeline in (NormalizePipeline(), LanguagePipeline(), ClassifyPipeline()):
        item = pipeline.process_item(item)
    adapter = ItemAdapter(item)
    reasons = problems(adapter, MIN_TEXT_CHARS)
    return {**record, "article": adapter.asdict(), "dropped": reasons or None}


def spse_records(body: bytes, url: str) -> dict[str, Any] | None:
    """An SPSE package page or DataTables listing as notice records; None for other pages."""
    listing = next((name for name in LISTING_COLUMNS if f"/dt/{name}" in url), None)
    if listing is None and body.lstrip().startswith(b'{"draw"'):
        listing = "swakelola" if b"swakelola" in url.encode() else "nonspk"
    try:
        if listing:
            rows, total = parse_listing(body, listing)
            return {"spider": "spse_notices", "notices": rows, "total": total}
        if SPSE_MARKER in body:
            _, html = html_to_unicode(None, body)
            notice = parse_notice_page(html)
            return {"spider": "spse_notices", "notice": notice.fields, "rup": notice.rup}
    except NotSpse as exc:
        return {"spider": "spse_notices", "error": str(exc)}
    return None


def extract_files(
    paths: list[Path], urls: list[str], registry: dict[str, Source]
) -> Iterator[dict[str, Any]]:
    for index, path in enumerate(paths):
        yield extract_file(path, urls[index] if index < len(urls) else None, registry)
