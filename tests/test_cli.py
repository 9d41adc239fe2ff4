"""The command line, in process: extract and argument errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from procarchive.cli import main
from tests.conftest import FIXTURES

PPS = FIXTURES / "lkpp_news" / "pps-korea-mou.html"
REPOST = FIXTURES / "blogger_mirror" / "korsel-repost.html"


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_extract_prints_what_a_crawl_would_store(capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://lkpp.go.id/berita/lkpp-dan-pps-korea-perpanjang-nota-kesepahaman"
    assert (
        main(
            [
                "extract",
                str(PPS),
                str(REPOST),
                "--url",
                url,
                "--url",
                "https://x.blogspot.com/a.html",
            ]
        )
        == 0
    )
    pps, repost = lines(capsys)
    assert (
        pps["file"] == str(PPS) and pps["spider"] == "lkpp_news"
    )  # chosen by the registry's domain
    article = pps["article"]
    assert isinstance(article, dict)
    assert (
        article["source"] == "lkpp_news"
        and article["lang"] == "id"
        and article["id"]
        and article["content_hash"]
    )
    assert article["kind"] == "mou" and article["agencies"]["LKPP"] >= 3
    mou = article["mou"]
    assert isinstance(mou, dict) and mou["signed_on"] == "2015-10-02" and mou["renewal"]
    assert {p["agency"] for p in mou["parties"] if p["role"] == "party"} == {"LKPP", "PPS"}
    assert repost["spider"] == "blogger_mirror"  # chosen by Blogger's generator tag
    assert repost["dropped"] is None


def test_extract_many_files_including_gzip_and_garbage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for n in range(40):
        path = tmp_path / f"page{n}.html.gz"
        path.write_bytes(gzip.compress(PPS.read_bytes()))
        files.append(str(path))
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 4)
    assert (
        main(["extract", *files, str(tmp_path / "binary.bin"), str(tmp_path / "missing.html")]) == 0
    )
    records = lines(capsys)
    assert len(records) == 42
    assert all("article" in r for r in records[:40])
    assert "error" in records[40] and "cannot read" in str(records[41]["error"])


def test_extract_url_count_must_match(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(PPS), str(REPOST), "--url", "https://lkpp.go.id/x"]) == 2
    assert "--url given 1 times for 2 files" in capsys.readouterr().err


def test_reclassify_derives_records_from_stored_articles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from archive.articles import write_articles
    from archive.connection import open_archive
    from pipelines.normalize import NormalizePipeline
    from pipelines.store import article_row
    from samples.content import agency_articles
    from scrapers.items import ArticleItem

    db = open_archive(tmp_path / "archive.db")
    rows = [
        article_row(NormalizePipeline().process_item(ArticleItem(
            url=f"https://lkpp.go.id/berita/{a.slug}", source="lkpp_news", title=a.title,
            text="\n\n".join(a.paragraphs), published_at=a.published.isoformat() + "+07:00")))
        for a in agency_articles()
    ]  # fmt: skip
    write_articles(db, rows, 1)  # stored before classification existed: kind "news", no MoUs
    assert db["mous"].count == 0
    assert main(["reclassify", "--db", str(tmp_path / "archive.db")]) == 0
    assert "mou: 9" in capsys.readouterr().out
    assert db["mous"].count == 9 and db["mou_parties"].count >= 18
    assert db.execute("select count(*) from articles where kind = 'mou'").fetchone()[0] == 9


def test_link_mirrors_reads_the_sample_registry_for_agency_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from archive.articles import write_articles
    from archive.connection import open_archive
    from pipelines.normalize import NormalizePipeline
    from pipelines.store import article_row
    from samples.content import agency_articles
    from scrapers.items import ArticleItem
    from scrapers.sources import SAMPLE_REGISTRY

    article = agency_articles()[0]
    text = "\n\n".join(article.paragraphs)
    pages = [
        ("https://lkpp.go.id/berita/a", "lkpp_news", text),
        ("https://blog.example/a", "catatan_pengadaan", text),
    ]
    rows = [
        article_row(
            NormalizePipeline().process_item(
                ArticleItem(url=url, source=source, title="A", text=body)
            )
        )
        for url, source, body in pages
    ]  # undated: the agency (a registry kind) is the original
    write_articles(open_archive(tmp_path / "archive.db"), rows, None)
    assert (
        main(
            [
                "link-mirrors",
                "--db",
                str(tmp_path / "archive.db"),
                "--registry",
                str(SAMPLE_REGISTRY),
            ]
        )
        == 0
    )
    assert "2 articles compared, 1 reposts linked" in capsys.readouterr().out
    db = open_archive(tmp_path / "archive.db", create=False)
    assert dict(db.execute("select source, mirror_status from articles").fetchall()) == {
        "lkpp_news": "original", "catatan_pengadaan": "mirror"
    }  # fmt: skip


def test_extract_reads_saved_spse_pages_and_listings(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import realdata

    folder = realdata("spse")
    files = [folder / "nonspk_pengumuman.html", folder / "dt_nonspk.json"]
    urls = [
        "https://spse.inaproc.id/nasional/pencatatan/pengumumannonspk?id=10942236000",
        "https://spse.inaproc.id/kemenimipas/dt/nonspk",
    ]
    assert main(["extract", *map(str, files), "--url", urls[0], "--url", urls[1]]) == 0
    page, listing = lines(capsys)
    notice = page["notice"]
    assert page["spider"] == "spse_notices" and notice["id"] == "nasional-pencatatan-10942236000"  # type: ignore[index]
    assert (notice["pagu"], notice["rup_codes"], notice["funding_source"]) == (  # type: ignore[index]
        3_800_000, ["62075727"], "APBN"
    )  # fmt: skip
    assert len(listing["notices"]) == 25  # type: ignore[arg-type]
