"""An agency news site modelled on lkpp.go.id: paginated listing, article pages with
breadcrumbs, share buttons, a related-news sidebar and a footer."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from html import escape

from samples.content import Article
from samples.render import links_html, paragraphs_html, tanggal
from samples.server import Page, Site

PER_PAGE = 10
SITE_NAME = "LKPP - Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah"
CONTROL = "/__control/"
ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /cari\nDisallow: /__control/\n\nSitemap: /sitemap.xml\n"
WIB = timezone(timedelta(hours=7))
# A listed link whose page always fails: crawls must count it, log it and go on.
BROKEN_SLUG = "arsip-berita-dipindahkan"


class AgencySite(Site):
    def __init__(self, articles: tuple[Article, ...]) -> None:
        self.articles = list(articles)
        self.by_slug = {a.slug: a for a in articles}
        self.redesigned = False

    def redesign(self) -> None:
        """Serve the same pages in a new template (other classes, other structure), as an
        agency relaunching its site does: the crawl must say so, not carry on quietly."""
        self.redesigned = True

    def edit(self, slug: str, silent: bool = False) -> None:
        """Change an article's last paragraph, as an agency correcting a story; a `silent`
        edit leaves the sitemap's lastmod (and Last-Modified) as they were."""
        article = self.by_slug[slug]
        paragraphs = (*article.paragraphs[:-1], article.paragraphs[-1] + " (Diperbarui.)")
        now = datetime.now(WIB).replace(tzinfo=None, microsecond=0)
        edited = replace(
            article, paragraphs=paragraphs, modified=article.modified if silent else now
        )
        self.articles[self.articles.index(article)] = edited
        self.by_slug[slug] = edited

    def delete(self, slug: str) -> None:
        self.articles.remove(self.by_slug.pop(slug))

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/robots.txt":
            return Page.text(ROBOTS)
        if path.startswith(CONTROL):  # the benchmark edits a server in another process
            action, _, slug = path.removeprefix(CONTROL).partition("/")
            if slug not in self.by_slug or action not in ("edit", "delete"):
                return Page.error(404, "unknown article or action")
            getattr(self, action)(slug)
            return Page.text("ok")
        if path in ("/", "/berita", "/berita/"):
            return self.listing(int(query.get("page", "1") or 1))
        if path == "/sitemap.xml":
            return Page.xml(self.sitemap(), "application/xml")
        if path == f"/berita/{BROKEN_SLUG}":
            return Page.error(500, "Internal Server Error")
        slug = path.removeprefix("/berita/")
        if slug in self.by_slug:
            return self.article(self.by_slug[slug])
        return Page.error(404, "Halaman tidak ditemukan")

    def listing(self, page: int) -> Page:
        pages = max(1, -(-len(self.articles) // PER_PAGE))
        if not 1 <= page <= pages:
            return Page.error(404, "Halaman tidak ditemukan")
        chunk = self.articles[(page - 1) * PER_PAGE : page * PER_PAGE]
        if self.redesigned:
            return self.new_listing(chunk, page, pages)
        cards = "\n".join(
            f"""<div class="news-item">
  <h3 class="news-item-title"><a href="/berita/{a.slug}">{escape(a.title)}</a></h3>
  <span class="news-item-date">{tanggal(a.published)}</span>
  <p class="news-item-summary">{escape(a.paragraphs[0][:180])}...</p>
</div>"""
            for a in chunk
        )
        if page == 2:
            cards += f'\n<div class="news-item"><h3 class="news-item-title"><a href="/berita/{BROKEN_SLUG}">Arsip Berita</a></h3></div>'
        nav = []
        if page > 1:
            nav.append(
                f'<li><a rel="prev" href="/berita?page={page - 1}">&laquo; Sebelumnya</a></li>'
            )
        nav.extend(
            f'<li class="{"active" if n == page else ""}"><a href="/berita?page={n}">{n}</a></li>'
            for n in range(1, pages + 1)
        )
        if page < pages:
            nav.append(
                f'<li><a rel="next" href="/berita?page={page + 1}">Selanjutnya &raquo;</a></li>'
            )
        body = f"""<h1 class="page-title">Berita</h1>
<div class="news-list">{cards}</div>
<ul class="pagination">{"".join(nav)}</ul>"""
        return Page.html(self.layout(f"Berita - Halaman {page}", body, "/berita"))

    def new_listing(self, chunk: list[Article], page: int, pages: int) -> Page:
        cards = "\n".join(
            f'<li class="kartu"><a class="kartu__judul" href="/berita/{a.slug}">'
            f"{escape(a.title)}</a><time>{tanggal(a.published)}</time></li>"
            for a in chunk
        )
        more = (
            f'<a class="muat-lagi" href="/berita?page={page + 1}">Muat lagi</a>'
            if page < pages
            else ""
        )
        body = f'<section class="daftar"><ul class="kartu-list">{cards}</ul>{more}</section>'
        return Page.html(self.layout(f"Berita - Halaman {page}", body, "/berita"))

    def new_article(self, article: Article) -> str:
        return f"""<div class="konten"><header class="konten__kepala">
  <h2 class="konten__judul">{escape(article.title)}</h2>
  <p class="konten__meta">{escape(article.author)} &middot; {tanggal(article.published)}</p>
</header>
<div class="konten__isi">
{paragraphs_html(article.paragraphs)}
</div></div>"""

    def sitemap(self) -> str:
        urls = "".join(
            f"<url><loc>{self.base_url}/berita/{a.slug}</loc>"
            f"<lastmod>{a.last_change.replace(tzinfo=WIB).isoformat()}</lastmod></url>"
            for a in self.articles
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        )

    def article(self, article: Article) -> Page:
        index = self.articles.index(article)
        related = [
            (f"/berita/{a.slug}", a.title)
            for a in self.articles[index + 1 : index + 6] or self.articles[:5]
        ]
        body = (
            self.new_article(article)
            if self.redesigned
            else f"""<ol class="breadcrumb">
  <li><a href="/">Beranda</a></li><li><a href="/berita">Berita</a></li>
  <li class="active">{escape(article.title)}</li>
</ol>
<div class="row">
<article class="news-detail col-md-8">
  <h1 class="news-title">{escape(article.title)}</h1>
  <div class="news-meta">
    <span class="news-category">{escape(article.category)}</span>
    <span class="news-date"><i class="fa fa-calendar"></i> {tanggal(article.published)}</span>
    <span class="news-author">Ditulis oleh {escape(article.author)}</span>
    <span class="news-hits">Dibaca 1.204 kali</span>
  </div>
  <div class="news-content">
{paragraphs_html(article.paragraphs)}
  </div>
  <div class="share-buttons">Bagikan:
    <a class="share-facebook" href="#">Facebook</a> <a class="share-twitter" href="#">Twitter</a>
    <a class="share-whatsapp" href="#">WhatsApp</a>
  </div>
</article>
<aside class="sidebar col-md-4">
  <div class="widget related-news"><h3>Berita Terkait</h3>{links_html(related, "related-list")}</div>
  <div class="widget agenda"><h3>Agenda</h3><p>Rapat koordinasi pengadaan nasional.</p></div>
</aside>
</div>"""
        )
        page = Page.html(
            self.layout(article.title, body, f"/berita/{article.slug}", article.paragraphs[0][:150])
        )
        page.last_modified = article.last_change.replace(tzinfo=WIB).astimezone(UTC)
        return page

    def layout(self, title: str, body: str, path: str, description: str = "") -> str:
        return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>{escape(title)} | {SITE_NAME}</title>
<meta name="description" content="{escape(description)}">
<meta property="og:site_name" content="LKPP">
<meta property="og:title" content="{escape(title)}">
<link rel="canonical" href="{self.base_url}{path}">
<link rel="stylesheet" href="/assets/css/site.css">
</head>
<body>
<header class="site-header">
  <a class="logo" href="/"><img src="/assets/img/logo-lkpp.png" alt="LKPP"></a>
  <nav class="main-nav"><ul>
    <li><a href="/">Beranda</a></li><li><a href="/berita">Berita</a></li>
    <li><a href="/admin/">Layanan</a></li><li><a href="/cari">Cari</a></li>
  </ul></nav>
</header>
<main class="container">
{body}
</main>
<footer class="site-footer">
  <p>Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah (LKPP)</p>
  <p>Jl. Epicentrum Tengah Lot 11 B, Jakarta Selatan. Telp. (021) 299 12 450</p>
  <p>&copy; 2016 LKPP. Hak cipta dilindungi undang-undang.</p>
</footer>
</body>
</html>"""
