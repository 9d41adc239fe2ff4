"""A Blogger blog in a common Indonesian template that reposts agency news: date header
"Sabtu, 03 Oktober 2015", labels, share buttons, a "Popular Posts" widget, the
`0 Response to "..."` / "Posting Komentar" comment footer, and the Atom feed that
Blogger serves at /feeds/posts/default (paged with start-index and max-results)."""

from __future__ import annotations

import zlib
from datetime import datetime
from html import escape

from samples.content import Article
from samples.render import links_html, tanggal
from samples.server import Page, Site

BLOG_TITLE = "Catatan Pengadaan"
BLOG_ID = "7301946182273645120"
ROBOTS = (
    "User-agent: Mediapartners-Google\nDisallow:\n\nUser-agent: *\nDisallow: /search\nAllow: /\n"
)
MAX_RESULTS = 25


class BloggerSite(Site):
    def __init__(self, posts: tuple[Article, ...], agency: Site | None = None) -> None:
        self.posts = posts
        self.agency = agency
        self.by_path = {self.post_path(p): p for p in posts}

    @staticmethod
    def post_path(post: Article) -> str:
        return f"/{post.published:%Y/%m}/{post.slug}.html"

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/robots.txt":
            return Page.text(ROBOTS)
        if path == "/feeds/posts/default":
            start = max(1, int(query.get("start-index", "1")))
            size = min(150, max(1, int(query.get("max-results", str(MAX_RESULTS)))))
            return Page.xml(self.feed(start, size))
        if path == "/":
            return Page.html(self.layout(BLOG_TITLE, self.home()))
        if path in self.by_path:
            return Page.html(self.post_page(self.by_path[path]))
        return Page.error(404, "Maaf, halaman yang Anda cari di blog ini tidak ada.")

    def body_html(self, post: Article) -> str:
        # Blogger's editor writes paragraphs as <br /> runs in older posts and <p> in newer.
        if len(post.slug) % 2:
            html = "<br />\n<br />\n".join(escape(p) for p in post.paragraphs)
        else:
            html = "".join(f"<p>{escape(p)}</p>" for p in post.paragraphs)
        if post.reference:
            label, _, name = post.reference.partition(":")
            if self.agency and post.repost_of and "Sumber" in label:
                href = f"{self.agency.base_url}/berita/{post.repost_of}"
                html += f'<br />\n<br />\n<b>{escape(label)}:</b> <a href="{href}">{escape(name.strip())}</a>'
            else:
                html += f"<br />\n<br />\n<b>{escape(post.reference)}</b>"
        return html

    def feed(self, start: int, size: int) -> str:
        chunk = self.posts[start - 1 : start - 1 + size]
        base = self.base_url
        entries = "".join(
            f"""<entry><id>tag:blogger.com,1999:blog-{BLOG_ID}.post-{zlib.crc32(p.slug.encode())}</id>
<published>{_iso(p.published)}</published><updated>{_iso(p.published)}</updated>
{"".join(f"<category scheme='http://www.blogger.com/atom/ns#' term='{escape(label)}'/>" for label in p.labels)}
<title type='text'>{escape(p.title)}</title><content type='html'>{escape(self.body_html(p))}</content>
<link rel='alternate' type='text/html' href='{base}{self.post_path(p)}' title='{escape(p.title)}'/>
<author><name>{escape(p.author)}</name></author><thr:total>0</thr:total></entry>
"""
            for p in chunk
        )
        next_link = ""
        if start - 1 + size < len(self.posts):
            next_link = (
                f"<link rel='next' type='application/atom+xml' href='{base}/feeds/posts/default"
                f"?start-index={start + size}&amp;max-results={size}'/>"
            )
        updated = _iso(self.posts[0].published) if self.posts else ""
        return f"""<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' xmlns:blogger='http://schemas.google.com/blogger/2008' xmlns:thr='http://purl.org/syndication/thread/1.0'>
<id>tag:blogger.com,1999:blog-{BLOG_ID}</id><updated>{updated}</updated>
<title type='text'>{BLOG_TITLE}</title>
<link rel='alternate' type='text/html' href='{base}/'/>
<link rel='self' type='application/atom+xml' href='{base}/feeds/posts/default?start-index={start}&amp;max-results={size}'/>
{next_link}
<generator version='7.00' uri='http://www.blogger.com'>Blogger</generator>
<openSearch:totalResults>{len(self.posts)}</openSearch:totalResults>
<openSearch:startIndex>{start}</openSearch:startIndex><openSearch:itemsPerPage>{size}</openSearch:itemsPerPage>
{entries}</feed>"""

    def home(self) -> str:
        return "".join(
            f'<div class="post-outer"><h2 class="date-header"><span>{tanggal(p.published, False)}</span></h2>'
            f'<h3 class="post-title"><a href="{self.post_path(p)}">{escape(p.title)}</a></h3></div>'
            for p in self.posts[:10]
        )

    def post_page(self, post: Article) -> str:
        labels = ", ".join(
            f'<a href="/search/label/{escape(label)}" rel="tag">{escape(label)}</a>'
            for label in post.labels
        )
        others = [(self.post_path(p), p.title) for p in self.posts if p is not post]
        body = f"""<div class="date-header"><span>{tanggal(post.published, False)}</span></div>
<div class="post hentry" itemprop="blogPost" itemscope="itemscope">
  <h1 class="post-title entry-title" itemprop="headline">{escape(post.title)}</h1>
  <div class="post-header">
    <span class="post-author vcard">Diposting oleh <span class="fn" itemprop="author">{escape(post.author)}</span></span>
    <span class="post-timestamp"><a class="timestamp-link" href="{self.post_path(post)}" rel="bookmark"><abbr class="published" itemprop="datePublished" title="{_iso(post.published)}">{tanggal(post.published, False)}</abbr></a></span>
    <span class="post-labels">Label: {labels}</span>
  </div>
  <div class="post-body entry-content" id="post-body-{zlib.crc32(post.slug.encode())}" itemprop="articleBody">
{self.body_html(post)}
  </div>
  <div class="post-share-buttons">Share This: <a class="share-button sb-email" href="#">Email This</a> <a class="share-button sb-blog" href="#">BlogThis!</a> <a class="share-button sb-twitter" href="#">Share to Twitter</a> <a class="share-button sb-facebook" href="#">Share to Facebook</a></div>
  <div class="related-posts"><h4>Artikel Terkait</h4>{links_html(others[:3], "related-list")}</div>
</div>
<div class="comments" id="comments">
  <h4>0 Response to "{escape(post.title)}"</h4>
  <div class="comment-form"><h4 id="comment-post-message">Posting Komentar</h4>
  <p>Silakan berkomentar dengan sopan.</p></div>
</div>
<div class="blog-pager"><a class="home-link" href="/">Beranda</a></div>"""
        return self.layout(f"{post.title}", body, others)

    def layout(self, title: str, body: str, others: list[tuple[str, str]] | None = None) -> str:
        popular = links_html((others or [])[:5], "popular-posts")
        return f"""<!DOCTYPE html>
<html class="v2" dir="ltr" lang="id" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta content="text/html; charset=UTF-8" http-equiv="Content-Type"/>
<meta content="blogger" name="generator"/>
<link href="{self.base_url}/feeds/posts/default" rel="alternate" title="{BLOG_TITLE} - Atom" type="application/atom+xml"/>
<title>{escape(title)} | {BLOG_TITLE}</title>
</head>
<body>
<div class="header"><h1 class="title"><a href="/">{BLOG_TITLE}</a></h1><p class="description">Catatan seputar pengadaan barang/jasa pemerintah</p></div>
<div class="main-inner"><div class="main">{body}</div>
<div class="sidebar">
  <div class="widget PopularPosts" id="PopularPosts1"><h2>Popular Posts</h2>{popular}</div>
  <div class="widget Label" id="Label1"><h2>Label</h2><ul><li><a href="/search/label/LKPP">LKPP</a></li></ul></div>
</div></div>
<div class="footer-outer">Copyright &#169; 2015 {BLOG_TITLE}. Diberdayakan oleh <a href="https://www.blogger.com">Blogger</a>.</div>
</body>
</html>"""


def _iso(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.000+07:00"
