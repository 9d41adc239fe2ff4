"""A page's rel=canonical is trusted only inside its source's allowed domains: a page on
another host cannot rewrite an agency's article (a real crawl of two hosts on loopback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from archive.articles import write_articles
from archive.connection import open_archive
from archive.ids import article_id, content_hash
from pipelines.confine import ConfinePipeline
from procarchive.cli import main
from samples.server import Page, SampleServer, Site
from scrapers.extract.wordpress import parse_posts
from scrapers.items import ArticleItem
from scrapers.sources import Source
from scrapers.spiders.wordpress_mirror import WordpressMirrorSpider
from tests.conftest import procarchive

MOU_TEXT = (
    "<p>JAKARTA - Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah (LKPP) dan Public "
    "Procurement Service (PPS) Korea Selatan menandatangani nota kesepahaman di bidang "
    "pengadaan secara elektronik di Seoul pada Jumat (02/10).</p>"
    "<p>Kerja sama ini mencakup katalog elektronik, pelatihan bersama bagi pengelola "
    "pengadaan, dan pertukaran data pengadaan antara kedua lembaga selama tiga tahun.</p>"
    "<p>Kepala LKPP mengatakan bahwa pengadaan digital semakin mendesak bagi pemerintah "
    "daerah di seluruh Indonesia, terutama untuk transparansi.</p>"
)
FAKE_TEXT = (
    "<p>Halaman ini bukan berita LKPP. Isinya iklan pinjaman cepat tanpa jaminan, "
    "hubungi nomor kami sekarang juga untuk penawaran terbaik hari ini.</p>"
    "<p>Penawaran berlaku untuk semua wilayah dan semua pekerjaan, tanpa survei dan tanpa "
    "biaya administrasi apa pun bagi pelanggan baru kami.</p>"
)


def page_with(title: str, body: str, canonical: str) -> Page:
    return Page.html(
        f'<html><head><title>{title}</title><link rel="canonical" href="{canonical}">'
        '<meta property="article:published_time" content="2020-10-05T10:15:00+07:00">'
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )


class TwoHosts(Site):
    """One server seen as two hosts: 127.0.0.1 (the agency) and localhost (another site)."""

    def route(self, path: str, query: dict[str, str]) -> Page:
        agency = self.base_url
        if path == "/robots.txt":
            return Page.text("User-agent: *\nAllow: /\n")
        if path == "/berita/mou-pps":
            return page_with(
                "LKPP dan PPS Korea Teken Nota Kesepahaman", MOU_TEXT, f"{agency}/berita/mou-pps"
            )
        if path == "/impostor":  # on localhost, naming the agency's article as its canonical
            return page_with("Pinjaman cepat", FAKE_TEXT, f"{agency}/berita/mou-pps")
        if path == "/own-canonical":  # on localhost, canonical to its own host: trusted
            other = agency.replace("127.0.0.1", "localhost")
            return page_with("Tulisan sendiri", FAKE_TEXT, f"{other}/tulisan-sendiri")
        return Page.error(404, "Not Found")


def test_a_foreign_canonical_cannot_overwrite_another_sources_article(tmp_path: Path) -> None:
    with SampleServer({"site": TwoHosts()}) as server:
        agency = server.urls["site"]
        other = agency.replace("127.0.0.1", "localhost")
        registry = tmp_path / "sources.yml"
        registry.write_text(
            yaml.safe_dump(
                {
                    "sources": [
                        {"name": "agency", "spider": "article", "kind": "agency",
                         "start_urls": [f"{agency}/berita/mou-pps"], "allowed_domains": ["127.0.0.1"]},
                        {"name": "other", "spider": "article", "kind": "mirror",
                         "start_urls": [f"{other}/impostor", f"{other}/own-canonical"],
                         "allowed_domains": ["localhost"]},
                    ]
                }
            ),
            encoding="utf-8",
        )  # fmt: skip
        db_path = tmp_path / "archive.db"
        common = (
            "--db",
            str(db_path),
            "--registry",
            str(registry),
            "-s",
            "AUTOTHROTTLE_START_DELAY=0",
        )
        first = procarchive("crawl", "agency", *common, cwd=tmp_path)
        assert first.returncode == 0, first.stderr[-2000:]
        second = procarchive("crawl", "other", *common, cwd=tmp_path)
        assert second.returncode == 0, second.stderr[-2000:]

    db = open_archive(db_path, create=False)
    rows = {row["url"]: row for row in db["articles"].rows}
    original = rows[f"{agency}/berita/mou-pps"]
    assert original["source"] == "agency" and original["title"].startswith("LKPP dan PPS")
    assert original["kind"] == "mou" and db["mous"].count == 1
    assert db["article_versions"].count == 0
    impostor = rows[f"{other}/impostor"]  # kept under its own URL, the claim recorded
    assert impostor["source"] == "other" and impostor["title"] == "Pinjaman cepat"
    assert impostor["canonical_claim"] == f"{agency}/berita/mou-pps"
    assert rows[f"{other}/tulisan-sendiri"]["canonical_claim"] is None
    crawl = db.execute("SELECT error_reasons FROM crawls WHERE source = 'other'").fetchone()
    assert json.loads(crawl[0])["warnings/offsite_canonical"] == 1
    assert "outside the source's allowed domains" in second.stderr


def test_another_source_never_rewrites_a_row(tmp_path: Path) -> None:
    """An ad-hoc crawl of an agency's page (same URL, the generic extractor) leaves the
    agency's row as its own spider read it: same source, text, capture and change hint."""
    db = open_archive(tmp_path / "archive.db")
    row = {"url": "https://lkpp.go.id/berita/a", "source": "lkpp_news", "title": "A", "text": "x",
           "source_updated": "2026-01-02"}  # fmt: skip
    row |= {"id": article_id(row["url"]), "content_hash": content_hash(row)}
    write_articles(db, [row], 1)
    other = {**row, "source": "lkpp.go.id", "title": "B", "source_updated": None}
    other["content_hash"] = content_hash(other)
    assert write_articles(db, [other], 2) == {
        "new": 0,
        "changed": 0,
        "unchanged": 0,
        "other_source": 1,
    }
    stored = db.table("articles").get(row["id"])
    assert (stored["source"], stored["title"], stored["crawl_id"]) == ("lkpp_news", "A", 1)
    assert stored["source_updated"] == "2026-01-02" and db["article_versions"].count == 0


