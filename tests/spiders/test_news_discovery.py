"""The news spider against sites that make discovery hard: sitemap indexes (gzipped, missing,
broken children), a feed that pages in a circle, a pager without end. Real crawls."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import yaml

from archive.connection import open_archive
from samples.server import Page, SampleServer, Site
from tests.conftest import procarchive

ARTICLES = [f"/warta/{n}-berita-pengadaan-nomor-{n}" for n in range(1, 7)]


def article_page(path: str) -> Page:
    number = path.split("/")[-1].split("-")[0]
    text = " ".join(["Pengadaan barang dan jasa pemerintah daerah berjalan sesuai rencana."] * 6)
    return Page.html(
        f"<html><head><title>Berita {number}</title></head><body><article><h1>Berita nomor "
        f"{number} tentang pengadaan</h1><p>{text}</p><p>{text}</p></article></body></html>"
    )


class TrickySite(Site):
    def route(self, path: str, query: dict[str, str]) -> Page:
        base = self.base_url
        if path == "/robots.txt":
            return Page.text("User-agent: *\nSitemap: /sitemap_index.xml\n")
        if path == "/sitemap_index.xml":
            children = ["/sitemap-a.xml.gz", "/sitemap-missing.xml", "/sitemap-broken.xml",
                        "/sitemap-b.xml", "https://elsewhere.example/sitemap.xml"]  # fmt: skip
            locs = "".join(f"<sitemap><loc>{base}{c if c.startswith('/') else ''}</loc></sitemap>"
                           if c.startswith("/") else f"<sitemap><loc>{c}</loc></sitemap>"
                           for c in children)  # fmt: skip
            return Page.xml(
                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</sitemapindex>',
                "application/xml",
            )
        if path == "/sitemap-a.xml.gz":
            urls = "".join(f"<url><loc>{base}{a}</loc><lastmod>2026-11-0{n}</lastmod></url>"
                           for n, a in enumerate(ARTICLES[:3], start=1))  # fmt: skip
            body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return Page(200, "application/x-gzip", gzip.compress(body.encode()))
        if path == "/sitemap-broken.xml":
            return Page.xml(
                f"<urlset><url><loc>{base}{ARTICLES[3]}</loc></url><url><lo", "application/xml"
            )
        if path == "/sitemap-b.xml":
            urls = f"<url><loc>{base}{ARTICLES[4]}</loc></url>"
            return Page.xml(
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                "application/xml",
            )
        if path == "/feed.xml":  # its next page is itself
            item = f"<item><title>6</title><link>{base}{ARTICLES[5]}</link></item>"
            channel = f'<channel><atom:link rel="next" href="{base}/feed.xml"/>{item}</channel>'
            return Page.xml(
                f'<rss xmlns:atom="http://www.w3.org/2005/Atom">{channel}</rss>',
                "application/rss+xml",
            )
        if path == "/":
            page = int(query.get("page", "1") or 1)  # a pager without end
            return Page.html(
                '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
                f'</head><body><a href="{ARTICLES[0]}">1</a><a href="/?page={page + 1}">next</a>'
                "</body></html>"
            )
        if path in ARTICLES:
            return article_page(path)
        return Page.error(404, "not found")


def crawl(tmp_path: Path, *settings: str) -> tuple[int, dict[str, Any], str]:
    server = SampleServer({"site": TrickySite()}).start()
    try:
        entry = {
            "name": "tricky", "spider": "news", "start_urls": [server.urls["site"] + "/"],
            "allowed_domains": ["127.0.0.1"], "options": {"article_links": "/warta/"},
        }  # fmt: skip
        registry = tmp_path / "sources.yml"
        registry.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
        done = procarchive(
            "crawl", "--registry", str(registry), "--db", str(tmp_path / "archive.db"),
            "-s", "AUTOTHROTTLE_START_DELAY=0", *settings, cwd=tmp_path, timeout=300,
        )  # fmt: skip
    finally:
        server.stop()
    db = open_archive(tmp_path / "archive.db", create=False)
    [row] = db["crawls"].rows
    return done.returncode, row, done.stdout + done.stderr


def test_a_hard_site_is_walked_whole_within_its_budgets_and_every_problem_counted(
    tmp_path: Path,
) -> None:
    code, row, output = crawl(tmp_path, "-s", "PROCARCHIVE_MAX_LISTING_PAGES=5")
    reasons = json.loads(row["error_reasons"])
    health = json.loads(row["health"])
    assert row["items_new"] == len(ARTICLES), output[-3000:]
    # The gzipped child (3 articles), the broken one (what it held), the plain one; the
    # missing child said absent; the offsite one not asked for.
    assert health["paths"]["sitemaps"]["new_links"] == 5
    assert health["paths"]["sitemaps"]["absent"] == 1
    assert reasons["failed/malformed_feed"] == 1
    # The feed named its article once, however often it led back to itself.
    assert health["paths"]["feeds"]["pages"] == 1 and health["paths"]["feeds"]["new_links"] == 1
    # The endless pager stopped at the budget, said once.
    assert health["paths"]["listings"]["pages"] == 5
    assert reasons["budget/listing_pages"] == 1
    assert row["finish_reason"] == "finished"
    # Articles came, their errors counted, but the walk was cut short: limited, and said.
    assert code == 1 and row["status"] == "limited" and row["errors"] >= 1
    assert "more listing pages than a crawl reads (budget/listing_pages: 1" in row["cut_short"]
    assert "limited: tricky: the site has more listing pages" in output


def test_the_sitemap_budget_ends_an_index_that_leads_too_far(tmp_path: Path) -> None:
    _, row, output = crawl(
        tmp_path, "-s", "PROCARCHIVE_MAX_SITEMAPS=2", "-s", "PROCARCHIVE_MAX_LISTING_PAGES=2"
    )
    reasons = json.loads(row["error_reasons"])
    assert reasons["budget/sitemaps"] == 1, output[-2000:]
    health = json.loads(row["health"])
    assert health["paths"]["sitemaps"]["pages"] == 2  # the index, and the gzipped child
