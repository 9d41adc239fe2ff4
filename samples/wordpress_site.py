"""A WordPress site that reposts agency news: post pages in a default theme's markup, the
`/feed/` RSS, and the REST API at /wp-json/wp/v2/posts, paged, as WordPress 5.x answers it
(block-editor content, `_links` with curies, X-WP-Total headers) or in the shapes real sites
also give: without the X-WP-* headers (a cache or proxy drops them), or as the early API of
2015-16 (no `status`, `featured_image` for `featured_media`). content/wordpress_sites.yml
says which (`api:`)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import timedelta
from email.utils import format_datetime
from functools import cache
from html import escape
from typing import Any

import yaml

from samples.content import CONTENT_DIR, Article, agency_articles
from samples.render import paragraphs_html
from samples.server import Page, Site

ROBOTS = "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
WIB_OFFSET = timedelta(hours=7)
PAST_LAST_PAGE = {
    "code": "rest_post_invalid_page_number",
    "message": "The page number requested is larger than the number of pages available.",
    "data": {"status": 400},
}


@dataclass(frozen=True)
class ApiShape:
    total_headers: bool = True  # X-WP-Total and X-WP-TotalPages sent
    early: bool = False  # the 2015-16 API: no `status`, `featured_image`, no block editor


@cache
def wordpress_posts(site: str) -> tuple[str, str, tuple[Article, ...], ApiShape]:
    """(name, tagline, posts newest first, API shape) of a site in content/wordpress_sites.yml."""
    config = yaml.safe_load((CONTENT_DIR / "wordpress_sites.yml").read_text(encoding="utf-8"))[site]
    originals = {a.slug: a for a in agency_articles()}
    posts = []
    for n, row in enumerate(config["posts"]):
        source = originals[row["repost_of"]]
        kept = [source.paragraphs[i] for i in row.get("keep", range(len(source.paragraphs)))]
        for insert in sorted(row.get("insert", []), key=lambda i: i["after"], reverse=True):
            kept[insert["after"] : insert["after"]] = insert["paragraphs"]
        posts.append(
            Article(
                slug=f"{source.slug}-{n}", title=row.get("title", source.title),
                published=source.published + timedelta(days=row["days_after"], hours=3),
                author="admin", paragraphs=tuple(kept), reference=row.get("reference"),
                repost_of=source.slug,
            )
        )  # fmt: skip
    ordered = tuple(sorted(posts, key=lambda a: a.published, reverse=True))
    return config["name"], config["tagline"], ordered, ApiShape(**config.get("api", {}))


class WordPressSite(Site):
    def __init__(
        self, name: str, tagline: str, posts: tuple[Article, ...], shape: ApiShape = ApiShape()
    ) -> None:
        self.name, self.tagline, self.posts, self.shape = name, tagline, posts, shape
        self.by_path = {self.path(p): p for p in posts}

    @staticmethod
    def path(post: Article) -> str:
        return f"/{post.published:%Y/%m/%d}/{post.slug}/"

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/robots.txt":
            return Page.text(ROBOTS)
        if path == "/wp-json/wp/v2/posts":
            return self.api(
                int(query.get("page", "1") or 1), min(100, int(query.get("per_page", "10") or 10))
            )
        if path == "/feed/":
            return Page.xml(self.feed(), "application/rss+xml")
        if path in self.by_path:
            return Page.html(self.page(self.by_path[path]))
        return Page.error(404, "Halaman tidak ditemukan")

    def content(self, post: Article) -> str:
        if self.shape.early:  # the classic editor: paragraphs a line apart
            html = paragraphs_html(post.paragraphs)
            return html + (f"\n<p>{escape(post.reference)}</p>" if post.reference else "")
        # The block editor's rendering: its comments are gone, their blank lines stay.
        blocks = [f"<p>{escape(p)}</p>" for p in post.paragraphs]
        blocks.insert(
            1, f'<figure class="wp-block-image"><img src="{self.image(post)}" alt=""/></figure>'
        )
        blocks += [f"<p>{escape(post.reference)}</p>"] if post.reference else []
        return "\n" + "\n\n\n\n".join(blocks) + "\n"

    def image(self, post: Article) -> str:
        return f"{self.base_url}/wp-content/uploads/{post.published:%Y/%m}/{post.slug}.jpg"

    def api(self, page: int, per_page: int) -> Page:
        pages = max(1, math.ceil(len(self.posts) / per_page))
        if page > pages:
            return Page(400, "application/json", json.dumps(PAST_LAST_PAGE).encode())
        chunk = self.posts[(page - 1) * per_page : page * per_page]
        body = [self.post_json(p) for p in chunk]
        page_out = Page(200, "application/json", json.dumps(body, ensure_ascii=False).encode())
        if self.shape.total_headers:
            page_out.headers = {"X-WP-Total": str(len(self.posts)), "X-WP-TotalPages": str(pages)}
        return page_out

    def post_json(self, post: Article) -> dict[str, Any]:
        number = 1000 + self.posts.index(post)
        api = f"{self.base_url}/wp-json/wp/v2"
        links: dict[str, Any] = {
            "self": [{"href": f"{api}/posts/{number}"}],
            "collection": [{"href": f"{api}/posts"}],
            "author": [{"embeddable": True, "href": f"{api}/users/1"}],
        }
        media = {"embeddable": True, "href": f"{api}/media/{number + 5000}"}
        found: dict[str, Any] = {
            "id": number, "date": f"{post.published:%Y-%m-%dT%H:%M:%S}",
            "date_gmt": f"{post.published - WIB_OFFSET:%Y-%m-%dT%H:%M:%S}",
            "guid": {"rendered": f"{self.base_url}/?p={number}"},
            "modified": f"{post.last_change:%Y-%m-%dT%H:%M:%S}",
            "modified_gmt": f"{post.last_change - WIB_OFFSET:%Y-%m-%dT%H:%M:%S}",
            "slug": post.slug, "type": "post", "link": self.base_url + self.path(post),
            "title": {"rendered": escape(post.title)},
            "content": {"rendered": self.content(post)},
            "excerpt": {"rendered": f"<p>{escape(post.paragraphs[0][:150])}&hellip;</p>\n"},
            "author": 1, "comment_status": "open", "ping_status": "open", "sticky": False,
            "format": "standard",
        }  # fmt: skip
        if self.shape.early:
            links["https://api.w.org/featuredmedia"] = [media]
            return {**found, "featured_image": number + 5000, "_links": links}
        links["wp:featuredmedia"] = [media]
        links["curies"] = [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}]
        found["content"]["protected"] = False
        found["excerpt"]["protected"] = False
        return {
            **found, "status": "publish", "featured_media": number + 5000, "template": "",
            "meta": [], "categories": [1], "tags": [], "_links": links,
        }  # fmt: skip

    def feed(self) -> str:
        items = "".join(
            f"<item><title>{escape(p.title)}</title><link>{self.base_url}{self.path(p)}</link>"
            f"<pubDate>{format_datetime(p.published.replace(tzinfo=None) - WIB_OFFSET)} +0000</pubDate>"
            f"<description>{escape(p.paragraphs[0][:150])}</description></item>"
            for p in self.posts
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{escape(self.name)}</title><link>{self.base_url}/</link>{items}</channel></rss>"
        )

    def page(self, post: Article) -> str:
        return f"""<!DOCTYPE html>
