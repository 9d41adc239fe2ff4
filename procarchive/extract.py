"""`procarchive extract`: read saved pages offline into the records a crawl would store."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from itemadapter import ItemAdapter
from w3lib.encoding import html_to_unicode

from archive.ids import notice_id
from archive.notices import notice_record
from pipelines.classify import ClassifyPipeline
from pipelines.confine import confine
from pipelines.language import LanguagePipeline
from pipelines.normalize import NormalizePipeline
from pipelines.validate import problems
from scrapers.extract import blogger, wordpress
from scrapers.extract.feeds import FeedError, looks_like_feed, parse_feed
from scrapers.extract.pages import extract_article, guess_spider
from scrapers.extract.spse import (
    LISTING_COLUMNS,
    NotSpse,
    is_spse4_page,
    locate,
    page_part,
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
from scrapers.items import ArticleItem, NoticeItem
from scrapers.lpse import Lpse, lpse_registry
from scrapers.sources import Source, in_domains

MIN_TEXT_CHARS = 200


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
    blog = blog_records(body, url, source)
    if blog is not None:
        return {**record, **blog}
    spider = source.spider if source else guess_spider(body)
    _, html = html_to_unicode(None, body)
    item = extract_article(
        html, url, spider, source.name if source else urlsplit(url).hostname or "file",
        source.timezone if source else None,  # as an ad-hoc crawl of the URL reads it
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
    the participants (bidders) or the awards, by what the URL (else the page) says it is."""
    _, html = html_to_unicode(None, body)
    located = locate(url, legacy_hosts())
    lpse, category, part, code = located or ("unknown", "unknown", page_part(html), "")
    offset = lpse_registry().get(lpse, Lpse(lpse, lpse)).timezone
    if part == "schedule":
        return {"schedule": parse_schedule(html, offset)}
    if part == "participants":
        identifier = notice_id(lpse, category, code) if code else None
        return {"notice_id": identifier, "bidders": parse_participants(html)}
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
    paths: list[Path], urls: list[str], registry: dict[str, Source]
) -> Iterator[dict[str, Any]]:
    for index, path in enumerate(paths):
        yield extract_file(path, urls[index] if index < len(urls) else None, registry)


def blog_records(body: bytes, url: str, source: Source | None) -> dict[str, Any] | None:
    """A WordPress posts response, a feed (a Blogger feed's entries as posts) or a Blogger
    page that is not a post, as the blog spiders read them; None for other files."""
    name = source.name if source else urlsplit(url).hostname or "file"
    offset = source.timezone if source else None
    if body.lstrip().startswith(b"["):
        try:
            posts = wordpress.parse_posts(body, url, name, offset)
        except wordpress.NotWordPress as exc:
            return {"spider": "wordpress_mirror", "error": str(exc)}
        host = urlsplit(url).hostname
        domains = source.allowed_domains if source else [host] if host else []
        following = wordpress.next_page(url, None, len(posts.links))  # no headers in a file
        return {
            "spider": "wordpress_mirror", "listed": len(posts.links),
            "next_page": following if wordpress.POSTS_PATH in url else None,
            "posts": [
                post_record(i) if confine(i, domains) != "no_url"
                else {"error": f"{i.url}: outside the page's domains"} for i in posts.items
            ],
        }  # fmt: skip
    if looks_like_feed(body):
        return feed_records(body, url, name, offset)
    if (source.spider if source else guess_spider(body)) != "blogger_mirror":
        return None
    _, html = html_to_unicode(None, body)
    kind = blogger.page_kind(url, html)
    if kind == "static_page":  # read, but not archived: blogger_mirror reads posts only
        item = blogger.parse_post(html, url, name, offset)
        reading = post_record(item) if item else {"error": "no article text found"}
        return {"spider": "blogger_mirror", "page_kind": kind, **reading, "dropped": [kind]}
    if kind != "item":
        error = f"a Blogger {kind} page, not one post: its posts are read from the feed"
        return {"spider": "blogger_mirror", "page_kind": kind, "error": error}
    return None


def feed_records(body: bytes, url: str, name: str, offset: str | None) -> dict[str, Any]:
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
    posts = [post_record(blogger.feed_post(e, name, offset)) for e in page.entries]
    return {"spider": spider, "feed": feed, "posts": posts}


def post_record(item: ArticleItem) -> dict[str, Any]:
    for pipeline in (NormalizePipeline(), LanguagePipeline(), ClassifyPipeline()):
        item = pipeline.process_item(item)
    adapter = ItemAdapter(item)
    return {"article": adapter.asdict(), "dropped": problems(adapter, MIN_TEXT_CHARS) or None}
