"""`procarchive extract`: read saved pages offline into the records a crawl would store."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.settings import Settings
from w3lib.encoding import html_to_unicode

from archive.ids import notice_id
from archive.notices import notice_record
from procarchive.offline import OfflinePipelines
from scrapers.analysis.article import analyse, analyse_all
from scrapers.extract import blogger, wordpress
from scrapers.extract.extractors import guess_spider, read_article, template_for
from scrapers.extract.feeds import FeedError, looks_like_feed, parse_feed
from scrapers.extract.spse import (
    LISTING_COLUMNS,
    NotSpse,
    is_spse4_page,
    locate,
    page_part,
    parse_evaluation,
    parse_listing,
    parse_notice_page,
    parse_participants,
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


def read_page(path: Path) -> bytes:
    body = path.read_bytes()
    return gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body


def page_source(url: str, registry: dict[str, Source], body: bytes) -> Source:
    """The registry's source whose domains hold the URL, else one for the page's host whose
    template its markup names."""
    found = next((s for s in registry.values() if in_domains(url, s.allowed_domains)), None)
    if found is not None:
        return found
    host = urlsplit(url).hostname
    # As an ad-hoc crawl of the URL reads it: no offset assumed for times written without one.
    return Source(
        host or "file", guess_spider(body), (url,), (host,) if host else (), timezone=None
    )


def extract_file(
    path: Path, url: str | None, registry: dict[str, Source], settings: Settings
) -> dict[str, Any]:
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
    source = page_source(url, registry, body)
    pipelines = OfflinePipelines(settings, source.spider, source.allowed_domains)
    blog = blog_records(body, url, source, pipelines)
    if blog is not None:
        return {**record, **blog}
    _, html = html_to_unicode(None, body)
    reading = read_article(source.spider, html, url, source, sample_chars(settings))
    record |= {"spider": source.spider, "extractor": reading.extractor}
    if reading.item is None:
        return {**record, "error": "no article text found"}
    reading.item.page_url = url  # a claim outside the source's domains is set aside, as in a crawl
    return {**record, **pipelines.record(reading.item)}


def sample_chars(settings: Settings) -> int:
    return settings.getint("PROCARCHIVE_LANGUAGE_SAMPLE_CHARS")


def spse_records(body: bytes, url: str) -> dict[str, Any] | None:
    """An SPSE page (SPSE 4 package page on spse.inaproc.id or an LPSE's own host, a
    DataTables listing, or an SPSE 3 page) as the records a crawl would store; None for
    other pages."""
    listing = next((name for name in LISTING_COLUMNS if f"/dt/{name}" in url), None)
    if listing is None and body.lstrip().startswith(b'{"draw"'):
        listing = "swakelola" if b"swakelola" in url.encode() else "nonspk"
    try:
        if listing:
            rows, total = parse_listing(body, listing)
            return {"spider": "spse_notices", "notices": rows, "total": total}
        if LEGACY_MARKER in body:
            return {"spider": "spse_notices", **legacy_records(body, url)}
        if is_spse4_page(body, url):
            return {"spider": "spse_notices", **package_records(body, url)}
    except NotSpse as exc:
        return {"spider": "spse_notices", "error": str(exc)}
    return None


def legacy_hosts() -> dict[str, str]:
    """LPSE slug by the hosts each LPSE ran SPSE on before spse.inaproc.id."""
    return {
        host: slug
        for slug, lpse in lpse_registry().items()
        for host in (lpse.legacy_host, *lpse.aliases)
        if host
    }


def package_records(body: bytes, url: str) -> dict[str, Any]:
    """A package page: the notice row and its version record (announcement), the schedule,
    the participants (bidders), their evaluation or the awards, by what the URL (else the
    page) says it is."""
    _, html = html_to_unicode(None, body)
    located = locate(url, legacy_hosts())
    lpse, category, part, code = located or ("unknown", "unknown", page_part(html), "")
    offset = lpse_registry().get(lpse, Lpse(lpse, lpse)).timezone
    if part == "schedule":
        return {"schedule": parse_schedule(html, offset)}
    if part == "participants":
        identifier = notice_id(lpse, category, code) if code else None
        return {"notice_id": identifier, "bidders": parse_participants(html)}
    if part == "evaluation":
        identifier = notice_id(lpse, category, code) if code else None
        return {"notice_id": identifier, "evaluation": parse_evaluation(html)}
    notice = parse_notice_page(html, offset)
    if part == "awards":
        return {"awards": notice.awards, "notice_fields": notice.fields}
    code = code or str(notice.fields.get("package_code") or "")
    item = NoticeItem(
        url, "file", lpse, category, code, notice.fields, notice.rup, [], notice.awards,
        parts=["announcement"] + (["awards"] if notice.awards else []), timezone=offset,
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
    paths: list[Path], urls: list[str], registry: dict[str, Source], settings: Settings
) -> Iterator[dict[str, Any]]:
    for index, path in enumerate(paths):
        yield extract_file(path, urls[index] if index < len(urls) else None, registry, settings)


def blog_records(
    body: bytes, url: str, source: Source, pipelines: OfflinePipelines
) -> dict[str, Any] | None:
    """A WordPress posts response, a feed (a Blogger feed's entries as posts) or a Blogger
    page that is not a post, as the blog spiders read them; None for other files."""
    settings = pipelines.settings
    if body.lstrip().startswith(b"["):
        try:
            posts = wordpress.parse_posts(body, url, source.name, source.timezone)
        except wordpress.NotWordPress as exc:
            return {"spider": "wordpress_mirror", "error": str(exc)}
        following = wordpress.next_page(url, None, len(posts.links))  # no headers in a file
        return {
            "spider": "wordpress_mirror", "listed": len(posts.links),
            "next_page": following if wordpress.POSTS_PATH in url else None,
            "posts": [
                pipelines.record(item)
                for item in analyse_all(posts.items, sample_chars(settings))
            ],
        }  # fmt: skip
    if looks_like_feed(body):
        return feed_records(body, url, source, pipelines)
    page_kind = template_for(source.spider).page_kind
    if page_kind is None:
        return None
    _, html = html_to_unicode(None, body)
    kind = page_kind(url, html)
    spider = source.spider
    if kind == "static_page":  # read, but not archived: blogger_mirror reads posts only
        item = read_article(spider, html, url, source, sample_chars(settings)).item
        reading = pipelines.record(item) if item else {"error": "no article text found"}
        return {"spider": spider, "page_kind": kind, **reading, "dropped": [kind]}
    if kind != "item":
        error = f"a Blogger {kind} page, not one post: its posts are read from the feed"
        return {"spider": spider, "page_kind": kind, "error": error}
    return None


def feed_records(
    body: bytes, url: str, source: Source, pipelines: OfflinePipelines
) -> dict[str, Any]:
    """A Blogger feed page: its posts as the entries give them, its total and next page;
    another feed or sitemap: the links an ad-hoc crawl follows."""
    is_blogger = b"tag:blogger.com," in body[:4096]
    spider = "blogger_mirror" if is_blogger else "article"
    try:
        page = blogger.parse_feed_page(body, url) if is_blogger else parse_feed(body, url)
    except FeedError as exc:
        return {"spider": spider, "error": str(exc)}
    feed = {
        "kind": page.kind, "total": page.total, "next_url": page.next_url, "problem": page.problem
    }  # fmt: skip
    if not is_blogger:
        return {"spider": spider, "feed": feed, "links": [e.url for e in page.entries]}
    chars = sample_chars(pipelines.settings)
    posts = [
        pipelines.record(analyse(blogger.feed_post(e, source.name, source.timezone), chars))
        for e in page.entries
    ]
    return {"spider": spider, "feed": feed, "posts": posts}
