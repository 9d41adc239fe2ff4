"""Kinds, the gazetteer and MoU records: the seed as the model case, and the measured
quality on the labelled sets (tests/fixtures/mou_labelled/)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from benchmarks.mou_quality import LABELLED, evaluate
from scrapers.analysis.agencies import gazetteer
from scrapers.analysis.kinds import classify
from scrapers.analysis.mou import extract_mou
from tests.conftest import REALDATA

SEEDS = REALDATA.parent / "seeds"


def test_gazetteer_resolves_names_aliases_and_misspellings() -> None:
    text = (
        "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah (LKPP) dan Public Procurement "
        "Service (PPS) Korea. Kepala LPKP hadir bersama Gubernur Jawa Barat dan Kementrian Dalam Negeri."
    )
    assert gazetteer().count(text) == {
        "LKPP": 3,
        "PPS": 2,
        "Pemprov Jawa Barat": 1,
        "Kemendagri": 1,
    }


def test_ambiguous_acronyms_need_context() -> None:
    assert "PPS" not in gazetteer().count("Petugas PPS dan KPPS di TPS pemilu")


@pytest.mark.parametrize(
    ("title", "text", "kind"),
    [
        ("LKPP dan KPK Teken Nota Kesepahaman", "LKPP dan KPK menandatangani nota kesepahaman di Jakarta, Senin (3/3).", "mou"),
        ("LKPP Akan Teken MoU dengan Kemendagri", "LKPP akan menandatangani nota kesepahaman pekan depan.", "mou_mention"),
        ("Belum Ada MoU, Katalog Lokal Tertunda", "Pemkab belum memiliki nota kesepahaman dengan LKPP.", "news"),
        ("LKPP dan Pemprov Teken PKS", "Perjanjian kerja sama ditandatangani kemarin sebagai pelaksanaan dari MoU tahun lalu.", "agreement"),
        ("Perpres 16/2018 Berlaku", "Peraturan Presiden baru tentang pengadaan mulai berlaku.", "regulation"),
        ("Pokja Umumkan Lelang Jalan", "Paket dengan HPS Rp 4.500.000.000 dibuka.", "tender"),
    ],
)  # fmt: skip
def test_kinds(title: str, text: str, kind: str) -> None:
    assert classify(title, text, date(2016, 3, 4)) == kind


def test_the_seed_is_the_model_case() -> None:
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not seeds:
        pytest.skip(f"the seed document is not available at {SEEDS}")
    title, _, body = seeds[0].read_text(encoding="utf-8").partition("\n\n")
    text = body.split("Reference :")[0].strip()
    published = date(2015, 10, 3)  # the repost's date header, "Sabtu, 03 Oktober 2015"
    assert classify(title, text, published) == "mou"
    record = extract_mou(title, text, published)
    assert record is not None
    assert sorted(record.party_names()) == ["LKPP", "PPS"]
    assert (record.signed_on, record.signed_on_raw) == ("2015-10-02", "Jumat (02/10)")
    assert record.place == "kantor LKPP lama, Jakarta"
    assert record.renewal and record.duration_months == 24


def test_witnesses_and_acting_signatories() -> None:
    text = (
        "LKPP dan KPK menandatangani nota kesepahaman di Gedung KPK, Kamis (3/3), disaksikan oleh "
        "Menteri Dalam Negeri. Nota kesepahaman ditandatangani oleh Sekretaris Utama LKPP, Hendra, "
        "mewakili Kepala LKPP yang berhalangan hadir."
    )
    record = extract_mou("LKPP dan KPK Teken Nota Kesepahaman", text, date(2016, 3, 4))
    assert record is not None and record.party_names() == ["LKPP", "KPK"]
    assert record.party_names("witness") == ["Kemendagri"]
    (signatory,) = [p for p in record.parties if p.role == "signatory"]
    assert (signatory.agency, signatory.person, signatory.acting_for) == (
        "LKPP",
        "Hendra",
        "Kepala LKPP yang berhalangan hadir",
    )


@pytest.mark.parametrize(
    "labelled", [LABELLED, LABELLED.with_name("holdout.yml")], ids=["tuning", "holdout"]
)
def test_quality_on_the_labelled_sets(labelled: Path) -> None:
    """The targets: MoU precision and recall >= 0.95, party F1 >= 0.90, dates >= 0.95. The
    holdout set was written independently of the rules and not tuned on."""
    scores = evaluate(labelled)
    assert scores.articles >= 30
    assert scores.mou_precision >= 0.95 and scores.mou_recall >= 0.95, scores.errors
    assert scores.party_f1 >= 0.90, scores.errors
    assert scores.date_accuracy >= 0.95, scores.errors
