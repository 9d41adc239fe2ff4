"""Repost linking: shingles, ordering, evidence, differences, and the labelled set."""

from __future__ import annotations

import pytest

from archive.articles import write_articles
from archive.connection import open_archive
from benchmarks.mirror_quality import LABELLED, evaluate
from pipelines.normalize import NormalizePipeline
from pipelines.store import article_row
from procarchive.linking.mirrors import Doc, attributed, link_mirrors, order, site_of
from scrapers.analysis.shingles import containment, shingles
from scrapers.items import ArticleItem

PARAGRAPHS = [
    "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah menandatangani nota kesepahaman dengan "
    "pemerintah provinsi tentang pengembangan katalog elektronik lokal di Bandung pada hari Selasa.",
    "Kepala LKPP mengatakan katalog lokal membuka peluang bagi usaha kecil untuk memasok "
    "kebutuhan pemerintah daerah tanpa proses tender yang panjang dan mahal.",
    "Gubernur menyambut baik kerja sama itu dan meminta dinas teknis segera menginventarisasi "
    "produk unggulan daerah yang layak ditayangkan pada tahap pertama.",
]
COMMENT = "Menurut saya langkah ini sudah lama ditunggu para pelaku usaha kecil di kampung kami."


def doc(
    id: str, source: str, text: str, published: str | None = None, reference: str | None = None
) -> Doc:
    return Doc(
        0,
        id,
        source,
        f"https://{source}.example/{id}",
        id,
        text,
        published,
        reference,
        "2026-01-01",
    )


def test_containment_survives_added_commentary() -> None:
    original = shingles("\n\n".join(PARAGRAPHS))
    copy = shingles("\n\n".join([COMMENT, *PARAGRAPHS, COMMENT]))
    assert containment(original, copy) == 1.0 and containment(copy, original) < 0.9


def test_original_is_the_earlier_then_the_agency() -> None:
    agency, blog = doc("a", "lkpp_news", "x", "2016-02-17"), doc("b", "blog", "x", "2016-02-18")
    assert order(blog, agency, {"lkpp_news"}) == (agency, blog)
    undated = doc("c", "blog", "x", None)
    assert order(undated, agency, {"lkpp_news"}) == (agency, undated)
    same_day = doc("d", "blog", "x", "2016-02-17T08:00:00+07:00")
    assert order(same_day, agency, {"lkpp_news"})[0] is agency


def test_attribution_evidence() -> None:
    original = doc("a", "lkpp_news", "x")
    original.url = "https://www.lkpp.go.id/berita/a"
    assert attributed(doc("b", "blog", "x", reference="lkpp.go.id"), original) == "names lkpp.go.id"
    linked = attributed(
        doc("b", "blog", "x", reference="https://www.lkpp.go.id/berita/a"), original
    )
    assert linked == "links to https://www.lkpp.go.id/berita/a"
    assert site_of("www.LKPP.go.id") == "lkpp.go.id"


def test_linking_is_incremental_and_records_differences() -> None:
    db = open_archive(":memory:")

    def store(url: str, source: str, text: str, published: str) -> None:
        item = ArticleItem(url=url, source=source, title=url, text=text, published_at=published)
        write_articles(db, [article_row(NormalizePipeline().process_item(item))], None)

    store("https://lkpp.go.id/a", "lkpp_news", "\n\n".join(PARAGRAPHS), "2016-02-17")
    assert link_mirrors(db, ["lkpp_news"]).indexed == 1
    store("https://blog.example/a", "blog", "\n\n".join([COMMENT, *PARAGRAPHS[:2]]), "2016-02-18")
    summary = link_mirrors(db, ["lkpp_news"])
    assert (summary.indexed, summary.linked) == (1, 1)  # only the new article was compared
    link = next(db["mirrors"].rows)
    assert (link["added_count"], link["dropped_count"], link["title_changed"]) == (1, 1, 1)
    statuses = dict(db.execute("select url, mirror_status from articles").fetchall())
    assert statuses == {"https://lkpp.go.id/a": "original", "https://blog.example/a": "mirror"}


def test_quality_on_the_labelled_set() -> None:
    if not LABELLED.exists():
        pytest.skip("the labelled set is not written yet")
    scores = evaluate()
    assert scores.links >= 14
    assert scores.precision >= 0.95 and scores.recall >= 0.95, scores.errors