<html lang="id-ID"><head><meta charset="UTF-8"><meta name="generator" content="WordPress 6.4.3">
<title>{escape(post.title)} &#8211; {escape(self.name)}</title>
<link rel="canonical" href="{self.base_url}{self.path(post)}">
<meta property="article:published_time" content="{post.published:%Y-%m-%dT%H:%M:%S}+07:00">
</head><body class="post-template-default single single-post">
<header id="masthead" class="site-header"><p class="site-title"><a href="/">{escape(self.name)}</a></p>
<p class="site-description">{escape(self.tagline)}</p></header>
<main id="main" class="site-main"><article class="post type-post status-publish hentry">
<header class="entry-header"><h1 class="entry-title">{escape(post.title)}</h1>
<div class="entry-meta"><time class="entry-date published" datetime="{post.published:%Y-%m-%dT%H:%M:%S}+07:00">{post.published:%d/%m/%Y}</time></div></header>
<div class="entry-content">{self.content(post)}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Bagikan ini:</h3><ul><li>Facebook</li><li>WhatsApp</li></ul></div>
</div></article>
<div id="comments" class="comments-area"><h3 id="reply-title">Tinggalkan Balasan</h3></div></main>
<footer class="site-footer">&copy; {escape(self.name)}. Dibuat dengan WordPress.</footer></body></html>"""
