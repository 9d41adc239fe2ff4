"""OCDS export of notices: releases, packages and records, validated against the shipped
OCDS 1.1.5 schema. The notices below are our own invention, shaped like SPSE's."""

from __future__ import annotations

import copy
import json
import socket
from typing import Any

import pytest

from procarchive import ocds, ocds_schema
from procarchive.sensitive import PERSON
from scrapers.extract.spse import parse_notice_page
from tests.conftest import realdata

PREFIX = "ocds-tst001"
PACKAGE_URI = "https://data.example.org/ocds/releases.json"
NPWP = "01.234.567.8-901.000"
PERSON_NAME = "Sutrisno Wibowo"

SCHEDULE = [
    ("Pengumuman Pascakualifikasi", "2026-05-12T08:00:00+07:00", "2026-05-18T23:59:00+07:00"),
    ("Download Dokumen Pemilihan", "2026-05-12T08:00:00+07:00", "2026-05-22T10:00:00+07:00"),
    ("Pemberian Penjelasan", "2026-05-14T09:00:00+07:00", "2026-05-14T12:00:00+07:00"),
    ("Upload Dokumen Penawaran", "2026-05-15T08:00:00+07:00", "2026-05-22T10:00:00+07:00"),
    ("Pembukaan Dokumen Penawaran", "2026-05-22T10:01:00+07:00", "2026-05-22T16:00:00+07:00"),
    ("Evaluasi Administrasi, Kualifikasi, Teknis, dan Harga", "2026-05-22T10:01:00+07:00",
     "2026-05-29T16:00:00+07:00"),
    ("Penetapan Pemenang", "2026-06-01T08:00:00+07:00", "2026-06-01T16:00:00+07:00"),
    ("Pengumuman Pemenang", "2026-06-02T08:00:00+07:00", "2026-06-02T16:00:00+07:00"),
    ("Masa Sanggah", "2026-06-03T08:00:00+07:00", "2026-06-07T23:59:00+07:00"),
    ("Penandatanganan Kontrak", "2026-06-10T08:00:00+07:00", "2026-06-12T16:00:00+07:00"),
]  # fmt: skip
WINNER: dict[str, Any] = {
    "supplier_name": "PT Karya Bangun Lestari", "npwp": NPWP, "address": "Jl. Pemuda 12, Semarang",
    "offer": 1_398_000_000, "corrected_price": 1_390_000_000, "negotiated_price": 1_385_500_000,
    "contract_value": None, "role": "winner", "supplier_is_person": False,
}  # fmt: skip
RESERVE: dict[str, Any] = {
    "supplier_name": PERSON_NAME, "npwp": "09.876.543.2-109.000", "address": "Jl. Melati 3, Kendal",
    "offer": 1_420_000_000, "corrected_price": None, "negotiated_price": None,
    "contract_value": None, "role": "reserve", "supplier_is_person": True,
}  # fmt: skip


def notice(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "jatengprov/tender/10012345", "lpse": "jatengprov",
        "lpse_name": "LPSE Provinsi Jawa Tengah", "category": "tender",
        "package_code": "10012345", "name": "Rehabilitasi Gedung Laboratorium Terpadu",
        "agency": "Pemerintah Provinsi Jawa Tengah", "work_unit": "Dinas Pendidikan dan Kebudayaan",
        "budget_year": 2026, "pagu": 1_500_000_000, "hps": 1_450_000_000,
        "procurement_type": "Pekerjaan Konstruksi", "method": "Tender",
        "contract_type": "Harga Satuan", "qualification": "Kecil", "location": "Kota Semarang",
        "rup_codes": ["51234567"], "funding_source": "APBD",
        "stage": "Pengumuman Pascakualifikasi", "status": "active",
        "announced_at": "2026-05-12T08:00:00+07:00", "created_on": "2026-05-11",
        "url": "https://spse.example.go.id/eproc4/lelang/10012345/pengumumanlelang",
        "schedule": [
            {"stage": stage, "starts_at": start, "ends_at": end, "changes": 0}
            for stage, start, end in SCHEDULE
        ],
        "awards": [],
    }  # fmt: skip
    record.update(changes)
    return record


