"""OCDS milestones from the SPSE stage and the schedule, and the tender and enquiry periods
as OCDS defines them. Notices of our own invention (tests/test_ocds.py's)."""

from __future__ import annotations

from typing import Any

from procarchive import ocds
from tests.test_ocds import PACKAGE_URI, PREFIX, SCHEDULE, WINNER, notice, version

# Long after every stage of SCHEDULE: a crawl clock ahead of the stages, as when a sample
# site with a fixed day is crawled today, or an archive is exported months later.
LATER = "2026-12-07T01:00:00+00:00"
STAGES = [stage for stage, _, _ in SCHEDULE]


def statuses(*versions: dict[str, Any]) -> dict[str, str | None]:
    milestones = ocds.releases(list(versions), PREFIX)[-1]["tender"]["milestones"]
    return {m["title"]: m.get("status") for m in milestones}


def at(stage: str, seen_at: str = LATER, number: int = 1, **changes: Any) -> dict[str, Any]:
    return version(number, seen_at, notice(stage=stage, **changes), [])


def test_a_running_tender_has_met_only_the_stages_before_its_current_one() -> None:
    found = statuses(at("Pemberian Penjelasan"))
    before, current = STAGES[: STAGES.index("Pemberian Penjelasan")], "Pemberian Penjelasan"
    assert [found[stage] for stage in before] == ["met"] * len(before)
    assert found[current] == "scheduled"
    after = STAGES[STAGES.index(current) + 1 :]
    assert [found[stage] for stage in after] == ["scheduled"] * len(after)


def test_contract_signing_of_a_tender_without_an_award_is_never_met() -> None:
    found = statuses(at("Evaluasi Administrasi, Kualifikasi, Teknis, dan Harga"))
    assert found["Penandatanganan Kontrak"] == "scheduled"
    assert found["Pembukaan Dokumen Penawaran"] == "met"


def test_a_met_stage_is_dated_by_its_end() -> None:
    milestones = ocds.release(at("Masa Sanggah"), PREFIX)["tender"]["milestones"]
    upload = next(m for m in milestones if m["title"] == "Upload Dokumen Penawaran")
    assert (upload["status"], upload["dateMet"]) == ("met", "2026-05-22T10:00:00+07:00")
    assert all("dateMet" not in m for m in milestones if m["status"] == "scheduled")


def test_a_stage_still_open_beside_the_current_one_is_not_yet_met() -> None:
    # 14 May, 10:00 WIB: the clarification runs while the document download stays open
    found = statuses(at("Pemberian Penjelasan", "2026-05-14T03:00:00+00:00"))
    assert found["Download Dokumen Pemilihan"] == "scheduled"
    assert found["Pengumuman Pascakualifikasi"] == "scheduled"  # open until 18 May


def test_a_complete_tender_met_every_stage_by_the_time_it_was_seen() -> None:
    record = notice(stage="Tender Sudah Selesai", awards=[WINNER])
    milestones = ocds.release(version(1, "2026-06-11T01:00:00+00:00", record, []), PREFIX)
    signing = milestones["tender"]["milestones"][-1]
    assert {m["status"] for m in milestones["tender"]["milestones"]} == {"met"}
    assert signing["dateMet"] == "2026-06-11T01:00:00+00:00"  # due 12 June, seen complete on 11th


def test_spse3_concurrent_stages_in_other_case_are_placed() -> None:
    found = statuses(
        at("Pembukaan Dokumen Penawaran; evaluasi administrasi, kualifikasi, teknis, dan harga")
    )
    assert found["Upload Dokumen Penawaran"] == "met"
    assert found["Pembukaan Dokumen Penawaran"] == "scheduled"
    assert found["Evaluasi Administrasi, Kualifikasi, Teknis, dan Harga"] == "scheduled"


def test_a_stage_named_loosely_is_placed_at_its_earliest_match() -> None:
    # SPSE's "Evaluasi Penawaran" for the schedule's "Evaluasi Administrasi, ..."
    found = statuses(at("Evaluasi Penawaran"))
    assert found["Pembukaan Dokumen Penawaran"] == "met"
    assert found["Evaluasi Administrasi, Kualifikasi, Teknis, dan Harga"] == "scheduled"
    assert found["Penetapan Pemenang"] == "scheduled"


def test_a_stage_not_in_the_schedule_leaves_passed_stages_unknown() -> None:
    found = statuses(at("Tahap Tidak Dikenal", "2026-05-20T01:00:00+00:00"))
    assert found["Pemberian Penjelasan"] is None  # passed: whether it happened is not known
    assert found["Penandatanganan Kontrak"] == "scheduled"


def test_a_cancelled_tender_did_not_meet_the_stages_after_where_it_stopped() -> None:
    running = at("Upload Dokumen Penawaran", "2026-05-16T01:00:00+00:00")
    cancelled = at("Tender Batal", LATER, number=2, status="cancelled")
    found = statuses(running, cancelled)
    assert found["Pemberian Penjelasan"] == "met"
    assert found["Upload Dokumen Penawaran"] is None  # it stopped there
    after = STAGES[STAGES.index("Upload Dokumen Penawaran") + 1 :]
    assert [found[stage] for stage in after] == ["notMet"] * len(after)


