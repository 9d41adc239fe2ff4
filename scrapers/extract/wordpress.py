"""WordPress sites through their REST API (/wp-json/wp/v2/posts): posts as articles.

The API gives each post's rendered content, its publication time and its last modification
(the change hint for nightly crawls), so post pages need not be parsed. Early versions of the
API (2015-16: no `status`, `featured_image`) give the same fields this reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from scrapers.extract.dates import WIB, in_offset, parse_date
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


def parse_posts(body: bytes, url: str, source: str, offset: str | None = WIB) -> PostsPage:
    try:
        posts = json.loads(body)
    except ValueError as exc:
        raise NotWordPress(f"not JSON: {exc}") from exc
    if not isinstance(posts, list) or not all(isinstance(p, dict) and "link" in p for p in posts):
        raise NotWordPress("not a list of WordPress posts")
    api = url.split(POSTS_PATH)[0] + POSTS_PATH if POSTS_PATH in url else None
    return PostsPage(
        [item for post in posts if (item := _post(post, source, offset, api))],
        [str(post["link"]) for post in posts],
    )


def header_number(value: bytes | None) -> int | None:
    """X-WP-Total and X-WP-TotalPages as numbers (None when absent or garbled)."""
    text = (value or b"").decode("latin-1").strip()
    return int(text) if text.isdigit() else None


def next_page(url: str, total_pages: int | None, count: int) -> str | None:
    """The next page of the listing: by the X-WP-TotalPages header, or, where a server left
    the headers out, after any page with posts. A short page is no proof of the end then: a
    server that caps or ignores `per_page` gives short pages all along (the listing ends at
    an empty page or at WordPress's answer past the last page, see `past_last_page`)."""
    page = page_number(url)
    per_page = int(parse_qs(urlsplit(url).query).get("per_page", ["10"])[0])
    more = page < total_pages if total_pages is not None else count > 0
    return posts_url(url.split(POSTS_PATH)[0], page + 1, per_page) if more else None


def page_number(url: str) -> int:
    value = parse_qs(urlsplit(url).query).get("page", ["1"])[0]
    return int(value) if value.isdigit() else 1


def past_last_page(body: bytes) -> bool:
    """WordPress's 400 answer to a page after the last: the end of the listing."""
    try:
        error = json.loads(body)
    except ValueError:
        return False
    return isinstance(error, dict) and error.get("code") == "rest_post_invalid_page_number"


def _post(
    post: dict[str, Any], source: str, offset: str | None, api: str | None
) -> ArticleItem | None:
    content = (post.get("content") or {}).get("rendered") or ""
    title = unescape(" ".join(html_paragraphs((post.get("title") or {}).get("rendered") or "")))
    paragraphs = html_paragraphs(content)
    if title and paragraphs and paragraphs[0] == title:  # a theme's heading kept in the content
        paragraphs = paragraphs[1:]
    paragraphs, reference = split_reference(paragraphs)
    if not paragraphs:
        return None
    modified = post.get("modified_gmt")
    return ArticleItem(
        url=post["link"],
        source=source,
        title=title or None,
        text=join_paragraphs(paragraphs),
        published_at=_published(post, offset),
        reference=reference,
        source_updated=f"{modified}Z" if modified else None,
        page_url=f"{api}/{post['id']}" if api and str(post.get("id", "")).isdigit() else None,
    )


def _published(post: dict[str, Any], offset: str | None) -> str | None:
    """`date_gmt` is the moment; `date` is that moment in the timezone the site's settings
    name, which is often WordPress's default (UTC) on an Indonesian site: the moment is
    taken from `date_gmt` and given the source's offset; `date` only where it is missing.
    A source of unknown offset (an ad-hoc crawl) takes the site's own: `date` - `date_gmt`."""
    moment = parse_date(f"{post.get('date_gmt')}Z", None) if post.get("date_gmt") else None
    if moment and not moment.startswith("0000"):
        return in_offset(moment, offset or _site_offset(post) or "+00:00")
    return parse_date(post.get("date"), offset)


def _site_offset(post: dict[str, Any]) -> str | None:
    try:
        local = datetime.fromisoformat(str(post.get("date")))
        utc = datetime.fromisoformat(str(post.get("date_gmt")))
    except ValueError:
        return None
    minutes = round((local - utc).total_seconds() / 60)
    sign, minutes = ("-" if minutes < 0 else "+"), abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