def version(number: int, seen_at: str, record: dict[str, Any], changes: list[str]) -> dict:
    return {"version": number, "seen_at": seen_at, "record": record, "changes": changes}


def tender_history() -> list[dict[str, Any]]:
    """Announced; in evaluation with a revised HPS; finished with a winner and a reserve."""
    return [
        version(1, "2026-05-13T01:00:00+00:00", notice(), []),
        version(
            2,
            "2026-05-25T01:00:00+00:00",
            notice(stage="Evaluasi Penawaran", hps=1_425_000_000),
            ["hps", "stage"],
        ),
        version(
            3,
            "2026-06-04T01:00:00+00:00",
            notice(
                stage="Tender Sudah Selesai",
                status="complete",
                hps=1_425_000_000,
                awards=[WINNER, RESERVE],
            ),
            ["awards", "stage", "status"],
        ),
    ]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Schemas, references and merge rules must all come from the shipped files."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the OCDS code tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_shipped_schemas_are_the_whole_ocds_1_1_5_files() -> None:
    for name in ocds_schema.SCHEMA_FILES:
        schema = ocds.load_schema(name)
        assert schema["id"] == f"https://standard.open-contracting.org/schema/1__1__5/{name}"
    release_schema = ocds.load_schema("release-schema.json")
    assert {"Tender", "Award", "Organization", "Period", "RelatedProcess"} <= set(
        release_schema["definitions"]
    )
    assert "IDR" in release_schema["definitions"]["Value"]["properties"]["currency"]["enum"]


def test_release_package_of_a_tender_history_is_valid() -> None:
    built = ocds.releases(tender_history(), PREFIX, include_sensitive=True)
    package = ocds.release_package(built, PACKAGE_URI, "2026-06-04T02:00:00Z", "procarchive")
    assert ocds.validate_package(package) == []
    assert package["version"] == "1.1"
    assert [item["id"] for item in built] == ["10012345-v1", "10012345-v2", "10012345-v3"]
    assert {item["ocid"] for item in built} == {f"{PREFIX}-jatengprov-tender-10012345"}
    assert built[0]["date"] == "2026-05-13T01:00:00+00:00"


def test_tags_follow_what_each_version_changed() -> None:
    built = ocds.releases(tender_history(), PREFIX)
    assert [item["tag"] for item in built] == [
        ["tender"],
        ["tenderUpdate"],
        ["tenderUpdate", "award"],
    ]


def test_tender_block_maps_hps_method_category_and_periods() -> None:
    tender = ocds.releases(tender_history(), PREFIX)[1]["tender"]
    assert tender["id"] == "10012345"
    assert tender["title"] == "Rehabilitasi Gedung Laboratorium Terpadu"
    assert tender["value"] == {"amount": 1_425_000_000, "currency": "IDR"}
    assert tender["status"] == "active"
    assert (tender["procurementMethod"], tender["procurementMethodDetails"]) == ("open", "Tender")
    assert tender["mainProcurementCategory"] == "works"
    assert tender["tenderPeriod"] == {  # from the announcement to the bid deadline
        "startDate": "2026-05-12T08:00:00+07:00",
        "endDate": "2026-05-22T10:00:00+07:00",
    }
    assert tender["enquiryPeriod"]["startDate"] == "2026-05-14T09:00:00+07:00"
    assert tender["awardPeriod"] == {
        "startDate": "2026-05-22T10:01:00+07:00",
        "endDate": "2026-06-01T16:00:00+07:00",
    }
    assert tender["documents"][0]["documentType"] == "tenderNotice"
    assert tender["documents"][0]["url"].endswith("/lelang/10012345/pengumumanlelang")


