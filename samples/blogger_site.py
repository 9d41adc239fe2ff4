"""A Blogger blog in a common Indonesian template that reposts agency news: date header
"Sabtu, 03 Oktober 2015", labels, share buttons, a "Popular Posts" widget, the
`0 Response to "..."` / "Posting Komentar" comment footer, and the Atom feed that
Blogger serves at /feeds/posts/default (paged with start-index and max-results).

Posts marked `theme: "2022"` in content/blogger_mirror.yml are served in the shape of the
2022-23 themes many Indonesian blogs on their own domains use: pages of a few hundred KB
(inline styles and scripts), the title inside the post body, no date anywhere on the page
(the feed still has it), share links, a contact form and a floating menu. The static pages
(/p/...) are in that theme too; the posts feed does not list them."""

from __future__ import annotations

import zlib
from datetime import datetime
from functools import cache
from html import escape

import yaml

from samples.content import CONTENT_DIR, Article
from samples.render import links_html, tanggal
from samples.server import Page, Site

BLOG_TITLE = "Catatan Pengadaan"
BLOG_ID = "7301946182273645120"
ROBOTS = (
    "User-agent: Mediapartners-Google\nDisallow:\n\nUser-agent: *\nDisallow: /search\nAllow: /\n"
)
MAX_RESULTS = 25
# Static pages (/p/<slug>.html): title and paragraphs.
STATIC_PAGES = {
    "tentang": (
        "Tentang Catatan Pengadaan",
        (
            "Catatan Pengadaan adalah blog pribadi tempat saya menyimpan berita dan catatan "
            "seputar pengadaan barang/jasa pemerintah. Sebagian besar tulisan di sini adalah "
            "salinan berita resmi LKPP yang saya beri komentar, sisanya pengalaman sendiri "
            "sebagai pejabat pengadaan di daerah.",
            "Blog ini tidak mewakili instansi mana pun. Untuk informasi resmi, silakan rujuk "
            "laman LKPP dan LPSE masing-masing daerah. Pertanyaan dan koreksi bisa dikirim "
            "lewat formulir kontak di samping.",
        ),
    ),
}


