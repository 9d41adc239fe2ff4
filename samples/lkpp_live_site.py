"""A sample agency site shaped like what is publicly known of the live lkpp.go.id: articles only
under /read/bu/<slug> (berita utama) and /read/s/<slug> (siaran pers), a paginated home page of
latest news, markup unlike our other agency sample (samples/lkpp_site.py), articles whose only
date may be inline and year-less. With `sitemap`, robots.txt names a sitemap of every page
(articles and the site's other pages alike); without, the pages are all there is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from html import escape

import yaml

from samples.content import CONTENT_DIR
from samples.render import paragraphs_html, tanggal
from samples.server import Page, Site

PER_PAGE = 3
WIB = timezone(timedelta(hours=7))
SECTIONS = {"bu": "Berita Utama", "s": "Siaran Pers"}
OTHER_PAGES = {"/profil": "Profil LKPP", "/layanan": "Layanan", "/kontak": "Kontak Kami"}


@dataclass(frozen=True)
class LiveArticle:
    slug: str
    section: str  # "bu" or "s"
    title: str
    published: datetime | None  # WIB, naive; None: the page prints no date
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/read/{self.section}/{self.slug}"


@cache
def live_articles() -> tuple[LiveArticle, ...]:
    """The site's articles, newest first (undated ones by their place in the file)."""
    rows = yaml.safe_load((CONTENT_DIR / "lkpp_live.yml").read_text(encoding="utf-8"))
    return tuple(
        LiveArticle(
            slug=row["slug"],
            section=row["section"],
            title=row["title"],
            published=datetime.strptime(row["published"], "%Y-%m-%d %H:%M")
            if row.get("published")
            else None,
            paragraphs=tuple(row["paragraphs"]),
        )
        for row in rows
    )


class LiveAgencySite(Site):
    def __init__(self, articles: tuple[LiveArticle, ...], sitemap: bool = True) -> None:
        self.articles = list(articles)
        self.by_path = {a.path: a for a in articles}
        self.sitemap = sitemap

    def delete(self, path: str) -> None:
        self.articles.remove(self.by_path.pop(path))

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/robots.txt":
            sitemap = "Sitemap: /sitemap.xml\n" if self.sitemap else ""
            return Page.text(f"User-agent: *\nDisallow: /admin/\n{sitemap}")
        if path == "/sitemap.xml" and self.sitemap:
            return Page.xml(self.sitemap_xml(), "application/xml")
        if path == "/":
            raw = query.get("page", "1")
            return self.home(int(raw) if raw.isdigit() else 1)
        if path in OTHER_PAGES:
            return Page.html(self.layout(OTHER_PAGES[path], f"<p>{OTHER_PAGES[path]}.</p>"))
        if path in self.by_path:
            return self.article(self.by_path[path])
        return Page.error(404, "Halaman tidak ditemukan")

    def sitemap_xml(self) -> str:
        paths = [*OTHER_PAGES, *(a.path for a in self.articles)]
        urls = "".join(f"<url><loc>{self.base_url}{p}</loc></url>" for p in paths)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        )

    def home(self, page: int) -> Page:
        pages = max(1, -(-len(self.articles) // PER_PAGE))
        if not 1 <= page <= pages:
            return Page.error(404, "Halaman tidak ditemukan")
        chunk = self.articles[(page - 1) * PER_PAGE : page * PER_PAGE]
        cards = "\n".join(
            f"""<div class="col-lg-4 card-post">
  <a class="thumb" href="{a.path}"><img src="/storage/thumb/{a.slug}.jpg" alt=""></a>
  <span class="badge badge-{a.section}">{SECTIONS[a.section]}</span>
  <a class="card-post__title" href="{a.path}">{escape(a.title)}</a>
</div>"""
            for a in chunk
        )
        numbers = "".join(
            f'<li class="page-item{" active" if n == page else ""}">'
            f'<a class="page-link" href="/?page={n}">{n}</a></li>'
            for n in range(1, pages + 1)
        )
        body = f"""<section class="latest-news"><div class="section-title">Berita Terkini</div>
<div class="row">{cards}</div>
<ul class="pagination justify-content-center">{numbers}</ul></section>"""
        return Page.html(self.layout("Beranda", body))

    def article(self, article: LiveArticle) -> Page:
        date = (
            f'<span class="post-date"><i class="far fa-clock"></i> {tanggal(article.published)}</span>'
            if article.published
            else ""
        )
        body = f"""<section class="detail-post">
  <div class="post-header">
    <span class="badge badge-{article.section}">{SECTIONS[article.section]}</span>
    <h2 class="post-header__title">{escape(article.title)}</h2>
    <div class="post-meta"><span class="by"><i class="fas fa-user"></i> Humas LKPP</span>{date}
      <span class="views"><i class="fas fa-eye"></i> 1.087</span></div>
  </div>
  <figure class="post-thumb"><img src="/storage/thumb/{article.slug}.jpg" alt=""></figure>
  <div class="post-body">
{paragraphs_html(article.paragraphs)}
  </div>
  <div class="post-share">Bagikan: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">WhatsApp</a></div>
</section>"""
        page = Page.html(self.layout(article.title, body, article))
        if article.published:
            page.last_modified = article.published.replace(tzinfo=WIB).astimezone(UTC)
        return page

    def layout(self, title: str, body: str, article: LiveArticle | None = None) -> str:
        recent = "".join(
            f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in self.articles[:4]
        )
        canonical = (
            f'<link rel="canonical" href="{self.base_url}{article.path}">' if article else ""
        )
        return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} - LKPP</title>
{canonical}
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
</head>
<body class="layout-lkpp">
<nav class="navbar navbar-expand-lg"><a class="navbar-brand" href="/">LKPP</a>
  <ul class="navbar-nav">{"".join(f'<li><a href="{p}">{t}</a></li>' for p, t in OTHER_PAGES.items())}</ul>
</nav>
<main class="main-content"><div class="container"><div class="row">
<div class="col-lg-8">{body}</div>
<aside class="col-lg-4 sidebar"><h5>Terpopuler</h5><ul class="popular">{recent}</ul></aside>
</div></div></main>
<footer class="footer">Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah &middot; Jakarta</footer>
</body>
</html>"""