def test_milestones_come_from_the_schedule() -> None:
    milestones = ocds.releases(tender_history(), PREFIX)[1]["tender"]["milestones"]
    assert [m["title"] for m in milestones] == [stage for stage, _, _ in SCHEDULE]
    by_id = {m["id"]: m for m in milestones}
    clarification = by_id["pemberian-penjelasan"]
    assert clarification["type"] == "engagement"
    assert clarification["status"] == "met"
    assert clarification["dateMet"] == clarification["dueDate"] == "2026-05-14T12:00:00+07:00"
    assert by_id["penetapan-pemenang"]["type"] == "assessment"
    assert by_id["penetapan-pemenang"]["status"] == "scheduled"
    assert "dateMet" not in by_id["penetapan-pemenang"]
    assert by_id["penandatanganan-kontrak"]["type"] == "approval"
    assert "type" not in by_id["masa-sanggah"]  # no OCDS 1.1 milestoneType fits


def test_planning_budget_is_the_pagu_and_rup_codes() -> None:
    budget = ocds.releases(tender_history(), PREFIX)[0]["planning"]["budget"]
    assert budget == {
        "id": "51234567",
        "description": "APBD, tahun anggaran 2026",
        "amount": {"amount": 1_500_000_000, "currency": "IDR"},
    }


def test_parties_buyer_procuring_entity_and_suppliers() -> None:
    final = ocds.releases(tender_history(), PREFIX, include_sensitive=True)[2]
    roles = {party["id"]: party["roles"] for party in final["parties"]}
    buyer_id = "jatengprov-pemerintah-provinsi-jawa-tengah"
    entity_id = f"{buyer_id}-dinas-pendidikan-dan-kebudayaan"
    assert final["buyer"] == {"id": buyer_id, "name": "Pemerintah Provinsi Jawa Tengah"}
    assert final["tender"]["procuringEntity"]["id"] == entity_id
    assert roles[buyer_id] == ["buyer"]
    assert roles[entity_id] == ["procuringEntity"]
    assert roles["jatengprov-pt-karya-bangun-lestari"] == ["supplier", "tenderer"]
    assert roles["jatengprov-sutrisno-wibowo"] == ["tenderer"]  # a reserve is not awarded


def test_an_agency_without_work_unit_is_buyer_and_procuring_entity() -> None:
    record = notice(work_unit=None)
    built = ocds.release(version(1, "2026-05-13T01:00:00+00:00", record, []), PREFIX)
    (party,) = built["parties"]
    assert party["roles"] == ["buyer", "procuringEntity"]
    assert built["buyer"] == built["tender"]["procuringEntity"]


def test_winner_is_the_award_with_the_negotiated_price() -> None:
    history = tender_history()
    during_objections = ocds.releases(history, PREFIX)[2]
    (award,) = during_objections["awards"]
    assert award["id"] == "winner-1"
    assert award["value"] == {"amount": 1_385_500_000, "currency": "IDR"}
    assert award["date"] == "2026-06-01T16:00:00+07:00"
    assert award["suppliers"] == [
        {"id": "jatengprov-pt-karya-bangun-lestari", "name": "PT Karya Bangun Lestari"}
    ]
    assert award["status"] == "pending"  # seen during the masa sanggah
    history[2]["seen_at"] = "2026-06-09T01:00:00+00:00"
    assert ocds.releases(history, PREFIX)[2]["awards"][0]["status"] == "active"


def test_a_cancelled_tender_gets_a_cancellation_release() -> None:
    history = tender_history()[:2]
    history.append(
        version(
            3,
            "2026-06-04T01:00:00+00:00",
            notice(stage="Tender Batal", status="cancelled", awards=[WINNER]),
            ["awards", "stage", "status"],
        )
    )
    built = ocds.releases(history, PREFIX)
    final = built[2]
    assert final["tag"] == ["tenderCancellation", "award"]
    assert final["tender"]["status"] == "cancelled"
    assert final["awards"][0]["status"] == "cancelled"
    milestones = {m["id"]: m for m in final["tender"]["milestones"]}
    assert milestones["upload-dokumen-penawaran"]["status"] == "met"  # before the evaluation
    stopped = milestones["evaluasi-administrasi-kualifikasi-teknis-dan-harga"]
    assert "status" not in stopped  # where it stopped: whether that stage finished is unknown
    assert milestones["penandatanganan-kontrak"]["status"] == "notMet"
    package = ocds.release_package(built, PACKAGE_URI, "2026-06-04T02:00:00Z", "procarchive")
    assert ocds.validate_package(package) == []