@cache
def newer_theme_posts() -> frozenset[str]:
    """Slugs of the posts served in the 2022 theme (content/blogger_mirror.yml)."""
    rows = yaml.safe_load((CONTENT_DIR / "blogger_mirror.yml").read_text(encoding="utf-8"))
    return frozenset(row["slug"] for row in rows if str(row.get("theme", "")) == "2022")


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
            post = self.by_path[path]
            if post.slug in newer_theme_posts():
                return Page.html(self.newer_post_page(post))
            return Page.html(self.post_page(post))
        slug = path.removeprefix("/p/").removesuffix(".html")
        if path.startswith("/p/") and slug in STATIC_PAGES:
            return Page.html(self.static_page(slug))
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

    def newer_post_page(self, post: Article) -> str:
        """A post in the 2022 theme: the title in the body, no date, share links."""
        url = self.base_url + self.post_path(post)
        post_id = zlib.crc32(post.slug.encode())
        others = [(self.post_path(p), p.title) for p in self.posts if p is not post][:4]
        related = "".join(
            f"<li><a class='judul' href='{escape(href)}'>{escape(title)}</a></li>"
            for href, title in others
        )
        share = "".join(
            f"<a class='share-{name.lower()}' href='{target}{url}' rel='nofollow' "
            f"target='_blank' title='{name} Share'><i class='icon-{name.lower()}'></i></a>"
            for name, target in SHARE_TARGETS
        )
        content = f"""<div class='breadcrumbs'><a href='{self.base_url}/'>Home</a> &#187; <span>{escape(post.title)}</span></div>
<div class='blog-posts hfeed'><div class="date-outer"><div class="date-posts"><div class='post-outer'>
<div class='post hentry' itemprop='blogPost' itemscope='itemscope' itemtype='https://schema.org/BlogPosting'>
<meta content='{post_id}' itemprop='postId'/>
<div class='post-header'><div class='post-header-line-1'></div></div>
<div class='post-body entry-content' id='post-body-{post_id}' itemprop='description articleBody'>
<h1 class='post-title entry-title'><a href='{url}'>{escape(post.title)}</a></h1>
{self.body_html(post)}
<div style='clear: both;'></div></div>
<div class='share-post'><span>Bagikan:</span>{share}</div>
<div id='related-post'><h3 class='title'><span>Related Post</span></h3><ul>{related}</ul></div>
</div></div></div></div></div>"""
        return self.newer_layout(post.title, url, content, "item", str(post_id))

    def static_page(self, slug: str) -> str:
        title, paragraphs = STATIC_PAGES[slug]
        url = f"{self.base_url}/p/{slug}.html"
        text = "".join(
            f"<div class='konten'>{escape(p)}</div><div class='konten'><br/></div>"
            for p in paragraphs
        )
        content = f"""<div class='blog-posts hfeed'><div class='post-outer'><div class='post hentry'>
<div class='post-body entry-content' id='post-body-{zlib.crc32(slug.encode())}' itemprop='articleBody'>
<h1 class='post-title entry-title'><a href='{url}'>{escape(title)}</a></h1>
<div class='fitur'>{text}</div>
<div style='clear: both;'></div></div></div></div></div>"""
        return self.newer_layout(title, url, content, "static_page", "")

    def newer_layout(self, title: str, url: str, content: str, kind: str, post_id: str) -> str:
        popular = links_html(
            [(self.post_path(p), p.title) for p in self.posts[:5]], "popular-posts"
        )
        menu = "".join(
            f"<li><a href='{self.base_url}{href}'>{label}</a></li>"
            for href, label in (
                ("/", "Home"),
                ("/p/tentang.html", "Tentang"),
                ("/search/label/LKPP", "LKPP"),
            )
        )
        is_post = "true" if kind == "item" else "false"
        return f"""<!DOCTYPE html>
<html dir='ltr' lang='id' xmlns='http://www.w3.org/1999/xhtml' xmlns:b='http://www.google.com/2005/gml/b' xmlns:data='http://www.google.com/2005/gml/data' xmlns:expr='http://www.google.com/2005/gml/expr'>
<head>
<meta content='width=device-width,initial-scale=1.0,minimum-scale=1.0' name='viewport'/>
<meta content='text/html; charset=UTF-8' http-equiv='Content-Type'/>
<meta content='blogger' name='generator'/>
<link href='{url}' rel='canonical'/>
<title>{escape(title)} | {BLOG_TITLE}</title>
<meta content='{BLOG_TITLE}: {escape(title)}' name='description'/>
<meta content='{escape(title)}' property='og:title'/>
<meta content='article' property='og:type'/>
<meta content='{url}' property='og:url'/>
<meta content='{BLOG_TITLE}' property='og:site_name'/>
<meta content='id_ID' property='og:locale'/>
<meta content='{BLOG_ID}' itemprop='blogId'/>
<link href='{self.base_url}/feeds/posts/default' rel='alternate' title='{BLOG_TITLE} - Atom' type='application/atom+xml'/>
<style>{newer_theme_css()}</style>
</head>
<body>
<div id='page-loader'></div>
<div id='menu-melayang'><span class='menu-title'>Menu Melayang</span><ul>{menu}</ul></div>
<div id='outer-wrapper'><div id='peklis-wrapper'>
<div id='left-side'>{content}</div>
<div id='right-bar'>
<div class='widget ContactForm' id='ContactForm1'><h2 class='title'>Formulir Kontak</h2>
<form name='contact-form'><p>Nama</p><input name='name' type='text'/><p>Email <span>*</span></p><input name='email' type='text'/>
<p>Pesan <span>*</span></p><textarea name='email-message'></textarea><input type='button' value='Kirim'/></form></div>
<div class='widget BlogSearch' id='BlogSearch1'><h2 class='title'>Cari Artikel</h2><form action='{self.base_url}/search'><input name='q' type='text'/></form></div>
<div class='widget PopularPosts' id='PopularPosts1'><h2 class='title'>Popular Post</h2>{popular}</div>
</div></div></div>
<a class='back-to-top' href='#'>Back to top</a>
<div class='wa-chat' id='wa-chat'><div class='wa-title'>WhatsApp Chat</div><a class='wa-close' href='#'>&#215;</a></div>
<script type='text/javascript'>window['__wavt'] = 'AOuZoY{post_id}';_WidgetManager._Init('//www.blogger.com/rearrange?blogID\x3d{BLOG_ID}','//{self.base_url.split("//")[-1]}/','{BLOG_ID}');
_WidgetManager._SetDataContext([{{'name': 'blog', 'data': {{'blogId': '{BLOG_ID}', 'title': '{BLOG_TITLE}', 'url': '{url}', 'canonicalUrl': '{url}', 'homepageUrl': '{self.base_url}/', 'pageType': '{kind}', 'postId': '{post_id}', 'pageName': '{escape(title)}', 'isPost': {is_post}, 'languageDirection': 'ltr'}}}}]);</script>
<script type='text/javascript'>{newer_theme_script()}</script>
</body>
</html>"""


SHARE_TARGETS = (
    ("Twitter", "https://twitter.com/share?url="),
    ("Facebook", "https://www.facebook.com/sharer.php?u="),
    ("Telegram", "https://t.me/share/url?url="),
    ("WhatsApp", "https://api.whatsapp.com/send?text="),
)


@cache
def newer_theme_css() -> str:
    """The theme's inline styles: most of a 2022 theme's few hundred KB."""
    rules = [
        f".delay-{n} {{-webkit-animation-delay: {n * 0.3:.1f}s;animation-delay: {n * 0.3:.1f}s;}}"
        for n in range(1, 400)
    ]
    rules += [
        f"#widget-{n} .item-{k} a:hover {{color: #{(n * 7919 + k * 104729) % 0xFFFFFF:06x};"
        f"border-bottom: {k % 3}px solid #e0e0e0;transition: all .{k % 9 + 1}s ease;}}"
        for n in range(60)
        for k in range(20)
    ]
    return "\n".join(rules)


@cache
def newer_theme_script() -> str:
    """The theme's inline scripts (lazy images, related posts, the floating menu)."""
    lines = [
        f"function lazy{n}(e){{var t=document.querySelectorAll('img[data-src-{n}]');"
        f"for(var i=0;i<t.length;i++){{t[i].src=t[i].getAttribute('data-src-{n}');}}}}"
        for n in range(300)
    ]
    return "\n".join(lines)


def _iso(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.000+07:00"
