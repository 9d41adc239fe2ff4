"""The forms of issue 20 in MoU records: signatories named by office, passive and multi-party
sentences, dateline dates with a weekday checked, look-alikes, Korean releases."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from scrapers.analysis.event_dates import find_event_dates
from scrapers.analysis.kinds import classify
from scrapers.analysis.mou import MouRecord, extract_mou

FRIDAY = date(2024, 3, 8)


def record(
    text: str, title: str = "Nota Kesepahaman Diteken", published: date = FRIDAY
) -> MouRecord:
    found = extract_mou(title, text, published)
    assert found is not None
    return found


def signatories(found: MouRecord) -> list[tuple[str, str | None, str | None]]:
    return [(p.agency, p.person, p.person_title) for p in found.parties if p.role == "signatory"]


@pytest.mark.parametrize(
    ("office", "party"),
    [
        ("Bupati Kendal", "Pemkab Kendal"), ("Pj Bupati Kendal", "Pemkab Kendal"),
        ("Plt Bupati Kendal", "Pemkab Kendal"), ("Gubernur Jawa Tengah", "Pemprov Jawa Tengah"),
        ("Wali Kota Semarang", "Pemkot Semarang"), ("Sekda Kendal", "Pemkab Kendal"),
        ("Kajari Gresik", "Kejari Gresik"), ("Kepala Kejaksaan Negeri Gresik", "Kejari Gresik"),
        ("Kapolres Jembrana", "Polres Jembrana"), ("Kapolrestabes Makassar", "Polres Makassar"),
        ("Menteri Koperasi", "Kemenkop"), ("Menteri Perindustrian", "Kemenperin"),
        ("Kepala BPKP", "BPKP"), ("Ketua KPK", "KPK"),
    ],
)  # fmt: skip
def test_an_office_signs_for_its_institution_and_the_person_is_its_signatory(
    office: str, party: str
) -> None:
    found = record(f"{office} Budi Santoso dan LKPP meneken nota kesepahaman, Jumat (8/3).")
    assert found.party_names() == [party, "LKPP"]
    assert signatories(found) == [(party, "Budi Santoso", office)]


def test_witnesses_stay_apart_from_the_parties_and_their_signatories() -> None:
    found = record(
        "Bupati Klaten Sri Mulyani dan Kepala Kejaksaan Negeri Klaten Rudi Hartono meneken "
        "nota kesepahaman di Pendopo Klaten, Jumat (8/3), disaksikan oleh Kepala LKPP Hendra."
    )
    assert found.party_names() == ["Pemkab Klaten", "Kejari Klaten"]
    assert found.party_names("witness") == ["LKPP"]
    assert [p[1] for p in signatories(found)] == ["Sri Mulyani", "Rudi Hartono"]


def test_a_passive_sentence_names_three_parties() -> None:
    found = record(
        "Nota kesepahaman pengamanan pengadaan diteken Pemkab Gresik, Kejari Gresik dan "
        "Polres Gresik di Pendopo Gresik, Rabu (6/3)."
    )
    assert found.party_names() == ["Pemkab Gresik", "Kejari Gresik", "Polres Gresik"]
    assert found.signed_on == "2024-03-06"


def test_bersama_and_serta_join_a_list_of_parties_and_an_acronym_is_one_too() -> None:
    found = record(
        "Pemkot Makassar bersama Kejari Makassar, Polrestabes Makassar, serta Asosiasi Pengusaha "
        "Konstruksi Makassar (APKM) meneken nota kesepahaman, Rabu (6/3)."
    )
    assert found.party_names() == ["Pemkot Makassar", "Kejari Makassar", "Polres Makassar", "APKM"]


def test_an_areas_short_name_in_parentheses_is_no_party_of_its_own() -> None:
    found = record("Bupati Lampung Utara (Lampura) Budi dan Kajari Lampung Utara meneken MoU.")
    assert found.party_names() == ["Pemkab Lampung Utara", "Kejari Lampung Utara"]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Kamis (7/3/2024)", date(2024, 3, 7)),
        ("Kamis, (7/3/2024)", date(2024, 3, 7)),
        ("Kamis, 7 Maret 2024", date(2024, 3, 7)),
        ("Kamis (7/3)", date(2024, 3, 7)),  # the year from publication
        ("di Pendopo Klaten, Kamis.", date(2024, 3, 7)),  # a weekday closing the place
    ],
)
def test_dateline_forms(phrase: str, expected: date) -> None:
    (found,) = find_event_dates(phrase, FRIDAY)
    assert found.value == expected and not found.weekday_disagrees


@pytest.mark.parametrize(
    "phrase", ["Selasa (7/3/2024)", "Selasa, (7/3/2024)", "Selasa, 7 Maret 2024", "Selasa (7/3)"]
)
def test_a_weekday_that_disagrees_is_recorded_and_logged(
    phrase: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="scrapers.analysis.mou"):
        found = record(f"Pemkab Klaten dan LKPP meneken nota kesepahaman, {phrase}.")
    assert (found.signed_on, found.weekday_disagrees) == ("2024-03-07", True)
    assert "not that day's weekday; 2024-03-07 kept" in caplog.text


def test_a_weekday_that_agrees_is_not_recorded_as_disagreeing() -> None:
    assert not record(
        "Pemkab Klaten dan LKPP meneken nota kesepahaman, Kamis (7/3)."
    ).weekday_disagrees


@pytest.mark.parametrize(
    ("title", "text", "kind"),
    [
        ("LKPP dan Pemprov Bali Dijadwalkan Teken MoU",
         "LKPP dan Pemprov Bali dijadwalkan menandatangani nota kesepahaman pekan depan.", "mou_mention"),
        ("Bupati Terima Audiensi BPKP, Bahas Sinergi",
         "Pertemuan itu membahas sinergi pengawasan sebagai tindak lanjut nota kesepahaman kedua lembaga.",
         "mou_mention"),
        ("UGM Gelar Simposium Pengadaan",
         "Simposium digelar bekerja sama dengan LKPP dan didukung bank daerah, Kamis (7/3).", "news"),
        ("Katalog Lokal Jabar Tumbuh",
         "Implementasi MoU yang diteken dengan Pemprov Jawa Barat pada 14 Agustus 2023 melipatgandakan produk.",
         "mou_mention"),
        ("조달청, 다음 달 MOU 체결 예정", "조달청은 다음 달 베트남과 업무협약(MOU)을 체결할 예정이라고 밝혔다.", "mou_mention"),
        ("Pemprov Kaltim dan LKPP Teken Nota Kesepakatan", "Keduanya meneken nota kesepakatan, Kamis (7/3).", "mou"),
    ],
)  # fmt: skip
def test_look_alikes_and_new_terms(title: str, text: str, kind: str) -> None:
    assert classify(title, text, FRIDAY) == kind


def test_a_korean_signing_its_kind_date_and_parties() -> None:
    title, text = (
        "조달청, 한국공항공사와 업무협약 체결",
        "조달청은 12일 한국공항공사와 업무협약(MOU)을 체결했다고 13일 밝혔다.",
    )
    published = date(2024, 9, 13)
    assert classify(title, text, published) == "mou"
    found = record(text, title, published)
    assert found.signed_on == "2024-09-12"  # the 13th is the day it was announced
    assert found.party_names() == ["PPS", "한국공항공사"]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [("28일", date(2024, 3, 28)), ("2일", date(2024, 4, 2)), ("3월 28일", date(2024, 3, 28)),
     ("12월 20일", date(2023, 12, 20)), ("2022년 5월 3일", date(2022, 5, 3))],
)  # fmt: skip
def test_korean_days_take_month_and_year_from_publication_never_after(
    phrase: str, expected: date
) -> None:
    (found,) = find_event_dates(phrase, date(2024, 4, 2))
    assert found.value == expected


def test_an_english_release_date_is_not_the_signing_date() -> None:
    found = record(
        "The Public Procurement Service (PPS) said on March 8 that an MOU signed by PPS and the "
        "Ministry of Finance of Mongolia in Ulaanbaatar on March 6 covers e-procurement.",
        "PPS and Mongolia sign MOU",
    )
    assert found.signed_on == "2024-03-06"


def test_the_benchmark_prints_party_recall_and_the_held_out_20_column_only_where_it_exists(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks import mou_quality

    monkeypatch.setattr("sys.argv", ["mou_quality"])
    mou_quality.main()
    printed = capsys.readouterr().out
    assert "party recall" in printed and "tuning" in printed
    assert ("held-out 20" in printed) == mou_quality.HELDOUT_20.exists()


@pytest.mark.parametrize(
    ("office", "party"),
    [
        ("Kapolda Jawa Tengah", "Polda Jawa Tengah"), ("Kapolda Jateng", "Polda Jawa Tengah"),
        ("Kepala Kejaksaan Tinggi Jawa Timur", "Kejati Jawa Timur"), ("Kajati Jatim", "Kejati Jawa Timur"),
        ("Kapolda Metro Jaya", "Polda Metro Jaya"),
        # a city that shares its regency's name has its own offices; the bare name is the regency's
        ("Kapolres Blitar Kota", "Polres Blitar Kota"), ("Kapolresta Bogor Kota", "Polres Bogor Kota"),
        ("Kapolres Blitar", "Polres Blitar"), ("Kajari Kota Kediri", "Kejari Kota Kediri"),
        ("Kepala Kejaksaan Negeri Kabupaten Kediri", "Kejari Kediri"), ("Kajari Kediri", "Kejari Kediri"),
        # a city of its own name keeps the plain forms
        ("Kapolresta Samarinda", "Polres Samarinda"),
    ],
)  # fmt: skip
def test_provincial_and_city_offices_sign_for_their_institutions(office: str, party: str) -> None:
    found = record(
        f"{office} Budi Santoso dan Kepala LKPP Hendrar Prihadi menandatangani nota kesepahaman"
        " di Jakarta, Kamis (7/3/2024)."
    )
    assert set(found.party_names()) == {party, "LKPP"}
    assert ("Budi Santoso", party) in {
        (p.person, p.agency) for p in found.parties if p.role == "signatory"
    }


def test_a_full_name_with_its_short_name_is_one_party_named_short() -> None:
    found = record(
        "Pemerintah Kabupaten Kudus dan PT Bank Pembangunan Daerah Jawa Tengah (Bank Jateng)"
        " menandatangani nota kesepahaman pengelolaan kas daerah, Kamis (7/3/2024). Nota itu"
        " diteken Bupati Kudus Hartopo dan Direktur Utama Bank Jateng Supriyatno."
    )
    assert set(found.party_names()) == {"Pemkab Kudus", "Bank Jateng"}


def test_parties_named_before_the_signing_sentence_of_a_continued_cooperation() -> None:
    title = "Pemkab Kudus dan Bank Jateng Lanjut Kerja Sama"
    text = (
        "Pemerintah Kabupaten Kudus dan PT Bank Pembangunan Daerah Jawa Tengah (Bank Jateng)"
        " lanjut kerja sama pengelolaan kas daerah. Nota kesepahaman diteken pekan lalu oleh"
        " Bupati Kudus Hartopo dan Direktur Utama Bank Jateng Supriyatno."
    )
    assert classify(title, text, FRIDAY) == "mou"  # "pekan lalu" is a week ago, not an earlier MoU
    found = record(text, title)
    assert set(found.party_names()) == {"Pemkab Kudus", "Bank Jateng"}
    assert found.renewal and found.signed_on is None


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Penyaluran gaji kini lebih cepat sejak nota kesepahaman dengan Bank Jatim diteken"
         " pada Maret lalu.", FRIDAY),
        ("Pendampingan itu berdasar pada MoU yang diteken kedua lembaga pada Februari lalu.", FRIDAY),
        ("He pointed to the memorandum of understanding the agency signed in April with"
         " Colombia Compra Eficiente.", date(2019, 10, 21)),
        ("조달청은 지난해 협약을 맺은 한국전력공사 등과 연계를 확대하고 있다고 8일 밝혔다.", date(2021, 6, 8)),
    ],
)  # fmt: skip
def test_an_earlier_signing_named_in_passing_is_a_mention(text: str, published: date) -> None:
    assert classify("Kabar Terkini", text, published) == "mou_mention"


def test_a_signing_in_the_month_of_publication_is_reported() -> None:
    text = "PPS signed a memorandum of understanding in March with the Agency of Mongolia."
    assert classify("PPS signs MOU", text, FRIDAY) == "mou"


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        ("이종욱 조달청장과 박재현 한국수자원공사(K-water) 사장은 7일 대전에서 업무협약을 체결했다.",
         {"PPS", "K-water"}),
        ("조달청과 중소기업중앙회는 7일 판로 지원을 위한 업무협약(MOU)을 체결했다고 8일 밝혔다.",
         {"PPS", "중소기업중앙회"}),
        ("조달청장은 7일 에콰도르 공공조달청(SERCOP) 청장과 만나 양해각서(MOU)를 체결했다.",
         {"PPS", "SERCOP"}),
    ],
)  # fmt: skip
def test_korean_heads_name_their_organisations(text: str, parties: set[str]) -> None:
    assert classify("조달청 업무협약", text, FRIDAY) == "mou"
    assert set(record(text, "조달청 업무협약").party_names()) == parties