def test_a_notice_gone_from_spse_is_withdrawn() -> None:
    history = tender_history()[:2]
    history.append(version(3, "2026-05-27T01:00:00+00:00", history[1]["record"], ["gone:404"]))
    final = ocds.releases(history, PREFIX)[2]
    assert (final["tag"], final["tender"]["status"]) == (["tenderUpdate"], "withdrawn")


def test_sensitive_switch_hides_npwp_and_personal_names() -> None:
    history = tender_history()
    hidden = json.dumps(ocds.releases(history, PREFIX, include_sensitive=False))
    for secret in (PERSON_NAME, RESERVE["address"], "0123456789", "098765432"):
        assert secret not in hidden
    final = json.loads(hidden)[2]
    assert all("identifier" not in party for party in final["parties"])
    person = next(party for party in final["parties"] if "perorangan" in party["id"])
    assert person == {"id": "jatengprov-perorangan-1", "name": PERSON, "roles": ["tenderer"]}
    company = next(party for party in final["parties"] if "karya" in party["id"])
    assert company["address"] == {"streetAddress": WINNER["address"]}  # a firm is no person

    shown = ocds.releases(history, PREFIX, include_sensitive=True)[2]
    winner = next(party for party in shown["parties"] if "karya" in party["id"])
    assert winner["identifier"] == {"scheme": "ID-DJP", "id": "012345678901000"}
    assert PERSON_NAME in json.dumps(shown)


def test_compiled_record_shows_the_latest_stage_and_hps() -> None:
    built = ocds.releases(tender_history(), PREFIX)
    record = ocds.compiled_record(built[0]["ocid"], list(reversed(built)))
    compiled = record["compiledRelease"]
    assert [item["id"] for item in record["releases"]] == [
        "10012345-v1",
        "10012345-v2",
        "10012345-v3",
    ]
    assert compiled["tag"] == ["compiled"]
    assert compiled["tender"]["status"] == "complete"
    assert compiled["tender"]["value"] == {"amount": 1_425_000_000, "currency": "IDR"}
    assert compiled["awards"][0]["id"] == "winner-1"
    assert len(compiled["tender"]["milestones"]) == len(SCHEDULE)
    package = ocds.record_package([record], PACKAGE_URI, "2026-06-04T02:00:00Z", "procarchive")
    assert ocds.validate_package(package, "record") == []


def test_a_record_can_link_its_releases_instead_of_embedding_them() -> None:
    built = ocds.releases(tender_history(), PREFIX)
    record = ocds.compiled_record(built[0]["ocid"], built, package_uri=PACKAGE_URI)
    assert record["releases"][2] == {
        "url": f"{PACKAGE_URI}#10012345-v3",
        "date": "2026-06-04T01:00:00+00:00",
        "tag": ["tenderUpdate", "award"],
    }
    package = ocds.record_package(
        [record],
        "https://data.example.org/ocds/records.json",
        "2026-06-04T02:00:00Z",
        "procarchive",
        packages=[PACKAGE_URI],
    )
    assert ocds.validate_package(package, "record") == []


def test_validation_rejects_a_broken_package() -> None:
    built = ocds.releases(tender_history(), PREFIX)
    package = ocds.release_package(built, PACKAGE_URI, "2026-06-04T02:00:00Z", "procarchive")
    broken = copy.deepcopy(package)
    del broken["version"]
    del broken["releases"][0]["tag"]
    broken["releases"][1]["date"] = "2026-05-25"
    broken["releases"][1]["tender"]["value"]["currency"] = "RUPIAH"
    broken["releases"][2]["tender"]["procurementMethod"] = "tender"
    errors = ocds.validate_package(broken)
    assert "$: 'version' is a required property" in errors
    assert "$.releases[0]: 'tag' is a required property" in errors
    assert "$.releases[1].date: '2026-05-25' is not a 'date-time'" in errors
    assert any(e.startswith("$.releases[1].tender.value.currency: 'RUPIAH'") for e in errors)
    assert any(e.startswith("$.releases[2].tender.procurementMethod: 'tender'") for e in errors)
    assert len(errors) == 5


