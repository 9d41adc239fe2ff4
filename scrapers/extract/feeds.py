"""Atom, RSS 2.0 and sitemap documents: the links they lead to, and their next page."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearchrss/1.0/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/xml",
        "text/xml",
        "application/rdf+xml",
    }
)


class FeedError(ValueError):
    """The document is not a feed or sitemap that can be read; the message says why."""


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None = None
    published: str | None = None
    updated: str | None = None
    author: str | None = None
    content_html: str | None = None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedPage:
    kind: str  # "atom", "rss", "sitemap" or "sitemapindex"
    entries: list[FeedEntry] = field(default_factory=list)
    next_url: str | None = None
    total: int | None = None
    problem: str | None = None  # set when the XML was broken and only partly recovered


def looks_like_feed(body: bytes, content_type: str | None = None) -> bool:
    """Is this meant as a feed or sitemap: served as one, or XML with such a root?"""
    if content_type and content_type.split(";")[0].strip().lower() in FEED_TYPES:
        return True
    head = body[:2048].lstrip()
    if not head.startswith(b"<"):
        return False
    roots = ("feed", "rss", "rdf:RDF", "urlset", "sitemapindex")
    return any(f"<{root}".encode() in head for root in roots)


def parse_feed(body: bytes, url: str) -> FeedPage:
    """Read an Atom feed, RSS 2.0 feed, sitemap or sitemap index. Raises FeedError."""
    if not body.strip():
        raise FeedError("empty document")
    problem = None
    try:
        root = etree.fromstring(body.strip(), _parser(recover=False))
    except etree.XMLSyntaxError as strict:
        # What lxml can recover of a broken document is kept, but said to be broken: a
        # truncated feed page must not pass for a complete one.
        problem = f"malformed XML: {strict}"
        try:
            root = etree.fromstring(body.strip(), _parser(recover=True))
        except etree.XMLSyntaxError as exc:
            raise FeedError(f"not XML: {exc}") from exc
    if root is None:
        raise FeedError("not XML: nothing could be parsed")
    name = etree.QName(root).localname
    if name == "feed":
        page = _atom(root, url)
    elif name in ("rss", "RDF"):
        page = _rss(root, url)
    elif name in ("urlset", "sitemapindex"):
        page = _sitemap(root, url, name)
    else:
        raise FeedError(f"root element <{name}> is not a feed or sitemap")
    return dataclasses.replace(page, problem=problem) if problem else page


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        recover=recover, resolve_entities=False, no_network=True, huge_tree=False
    )


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _atom(root: etree._Element, url: str) -> FeedPage:
    entries = []
    for entry in root.iter(f"{ATOM}entry"):
        link = _atom_link(entry, "alternate")
        if not link:
            continue
        content = entry.find(f"{ATOM}content")
        if content is None:
            content = entry.find(f"{ATOM}summary")
        entries.append(
            FeedEntry(
                url=urljoin(url, link),
                title=_text(entry.find(f"{ATOM}title")),
                published=_text(entry.find(f"{ATOM}published")),
                updated=_text(entry.find(f"{ATOM}updated")),
                author=_text(entry.find(f"{ATOM}author/{ATOM}name")),
                content_html=_text(content),
                labels=tuple(
                    c.get("term", "") for c in entry.findall(f"{ATOM}category") if c.get("term")
                ),
            )
        )
    next_link = _atom_link(root, "next")
    total = _text(root.find(f"{OPENSEARCH}totalResults"))
    return FeedPage(
        "atom",
        entries,
        urljoin(url, next_link) if next_link else None,
        int(total) if total and total.isdigit() else None,
    )


def _atom_link(element: etree._Element, rel: str) -> str | None:
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == rel and link.get("href"):
            return link.get("href")
    return None


def _rss(root: etree._Element, url: str) -> FeedPage:
    entries = []
    for item in root.iter("item", "{http://purl.org/rss/1.0/}item"):
        link = _text(item.find("link"))
        guid = item.find("guid")
        if not link and guid is not None and guid.get("isPermaLink", "true") == "true":
            link = _text(guid)
        if not link:
            continue
        entries.append(
            FeedEntry(
                url=urljoin(url, link),
                title=_text(item.find("title")),
                published=_text(item.find("pubDate")),
                author=_text(item.find("{http://purl.org/dc/elements/1.1/}creator")),
                content_html=_text(item.find("{http://purl.org/rss/1.0/modules/content/}encoded"))
                or _text(item.find("description")),
                labels=tuple(c.text.strip() for c in item.findall("category") if c.text),
            )
        )
    next_link = _atom_link(
        root.find("channel") if root.find("channel") is not None else root, "next"
    )
    return FeedPage("rss", entries, urljoin(url, next_link) if next_link else None)


def _sitemap(root: etree._Element, url: str, kind: str) -> FeedPage:
    child = "sitemap" if kind == "sitemapindex" else "url"
    entries = [
        FeedEntry(url=urljoin(url, loc), updated=_text(node.find(f"{SITEMAP}lastmod")))
        for node in root.iter(f"{SITEMAP}{child}", child)
        if (loc := _text(node.find(f"{SITEMAP}loc")) or _text(node.find("loc")))
    ]
    return FeedPage("sitemap" if kind == "urlset" else kind, entries)
