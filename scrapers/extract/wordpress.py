"""WordPress sites through their REST API (/wp-json/wp/v2/posts): posts as articles.

The API gives each post's rendered content, its local publication time and its last
modification (the change hint for nightly crawls), so post pages need not be parsed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from scrapers.extract.dates import WIB, parse_date
from scrapers.extract.text import html_paragraphs, join_paragraphs, split_reference
from scrapers.items import ArticleItem

POSTS_PATH = "wp-json/wp/v2/posts"


class NotWordPress(ValueError):
    """The response is not a list of WordPress posts."""


def posts_url(site_url: str, page: int = 1, per_page: int = 20) -> str:
    query = urlencode({"per_page": per_page, "page": page, "orderby": "date", "order": "desc"})
    return f"{urljoin(site_url.rstrip('/') + '/', POSTS_PATH)}?{query}"


@dataclass(frozen=True)
class PostsPage:
    items: list[ArticleItem]  # the posts with text
    links: list[str]  # every post the page lists, with text or not


def parse_posts(body: bytes, url: str, source: str, offset: str = WIB) -> PostsPage:
    try:
        posts = json.loads(body)
    except ValueError as exc:
        raise NotWordPress(f"not JSON: {exc}") from exc
    if not isinstance(posts, list) or not all(isinstance(p, dict) and "link" in p for p in posts):
        raise NotWordPress("not a list of WordPress posts")
    api = url.split(POSTS_PATH)[0] + POSTS_PATH
    return PostsPage(
        [item for post in posts if (item := _post(post, source, offset, api))],
        [str(post["link"]) for post in posts],
    )


def header_number(value: bytes | None) -> int | None:
    """X-WP-Total and X-WP-TotalPages as numbers (None when absent or garbled)."""
    text = (value or b"").decode("latin-1").strip()
    return int(text) if text.isdigit() else None


def next_page(url: str, total_pages: int | None, count: int) -> str | None:
    """The next page of the listing, by the X-WP-TotalPages header (or a full page)."""
    query = parse_qs(urlsplit(url).query)
    page = int(query.get("page", ["1"])[0])
    per_page = int(query.get("per_page", ["10"])[0])
    more = page < total_pages if total_pages is not None else count >= per_page
    return posts_url(url.split(POSTS_PATH)[0], page + 1, per_page) if more else None


def _post(post: dict[str, Any], source: str, offset: str, api: str) -> ArticleItem | None:
    content = (post.get("content") or {}).get("rendered") or ""
    paragraphs, reference = split_reference(html_paragraphs(content))
    if not paragraphs:
        return None
    title = " ".join(html_paragraphs((post.get("title") or {}).get("rendered") or ""))
    modified = post.get("modified_gmt")
    return ArticleItem(
        url=post["link"],
        source=source,
        title=unescape(title) or None,
        text=join_paragraphs(paragraphs),
        published_at=parse_date(post.get("date"), offset),
        reference=reference,
        source_updated=f"{modified}Z" if modified else None,
        page_url=f"{api}/{post['id']}" if str(post.get("id", "")).isdigit() else None,
    )