def test_validation_of_a_record_package_follows_the_release_schema() -> None:
    built = ocds.releases(tender_history(), PREFIX)
    record = ocds.compiled_record(built[0]["ocid"], built)
    record["compiledRelease"]["tender"]["status"] = "finished"
    package = ocds.record_package([record], PACKAGE_URI, "2026-06-04T02:00:00Z", "procarchive")
    (error,) = ocds.validate_package(package, "record")
    assert error.startswith("$.records[0].compiledRelease.tender.status: 'finished'")


@pytest.mark.parametrize(
    ("method", "category", "prequalified", "expected"),
    [
        ("Tender", "tender", False, "open"),
        ("Tender Cepat", "tender", False, "open"),
        ("Seleksi", "tender", True, "selective"),
        ("Pengadaan Langsung", "nontender", False, "direct"),
        ("Penunjukan Langsung", "nontender", False, "direct"),
        ("E-Purchasing", "pencatatan", False, "limited"),
        ("Darurat", "darurat", False, "direct"),
        ("Swakelola Tipe I", "swakelola", False, None),
        (None, "tender", False, None),
    ],
)
def test_procurement_methods(
    method: str | None, category: str, prequalified: bool, expected: str | None
) -> None:
    assert ocds.procurement_method(method, category, prequalified) == expected


@pytest.mark.parametrize(
    ("jenis", "expected"),
    [
        ("Pengadaan Barang", ("goods", [])),
        ("Pekerjaan Konstruksi", ("works", [])),
        ("Jasa Konsultansi Badan Usaha Konstruksi", ("services", ["consultingServices"])),
        ("Jasa Lainnya", ("services", [])),
        ("Pekerjaan Terintegrasi", ("works", [])),
        (None, (None, [])),
    ],
)
def test_procurement_categories(jenis: str | None, expected: tuple[str | None, list[str]]) -> None:
    assert ocds.procurement_category(jenis) == expected


def test_prequalification_makes_a_selection_selective() -> None:
    schedule = [{"stage": "Pengumuman Prakualifikasi", "starts_at": None, "ends_at": None}]
    record = notice(method="Seleksi", stage="Pengumuman Prakualifikasi", schedule=schedule)
    built = ocds.release(version(1, "2026-05-13T01:00:00+00:00", record, []), PREFIX)
    assert built["tender"]["procurementMethod"] == "selective"


def test_swakelola_has_no_procurement_method() -> None:
    record = notice(
        category="swakelola",
        method="Tipe I",
        hps=None,
        stage="Paket Sedang Berjalan",
        procurement_type=None,
        schedule=[],
    )
    built = ocds.release(version(1, "2026-05-13T01:00:00+00:00", record, []), PREFIX)
    assert "procurementMethod" not in built["tender"]
    assert built["tender"]["procurementMethodDetails"] == "Tipe I"
    assert "value" not in built["tender"]  # no HPS: the pagu stays a budget, not an estimate


def test_a_notice_not_yet_announced_is_planning_then_tender() -> None:
    history = [
        version(1, "2026-05-10T01:00:00+00:00", notice(), []),
        version(2, "2026-05-13T01:00:00+00:00", notice(name="Rehabilitasi Gedung Lab"), ["name"]),
    ]
    first, second = ocds.releases(history, PREFIX)
    assert (first["tag"], first["tender"]["status"]) == (["planning"], "planned")
    assert (second["tag"], second["tender"]["status"]) == (["tender"], "active")