def test_a_tender_first_seen_cancelled_has_met_nothing_known() -> None:
    found = statuses(at("Tender Gagal", "2026-05-20T01:00:00+00:00", status="unsuccessful"))
    assert found["Pemberian Penjelasan"] is None
    assert found["Penandatanganan Kontrak"] == "notMet"  # due after it stopped: never will be
    assert "met" not in found.values()


def test_a_withdrawn_notice_keeps_what_its_last_stage_showed() -> None:
    record = notice(stage="Masa Sanggah")
    gone = version(2, LATER, record, ["gone:404"])
    found = statuses(version(1, "2026-06-04T01:00:00+00:00", record, []), gone)
    assert found["Pengumuman Pemenang"] == "met"
    assert found["Masa Sanggah"] is None
    assert found["Penandatanganan Kontrak"] is None  # it may have gone on, unseen


def test_a_planned_tender_has_every_stage_scheduled() -> None:
    found = statuses(at("Belum Dimulai"))
    assert set(found.values()) == {"scheduled"}


def test_milestone_statuses_of_every_kind_validate() -> None:
    history = [
        at("Upload Dokumen Penawaran", "2026-05-16T01:00:00+00:00"),
        at("Tender Batal", LATER, number=2, status="cancelled"),
    ]
    built = ocds.releases(history, PREFIX)
    package = ocds.release_package(built, PACKAGE_URI, LATER, "procarchive")
    assert ocds.validate_package(package) == []
    record = ocds.compiled_record(built[0]["ocid"], built)
    records = ocds.record_package([record], PACKAGE_URI, LATER, "procarchive")
    assert ocds.validate_package(records, "record") == []
    compiled = {
        m["title"]: m.get("status") for m in record["compiledRelease"]["tender"]["milestones"]
    }
    assert compiled["Penandatanganan Kontrak"] == "notMet"


# --- periods ----------------------------------------------------------------------------


def tender_of(**changes: Any) -> dict[str, Any]:
    return ocds.release(version(1, LATER, notice(**changes), []), PREFIX)["tender"]


def rows(*stages: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"stage": name, "starts_at": start, "ends_at": end} for name, start, end in stages]


def test_the_tender_period_runs_from_the_announcement_to_the_bid_deadline() -> None:
    period = tender_of()["tenderPeriod"]
    assert period == {
        "startDate": "2026-05-12T08:00:00+07:00",
        "endDate": "2026-05-22T10:00:00+07:00",
    }


def test_a_direct_procurement_is_open_from_its_invitation() -> None:
    schedule = rows(
        ("Undangan Pengadaan Langsung", "2026-05-04T08:00:00+07:00", "2026-05-05T23:59:00+07:00"),
        ("Upload Dokumen Penawaran", "2026-05-08T08:00:00+07:00", "2026-05-09T23:59:00+07:00"),
        ("Pengumuman Pemenang", "2026-05-12T08:00:00+07:00", "2026-05-12T16:00:00+07:00"),
    )
    period = tender_of(schedule=schedule, method="Pengadaan Langsung")["tenderPeriod"]
    assert period == {
        "startDate": "2026-05-04T08:00:00+07:00",
        "endDate": "2026-05-09T23:59:00+07:00",
    }


def test_without_an_announcement_stage_the_period_opens_at_announced_at() -> None:
    schedule = rows(
        ("Upload Dokumen Penawaran", "2026-05-08T08:00:00+07:00", "2026-05-09T23:59:00+07:00"),
        ("Pengumuman Pemenang", "2026-05-12T08:00:00+07:00", "2026-05-12T16:00:00+07:00"),
    )
    period = tender_of(schedule=schedule, announced_at="2026-05-06T09:00:00+07:00")["tenderPeriod"]
    assert period["startDate"] == "2026-05-06T09:00:00+07:00"  # not the winner's announcement


def test_a_package_without_schedule_has_no_tender_period() -> None:
    assert "tenderPeriod" not in tender_of(schedule=[], announced_at="2026-05-06")


def test_the_enquiry_period_is_the_clarification_of_the_bidding_documents() -> None:
    schedule = rows(
        ("Pengumuman Prakualifikasi", "2026-05-01T08:00:00+07:00", "2026-05-07T23:59:00+07:00"),
        (
            "Penjelasan Dokumen Prakualifikasi",
            "2026-05-03T09:00:00+07:00",
            "2026-05-03T12:00:00+07:00",
        ),
        ("Pemberian Penjelasan", "2026-05-14T09:00:00+07:00", "2026-05-14T12:00:00+07:00"),
        ("Upload Dokumen Penawaran", "2026-05-15T08:00:00+07:00", "2026-05-22T10:00:00+07:00"),
    )
    tender = tender_of(schedule=schedule, method="Seleksi")
    assert tender["enquiryPeriod"] == {
        "startDate": "2026-05-14T09:00:00+07:00",
        "endDate": "2026-05-14T12:00:00+07:00",
    }
    assert tender["tenderPeriod"]["startDate"] == "2026-05-01T08:00:00+07:00"
