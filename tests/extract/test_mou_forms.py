"""The forms of issue 16 in MoU records: areas' governments and ministries as parties, lists of
them, organisations named in full with an acronym, English counterparties, places, witnesses."""

from __future__ import annotations

from datetime import date

import pytest

from scrapers.analysis.agencies import gazetteer
from scrapers.analysis.mou import MouRecord, extract_mou

PUBLISHED = date(2024, 6, 14)  # a Friday


def record(text: str, title: str = "Nota Kesepahaman Diteken") -> MouRecord:
    found = extract_mou(title, text, PUBLISHED)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gubernur Sumbar dan Kepala LKPP", ["Pemprov Sumatera Barat", "LKPP"]),
        ("Wakil Gubernur Kaltara hadir", ["Pemprov Kalimantan Utara"]),
        ("Pemerintah Provinsi Nusa Tenggara Timur dan Pemkot Kupang", ["Pemprov Nusa Tenggara Timur", "Pemkot Kupang"]),
        ("Pemkab Bogor dan Pemkot Bogor", ["Pemkab Bogor", "Pemkot Bogor"]),
        ("Bupati Sleman dan Wali Kota Yogyakarta", ["Pemkab Sleman", "Pemkot Yogyakarta"]),
        ("Pemda DIY", ["Pemprov DI Yogyakarta"]),
        ("Pemprov DKI bersama Pemerintah Kota Administrasi Jakarta Barat", ["Pemprov DKI Jakarta", "Pemkot Jakarta Barat"]),
        ("Kementerian Ketenagakerjaan, Kemenag dan Badan Pusat Statistik", ["Kemnaker", "Kemenag", "BPS"]),
        ("Lembaga Perlindungan Saksi dan Korban serta BMKG", ["LPSK", "BMKG"]),
    ],
)  # fmt: skip
def test_the_gazetteer_knows_every_area_and_ministry(text: str, expected: list[str]) -> None:
    assert [m.agency for m in gazetteer().mentions(text)] == expected


def test_a_list_of_areas_after_one_government_names_each() -> None:
    text = "Pemerintah Provinsi Maluku, Maluku Utara dan Papua Barat serta Pemkab Sorong, Fakfak dan Kaimana"
    assert [m.agency for m in gazetteer().mentions(text)] == [
        "Pemprov Maluku", "Pemprov Maluku Utara", "Pemprov Papua Barat",
        "Pemkab Sorong", "Pemkab Fak Fak", "Pemkab Kaimana",  # Kemendagri spells it "Fak Fak"
    ]  # fmt: skip


def test_area_names_alone_are_places_not_parties() -> None:
    assert gazetteer().mentions("pengadaan di Kabupaten Sleman dan Jawa Barat") == []


def test_organisations_named_with_an_acronym_are_parties_even_unknown() -> None:
    found = record(
        "LKPP, Ikatan Fungsional Pengadaan Indonesia (IFPI) dan the Korea Institute of "
        "Procurement (KIP) menandatangani nota kesepahaman di Jakarta, Kamis (13/6)."
    )
    assert found.party_names() == ["LKPP", "IFPI", "KIP"]
    assert [p.in_gazetteer for p in found.parties if p.role == "party"] == [True, False, False]


@pytest.mark.parametrize(
    "text",
    [
        "LKPP dan BPKP menandatangani Memorandum of Understanding (MoU) di Jakarta, Kamis (13/6).",
        "LKPP dan BPKP menandatangani nota kesepahaman (MoU) tentang Sistem Informasi Kinerja (SIK) di Jakarta, Kamis (13/6).",
        "LKPP dan BPKP menandatangani nota kesepahaman tentang Harga Perkiraan Sendiri (HPS) di Jakarta, Kamis (13/6).",
    ],
)
def test_documents_and_things_named_with_an_acronym_are_no_party(text: str) -> None:
    assert record(text).party_names() == ["LKPP", "BPKP"]


def test_english_counterparties_named_by_what_they_are() -> None:
    found = record(
        "The Public Procurement Service (PPS) signed a memorandum of understanding with the "
        "State Procurement Agency of Georgia in Tbilisi on June 12.",
        title="PPS signs MoU with Georgia",
    )
    assert found.party_names() == ["PPS", "State Procurement Agency of Georgia"]
    assert found.signed_on == "2024-06-12"


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("LKPP dan BPS meneken nota kesepahaman di Hotel Indonesia Kempinski, Jakarta, Kamis (13/6).", "Hotel Indonesia Kempinski, Jakarta"),
        ("LKPP dan BPS meneken nota kesepahaman di Balai Kota Semarang pada Kamis (13/6).", "Balai Kota Semarang"),
        ("LKPP dan BPS meneken nota kesepahaman di kantor BPS, Kamis (13/6) di Jakarta.", "kantor BPS, Jakarta"),
        ("LKPP dan BPS meneken nota kesepahaman di Denpasar, Kamis (13/6).", "Denpasar"),
        ("LKPP dan Pemprov Papua Tengah meneken nota kesepahaman di Kabupaten Nabire, Kamis (13/6).", "Kabupaten Nabire"),
        ("PPS and LKPP signed an MoU in Bangkok on June 13.", "Bangkok"),
        ("LKPP dan BPS meneken nota kesepahaman di Pps Jakarta, Kamis (13/6).", None),
        ("LKPP dan BPS meneken nota kesepahaman di tengah pandemi, Kamis (13/6).", None),
    ],
)  # fmt: skip
def test_a_place_is_a_venue_or_a_known_area_after_di_or_in(text: str, place: str | None) -> None:
    assert record(text, title="LKPP dan Pemprov Papua Teken MoU di Papua").place == place


def test_the_dateline_is_the_place_only_when_the_sentence_names_none() -> None:
    assert (
        record("MAKASSAR - LKPP dan BPS meneken nota kesepahaman, Kamis (13/6).").place
        == "Makassar"
    )
    text = "MAKASSAR - LKPP dan BPS meneken nota kesepahaman di Gedung Juang, Kamis (13/6)."
    assert record(text).place == "Gedung Juang"


def test_witnesses_in_english_and_in_a_later_sentence() -> None:
    english = record(
        "LKPP and BPS signed a memorandum of understanding in Jakarta on June 13, witnessed by "
        "the head of BRIN.",
        title="LKPP and BPS sign MoU",
    )
    assert (english.party_names(), english.party_names("witness")) == (["LKPP", "BPS"], ["BRIN"])
    later = record(
        "LKPP dan BPS meneken nota kesepahaman di Jakarta, Kamis (13/6).\n\nKerja sama berlaku "
        "tiga tahun. Penandatanganan disaksikan oleh perwakilan Kedutaan Besar Republik Korea "
        "dan Kepala Badan Pengelola Dana Lingkungan Hidup (BPDLH)."
    )
    assert later.party_names() == ["LKPP", "BPS"]
    assert later.party_names("witness") == ["Kedutaan Besar Republik Korea", "BPDLH"]
    assert [p.in_gazetteer for p in later.parties if p.role == "witness"] == [False, False]


def test_a_names_initials_end_no_sentence() -> None:
    from scrapers.analysis.kinds import sentences

    assert sentences("Gubernur Kepri H.M. Sani hadir. Dr. Ani juga. Kelas A. Lalu pulang.") == [
        "Gubernur Kepri H.M. Sani hadir.", "Dr. Ani juga.", "Kelas A. Lalu pulang.",
    ]  # fmt: skip