def test_date_only_values_become_local_midnight() -> None:
    realisation = {
        "supplier_name": "CV Sumber Rejeki", "npwp": None, "address": None, "offer": None,
        "corrected_price": None, "negotiated_price": None, "contract_value": 48_500_000,
        "role": "realisation", "supplier_is_person": False, "realised_on": "2026-03-04",
    }  # fmt: skip
    record = notice(
        category="pencatatan",
        method="E-Purchasing",
        schedule=[],
        stage="Paket Selesai",
        announced_at="2026-03-01",
        awards=[realisation],
    )
    built = ocds.release(version(1, "2026-03-05T01:00:00+00:00", record, []), PREFIX)
    assert built["tender"]["documents"][0]["datePublished"] == "2026-03-01T00:00:00+07:00"
    (award,) = built["awards"]
    assert award["date"] == "2026-03-04T00:00:00+07:00"
    assert award["value"]["amount"] == 48_500_000
    assert built["tag"] == ["tender", "award"]


def test_a_notice_in_wita_keeps_its_offset_for_date_only_values() -> None:
    schedule = [{"stage": "Pengumuman", "starts_at": "2026-03-01T08:00:00+08:00", "ends_at": None}]
    record = notice(schedule=schedule, announced_at="2026-03-01", stage="Paket Selesai")
    built = ocds.release(version(1, "2026-03-05T01:00:00+00:00", record, []), PREFIX)
    assert built["tender"]["documents"][0]["datePublished"] == "2026-03-01T00:00:00+08:00"


def test_identity_fields_can_come_from_the_notice_row() -> None:
    record = notice()
    for key in ("lpse", "lpse_name", "category", "package_code", "url"):
        del record[key]
    row = notice()
    built = ocds.releases([version(1, "2026-05-13T01:00:00+00:00", record, [])], PREFIX, notice=row)
    assert built[0]["ocid"] == f"{PREFIX}-jatengprov-tender-10012345"
    with pytest.raises(ValueError, match="lpse and package_code"):
        ocds.release(version(1, "2026-05-13T01:00:00+00:00", record, []), PREFIX)


@pytest.mark.parametrize("prefix", ["ocds-12345", "ocds-ABCDEF", "abcdef", "ocds-abc1234"])
def test_an_ocid_prefix_is_ocds_and_six_characters(prefix: str) -> None:
    with pytest.raises(ValueError, match="ocid prefix"):
        ocds.ocid(prefix, "jatengprov", "tender", "10012345")


def test_tender_status_of_spse_stages() -> None:
    assert ocds.tender_status("Tender Sudah Selesai") == "complete"
    assert ocds.tender_status("Paket Dibatalkan") == "cancelled"
    assert ocds.tender_status("Tender Gagal") == "unsuccessful"
    assert ocds.tender_status("Paket Sedang Berjalan") == "active"
    assert ocds.tender_status("Tender Belum Dimulai") == "planned"
    assert ocds.tender_status(None, "complete") == "complete"


def test_real_spse_pages_export_valid_and_redacted() -> None:
    pages = sorted(realdata("spse").glob("*.html"))
    people = 0
    for page in pages:
        parsed = parse_notice_page(page.read_text(encoding="utf-8"))
        record = {
            **parsed.fields,
            "lpse": "realdata",
            "category": "pencatatan",
            "schedule": [],
            "awards": parsed.awards,
            "package_code": parsed.fields.get("package_code") or "1",
        }
        built = ocds.release(version(1, "2026-01-01T00:00:00+00:00", record, []), PREFIX)
        package = ocds.release_package([built], PACKAGE_URI, "2026-01-01T00:00:00Z", "procarchive")
        assert ocds.validate_package(package) == [], page.name
        exported = json.dumps(built, ensure_ascii=False)
        for award in parsed.awards:
            digits = "".join(ch for ch in award.get("npwp") or "" if ch.isdigit())
            assert not digits or digits not in exported, page.name
            if award["supplier_is_person"]:
                people += 1
                assert award["supplier_name"] not in exported, page.name
                assert not award.get("address") or award["address"] not in exported, page.name
    assert people, "the real pages should include a supplier who is a person"
