"""metadata.yml documents what exists, and Datasette answers for all of it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from datasette.app import Datasette

from archive.articles import mark_gone, write_articles, write_records
from archive.connection import open_archive
from archive.documents import write_documents
from archive.notices import write_notices
from archive.site import database_name
from pipelines.normalize import NormalizePipeline
from pipelines.store import article_row
from procarchive.linking import link_archive
from procarchive.linking.notices import link_notices
from procarchive.serve import build_datasette
from samples.content import agency_articles
from scrapers.analysis.records import annotate
from scrapers.items import ArticleItem, DocumentItem
from tests.conftest import ROOT
from tests.pipelines.test_notice_writes import notice

METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
DATABASE = METADATA["databases"][database_name(METADATA)]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("datasette") / "archive.db")


def build_archive(path: Path) -> Path:
    """A small archive with something in every table: the sample agency's articles (one
    edited, one gone), a repost, MoUs, notices with versions and awards, a document."""
    db = open_archive(path)
    rows: list[dict[str, Any]] = []
    for article in agency_articles():
        item = ArticleItem(
            url=f"https://lkpp.go.id/berita/{article.slug}", source="lkpp_news", title=article.title,
            text="\n\n".join(article.paragraphs), published_at=article.published.isoformat() + "+07:00",
            reference="lkpp.go.id" if len(rows) % 3 == 0 else None, lang="id",
        )  # fmt: skip
        rows.append(article_row(annotate(NormalizePipeline().process_item(item))))
    repost = ArticleItem(
        url="https://catatan.blogspot.com/2016/03/repost.html", source="catatan_pengadaan",
        title="Repost: " + rows[2]["title"], published_at="2030-01-01",
        text=rows[2]["text"] + "\n\nMenurut saya, kerja sama ini patut ditiru daerah lain.",
    )  # fmt: skip
    rows.append(article_row(annotate(NormalizePipeline().process_item(repost))))
    write_articles(db, rows, 1)
    write_records(db, rows)
    link_archive(db, ["lkpp_news"])
    write_articles(
        db, [{**rows[0], "text": rows[0]["text"] + " Ralat.", "content_hash": "edited"}], 2
    )
    mark_gone(db, [(rows[1]["id"], "http_404")], 2, "2026-01-02T00:00:00+00:00")
    db.table("crawls").insert(
        {"run_id": "r", "source": "lkpp_news", "status": "ok", "started_at": "2026-01-01"}
    )
    add_notices(db)
    db.close()
    return path


def add_notices(db: Any) -> None:
    """A tender that moves, gets a winner and has its HPS changed; a cancelled one; a
    document; an article naming the tender's code."""
    lkpp = {
        **notice().fields,
        "agency": "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah (LKPP)",
    }
    write_notices(db, [notice(fields=lkpp)], 1)
    moved = {**lkpp, "hps": 1_100_000_000, "stage": "Pengumuman Pemenang"}
    winner = {"role": "winner", "supplier_name": "Budi Santoso", "supplier_is_person": True,
              "npwp": "09.876.543.2-101.000", "offer": 1_050_000_000}  # fmt: skip
    cancelled = {**lkpp, "stage": "Tender Batal", "cancel_reason": "Anggaran dialihkan"}
    write_notices(
        db,
        [notice(fields=moved, awards=[winner]), notice(package_code="10099999", fields=cancelled)],
        2,
    )
    write_documents(
        db, [DocumentItem("https://spse.test/kak.pdf", "spse", "notice", "jatengprov-tender-10012345",
                          "KAK", kind="pdf", sha256="a" * 64, pages=1, text="Kerangka acuan kerja. Penyedia: BUDI  SANTOSO, NPWP 09.876.543.2-101.000.")],
        2,
    )  # fmt: skip
    db["articles"].insert(
        {"id": "f" * 16, "url": "https://news.test/tender", "source": "news", "title": "Tender",
         "text": "Tender dengan kode 10012345 sudah diumumkan.", "content_hash": "t",
         "published_at": "2026-05-05", "first_seen_at": "2026-05-05", "last_seen_at": "2026-05-05"}
    )  # fmt: skip
    link_notices(db)


def test_metadata_names_only_existing_tables_and_columns(archive: Path) -> None:
    db = open_archive(archive, create=False)
    for table, meta in DATABASE["tables"].items():
        assert db[table].exists(), table
        columns = set(db[table].columns_dict)
        assert set(meta["columns"]) == columns, f"{table}: documented != actual"
        facets = [
            f if isinstance(f, str) else next(iter(f.values())) for f in meta.get("facets", [])
        ]
        for column in [*facets, meta.get("sort_desc")]:
            assert column is None or column in columns, (table, column)
    undocumented = {
        t
        for t in [*db.table_names(), *db.view_names()]
        if not t.startswith("_") and "_fts" not in t
    }
    assert undocumented <= set(DATABASE["tables"])


def fetch_all(
    archive: Path, paths: list[str], site: Path = ROOT, immutable: bool = False
) -> dict[str, Any]:
    """Datasette as `procarchive serve` runs it (`immutable`: with --public), or as a
    published folder `site` does (`datasette serve` over its files)."""

    async def run() -> dict[str, Any]:
        if site == ROOT:
            datasette = build_datasette(archive, public=immutable)
        else:
            datasette = Datasette(
                [] if immutable else [str(archive)], immutables=[str(archive)] if immutable else [],
                metadata=yaml.safe_load((site / "metadata.yml").read_text(encoding="utf-8")),
                settings={"suggest_facets": False}, plugins_dir=str(site / "plugins"),
                template_dir=str(site / "templates"),
            )  # fmt: skip
        await datasette.invoke_startup()
        return {path: await datasette.client.get(path) for path in paths}

    return asyncio.run(run())


def test_datasette_answers_every_table_query_and_search(archive: Path) -> None:
    tables = [f"/archive/{t}" for t in DATABASE["tables"]]
    queries = [
        f"/archive/{q}?term=PPS&source=&since=2000-01-01&id=x&agency=LKPP&article=x"
        for q in DATABASE["queries"]
    ]
    search = "/archive/articles.json?_search=kesepahaman&_shape=array"
    responses = fetch_all(
        archive, ["/", "/archive", *tables, *queries, search, "/archive/articles.csv"]
    )
    for path, response in responses.items():
        assert response.status_code == 200, (path, response.text[:500])
    assert len(responses[search].json()) >= 2
    assert "published_at" in responses["/archive/articles.csv"].text.splitlines()[0]


def test_canned_queries_return_rows(archive: Path) -> None:
    db = open_archive(archive, create=False)
    edited = next(db["article_versions"].rows)["article_id"]
    original = next(db["mirror_links"].rows)["original_id"]
    query = f"term=kesepahaman&source=&since=2000-01-01&id={edited}&agency=LKPP&article={original}&notice=jatengprov-tender-10012345&year=2026&_shape=array"
    terms = {"search_notices": "jalan", "search_documents": "acuan"}  # words of their rows
    paths = [
        f"/archive/{q}.json?{query}".replace(
            "term=kesepahaman", f"term={terms.get(q, 'kesepahaman')}"
        )
        for q in DATABASE["queries"]
    ]
    for path, response in fetch_all(archive, paths).items():
        assert response.status_code == 200 and response.json(), path


def test_changes_link_to_the_article_and_its_history(archive: Path) -> None:
    path = "/archive/changed_or_deleted_since?since=2000-01-01"
    html = fetch_all(archive, [path])[path].text
    assert (
        html.count('href="/archive/articles/') == 2
        and html.count("/archive/article_history?id=") == 2
    )
    assert "http_404" in html and "changed" in html
