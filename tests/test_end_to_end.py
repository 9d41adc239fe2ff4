"""Real Scrapy crawls through the CLI against the sample sites on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from archive.connection import open_archive
from samples.content import agency_articles, blog_posts
from samples.pps_site import pps_releases
from samples.server import SampleServer
from samples.spse_site import SpseSite
from samples.wordpress_site import wordpress_posts
from tests.conftest import ROOT, procarchive, write_registry


@pytest.fixture(scope="module")
def crawled(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, list[subprocess.CompletedProcess[str]]]:
    """The sample sites crawled twice into one archive."""
    workdir = tmp_path_factory.mktemp("e2e")
    db = workdir / "archive.db"
    runs = [procarchive("crawl", "--samples", "--db", str(db), cwd=workdir) for _ in range(2)]
    return db, runs


def test_first_crawl_archives_every_sample_page(crawled) -> None:
    db_path, runs = crawled
    assert runs[0].returncode == 0, runs[0].stderr[-3000:]
    db = open_archive(db_path, create=False)
    counts = dict(db.execute("select source, count(*) from articles group by source").fetchall())
    assert counts == {
        "lkpp_news": len(agency_articles()),
        "catatan_pengadaan": len(blog_posts()),
        "warta_pbj": len(wordpress_posts("warta_pbj")[2]),
        "pbj_sleman": len(wordpress_posts("pbj_sleman")[2]),
        "pps_news": len(pps_releases()),
    }
    assert db["notices"].count == len(SpseSite.sample().packages)
    first = db.execute("select * from crawls order by id limit 6").fetchall()
    assert len(first) == 6
    assert "lkpp_news" in runs[0].stdout and "catatan_pengadaan" in runs[0].stdout


def test_broken_link_is_a_counted_error_not_a_failure(crawled) -> None:
    db = open_archive(crawled[0], create=False)
    crawl = next(db["crawls"].rows_where("source = 'lkpp_news'", order_by="id", limit=1))
    assert crawl["status"] == "ok" and crawl["errors"] == 1
    assert json.loads(crawl["error_reasons"]) == {"failed/http_500": 1}
    assert "Failed http://127.0.0.1:8701/berita/arsip-berita-dipindahkan" in crawled[1][0].stderr


def test_second_crawl_adds_no_duplicates(crawled) -> None:
    db_path, runs = crawled
    assert runs[1].returncode == 0, runs[1].stderr[-3000:]
    db = open_archive(db_path, create=False)
    total = db["articles"].count
    assert total == len(agency_articles()) + len(blog_posts()) + 7 + len(pps_releases())
    notices = db["notices"].count
    assert db["article_versions"].count == 0 and db["notice_versions"].count == notices
    second = list(db["crawls"].rows_where("id > 6"))
    assert sum(row["items_unchanged"] for row in second) == total + notices
    assert sum(row["items_new"] for row in second) == 0
    assert db.execute("select count(*) from articles where crawl_id > 6").fetchone()[0] == total
    assert (
        db.execute("select count(*) from articles where first_seen_at > last_seen_at").fetchone()[0]
        == 0
    )


def test_archived_rows_are_clean(crawled) -> None:
    db = open_archive(crawled[0], create=False)
    pps = next(db["articles"].rows_where("source = 'lkpp_news' and title like '%PPS%Korea%'"))
    assert pps["published_at"].endswith("+07:00") and pps["lang"] == "id" and pps["year"] >= 2015
    assert "Bagikan" not in pps["text"] and "Berita Terkait" not in pps["text"]
    posts = list(db["articles"].rows_where("source = 'catatan_pengadaan'"))
    assert all(p["published_at"] and p["lang"] == "id" for p in posts)
    assert not any("Posting Komentar" in p["text"] or "Response to" in p["text"] for p in posts)
    assert not any(p["title"].endswith("Catatan Pengadaan") for p in posts)
    references = [p["reference"] for p in posts if p["reference"]]
    cited = sum(1 for p in blog_posts() if p.reference)
    assert len(references) == cited
    assert all("lkpp" in r or r.startswith("http://127.0.0.1:8701/berita/") for r in references)


def test_full_text_search_finds_mou_announcements(crawled) -> None:
    db = open_archive(crawled[0], create=False)
    hits = db.execute(
        "select count(*) from articles_fts where articles_fts match '\"nota kesepahaman\"'"
    ).fetchone()[0]
    assert hits >= 6


def test_adhoc_crawl_of_a_feed_and_a_sitemap(tmp_path: Path, sample_sites: SampleServer) -> None:
    db = tmp_path / "archive.db"
    run = procarchive(
        "crawl",
        "--db", str(db),
        "--start-url", f"{sample_sites.urls['blogger']}/feeds/posts/default?max-results=4",
        "--start-url", f"{sample_sites.urls['lkpp']}/sitemap.xml",
        cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    archive = open_archive(db, create=False)
    rows = list(archive["articles"].rows)
    # the feed is followed page by page (rel=next), the sitemap to every article
    assert len(rows) == len(blog_posts()) + len(agency_articles())
    assert {r["source"] for r in rows} == {"127.0.0.1"}
    assert all(r["title"] and len(r["text"]) > 300 and r["published_at"] for r in rows)


def test_unreachable_source_fails_alone(tmp_path: Path, sample_sites: SampleServer) -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    registry = tmp_path / "sources.yml"
    registry.write_text(
        "sources:\n"
        f"  - {{name: dead_site, spider: lkpp_news, start_urls: ['{dead}/berita']}}\n"
        f"  - {{name: blog, spider: blogger_mirror, start_urls: ['{sample_sites.urls['blogger']}/']}}\n"
    )
    run = procarchive(
        "crawl", "--registry", str(registry), "--db", str(tmp_path / "a.db"), cwd=tmp_path
    )
    assert run.returncode == 1
    assert "failed: dead_site" in run.stdout
    statuses = dict(
        open_archive(tmp_path / "a.db").execute("select source, status from crawls").fetchall()
    )
    assert statuses == {"dead_site": "failed", "blog": "ok"}


def test_unknown_source_and_missing_database_are_clear_errors(tmp_path: Path) -> None:
    unknown = procarchive("crawl", "no_such_source", "--db", str(tmp_path / "x.db"), cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown source(s): no_such_source" in unknown.stderr
    missing = procarchive("serve", "--db", str(tmp_path / "none.db"), cwd=tmp_path)
    assert missing.returncode == 2 and "no archive at" in missing.stderr


def test_sources_lists_last_crawl(crawled) -> None:
    run = procarchive("sources", "--samples", "--db", str(crawled[0]), cwd=crawled[0].parent)
    assert run.returncode == 0
    assert "lkpp_news" in run.stdout and "last crawl" in run.stdout


def test_scrapy_crawl_takes_a_source_name_as_scrapyd_does(
    tmp_path: Path, sample_sites: SampleServer
) -> None:
    """`scrapy crawl SPIDER -a source=NAME -a registry=FILE`: the form Scrapyd schedules."""
    registry = write_registry(tmp_path / "sources.yml", sample_sites.urls)
    run = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "blogger_mirror", "-a", "source=catatan_pengadaan",
         "-a", f"registry={registry}", "-s", f"PROCARCHIVE_DB={tmp_path / 'archive.db'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    db = open_archive(tmp_path / "archive.db", create=False)
    assert db.execute(
        "select count(*) from articles where source = 'catatan_pengadaan'"
    ).fetchone()[0] == len(blog_posts())


def test_reposts_are_linked_to_their_originals(crawled) -> None:
    db = open_archive(crawled[0], create=False)
    posts = [*blog_posts(), *wordpress_posts("warta_pbj")[2], *wordpress_posts("pbj_sleman")[2]]
    reposts = {p.slug: p.repost_of for p in posts if p.repost_of}
    links = db.execute(
        "select c.url, o.url from articles c join articles o on o.id = c.mirror_of"
    ).fetchall()
    found = {
        copy.rstrip("/").rsplit("/", 1)[1].removesuffix(".html"): original.rsplit("/", 1)[1]
        for copy, original in links
    }
    assert found == reposts
    originals = db.execute(
        "select count(*) from articles where mirror_status = 'original'"
    ).fetchone()[0]
    assert originals == len(set(reposts.values()))
    assert "Mirror linking: 0 articles compared" in crawled[1][1].stderr  # the index persisted


def test_news_is_linked_to_the_notices_it_names(crawled) -> None:
    db = open_archive(crawled[0], create=False)
    links = db.execute(
        "select a.url, l.notice_id, l.matched_on from article_notices l "
        "join articles a on a.id = l.article_id"
    ).fetchall()
    by_article: dict[str, set[tuple[str, str]]] = {}
    for url, notice, matched_on in links:
        by_article.setdefault(url.rsplit("/", 1)[1], set()).add((notice, matched_on))
    assert by_article == {
        # one link a pair: the code comes first (the name and RUP code are named too)
        "lkpp-umumkan-tender-pengembangan-katalog-elektronik-tahap-ii": {
            ("lkpp-tender-10938471000", "package_code")
        },
        "lkpp-kaji-ulang-evaluasi-pengadaan-2026": {("lkpp-tender-10939152000", "name")},
    }