def test_a_wordpress_post_linking_elsewhere_keeps_its_api_address() -> None:
    post = {"id": 7, "link": "https://lkpp.go.id/berita/mou", "title": {"rendered": "T"},
            "content": {"rendered": "<p>Isi tulisan yang cukup panjang.</p>"}}  # fmt: skip
    api = "https://blog.example.id/wp-json/wp/v2/posts?per_page=20&page=1"
    (item,) = parse_posts(json.dumps([post]).encode(), api, "blog").items
    source = Source("blog", "wordpress_mirror", ("https://blog.example.id/",), ("blog.example.id",))
    crawler = get_crawler(WordpressMirrorSpider)
    crawler.spider = crawler._create_spider(source=source)
    ConfinePipeline.from_crawler(crawler).process_item(item)
    assert item.url == "https://blog.example.id/wp-json/wp/v2/posts/7"
    assert item.canonical_claim == "https://lkpp.go.id/berita/mou"


def test_a_claim_outside_the_domains_without_a_url_of_its_own_is_dropped() -> None:
    crawler = get_crawler(WordpressMirrorSpider)
    source = Source("blog", "wordpress_mirror", ("https://blog.example.id/",), ("blog.example.id",))
    crawler.spider = crawler._create_spider(source=source)
    item = ArticleItem(url="https://lkpp.go.id/berita/victim", source="blog", title="T")
    with pytest.raises(DropItem, match="outside the source's allowed domains"):
        ConfinePipeline.from_crawler(crawler).process_item(item)
    assert crawler.stats and crawler.stats.get_value("procarchive/dropped/offsite_url") == 1


def test_extract_sets_a_foreign_claim_aside_as_a_crawl_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "impostor.html"
    page.write_bytes(
        page_with("Pinjaman cepat", FAKE_TEXT, "https://lkpp.go.id/berita/mou-pps").body
    )
    assert main(["extract", str(page), "--url", "https://blog.example.id/impostor"]) == 0
    article = json.loads(capsys.readouterr().out)["article"]
    assert article["url"] == "https://blog.example.id/impostor"
    assert article["canonical_claim"] == "https://lkpp.go.id/berita/mou-pps"
