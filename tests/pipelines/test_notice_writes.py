"""Notices in the archive: new, unchanged, changed (a version each), parts carried over,
gone and back, and documents versioned by content."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from archive.connection import open_archive
from archive.documents import write_documents
from archive.migrations import migrate
from archive.notices import mark_notices_gone, write_notices
from procarchive.ocds import tender_status
from scrapers.extract.stages import notice_status
from scrapers.items import DocumentItem, NoticeItem

SCHEDULE = [
    {"stage": "Pengumuman Pascakualifikasi", "starts_at": "2026-05-04T08:00:00+07:00",
     "ends_at": "2026-05-11T16:00:00+07:00", "changes": 0},
    {"stage": "Upload Dokumen Penawaran", "starts_at": "2026-05-05T08:00:00+07:00",
     "ends_at": "2026-05-12T23:59:00+07:00", "changes": 0},
]  # fmt: skip
WINNER = {
    "role": "winner", "supplier_name": "PT Beton Lestari Abadi", "supplier_is_person": False,
    "npwp": "01.234.567.8-901.000", "offer": 1_150_000_000, "negotiated_price": 1_140_000_000,
}  # fmt: skip


def notice(**changes: Any) -> NoticeItem:
    fields: dict[str, Any] = {
        "name": "Pembangunan Jalan Lingkar Utara Ruas II", "agency": "Provinsi Jawa Tengah",
        "work_unit": "Dinas Bina Marga", "hps": 1_200_000_000, "pagu": 1_250_000_000,
        "stage": "Pengumuman Pascakualifikasi", "created_on": "2026-05-02", "budget_year": 2026,
    }  # fmt: skip
    item = NoticeItem(
        url="http://spse.test/jatengprov/lelang/10012345/pengumumanlelang", source="spse",
        lpse="jatengprov", category="tender", package_code="10012345", fields=fields,
        rup=[{"kode rup": "41234567", "nama paket": fields["name"], "sumber dana": "APBD"}],
        schedule=SCHEDULE, awards=[], parts=["announcement", "schedule", "awards"],
    )  # fmt: skip
    return replace(item, **changes)


def versions(db: Any) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM notice_versions ORDER BY version"))


def test_new_notice_has_its_first_version_and_parts() -> None:
    db = open_archive(":memory:")
    assert write_notices(db, [notice()], 1) == {"new": 1, "changed": 0, "unchanged": 0}
    row = db.table("notices").get("jatengprov-tender-10012345")
    assert (row["status"], row["hps"], row["version"]) == ("active", 1_200_000_000, 1)
    assert row["announced_at"] == "2026-05-04T08:00:00+07:00"
    assert (json.loads(row["rup_codes"]), row["funding_source"]) == (["41234567"], "APBD")
    assert db["notice_schedule"].count == 2 and db["notice_awards"].count == 0
    assert [v["version"] for v in versions(db)] == [1]
    hits = db.execute("SELECT rowid FROM notices_fts WHERE notices_fts MATCH 'lingkar'").fetchall()
    assert len(hits) == 1


def test_changes_become_versions_and_unchanged_is_touched_only() -> None:
    db = open_archive(":memory:")
    write_notices(db, [notice()], 1)
    assert write_notices(db, [notice()], 2)["unchanged"] == 1
    fields = {**notice().fields, "hps": 1_180_000_000, "stage": "Pengumuman Pemenang"}
    moved = notice(fields=fields, awards=[WINNER])
    assert write_notices(db, [moved], 3)["changed"] == 1
    history = versions(db)
    assert [v["version"] for v in history] == [1, 2]
    assert json.loads(history[1]["changes"]) == ["awards", "hps", "stage"]
    assert (history[0]["hps"], history[1]["hps"]) == (1_200_000_000, 1_180_000_000)
    (award,) = db["notice_awards"].rows
    assert (award["supplier_name"], award["since_version"]) == ("PT Beton Lestari Abadi", 2)
    cancelled = {**fields, "stage": "Tender Batal", "cancel_reason": "Anggaran direvisi"}
    write_notices(db, [notice(fields=cancelled, awards=[WINNER])], 4)
    assert db.table("notices").get("jatengprov-tender-10012345")["status"] == "cancelled"


def test_a_part_that_failed_is_carried_over_not_emptied() -> None:
    db = open_archive(":memory:")
    write_notices(db, [notice(awards=[WINNER])], 1)
    partial = notice(awards=[], schedule=[], parts=["announcement"])
    assert write_notices(db, [partial], 2)["unchanged"] == 1
    assert db["notice_awards"].count == 1 and db["notice_schedule"].count == 2


def test_gone_and_back() -> None:
    db = open_archive(":memory:")
    write_notices(db, [notice()], 1)
    assert (
        mark_notices_gone(db, [("jatengprov-tender-10012345", "http_404", None)], 2, "2026-06-01")
        == 1
    )
    assert (
        mark_notices_gone(db, [("jatengprov-tender-10012345", "http_404", None)], 3, "2026-06-02")
        == 0
    )
    assert db.table("notices").get("jatengprov-tender-10012345")["gone_reason"] == "http_404"
    assert write_notices(db, [notice()], 4)["changed"] == 1
    row = db.table("notices").get("jatengprov-tender-10012345")
    assert (row["gone_at"], row["version"]) == (None, 3)
    assert [json.loads(v["changes"]) for v in versions(db)] == [[], ["gone:http_404"], ["returned"]]


def test_status_words() -> None:
    assert notice_status("Tender Sudah Selesai") == "complete"
    assert notice_status("Paket Dibatalkan") == "cancelled"
    assert notice_status("Tender Gagal") == "unsuccessful"
    assert notice_status("Evaluasi Penawaran") == "active"
    assert notice_status("Tender Belum Dimulai") == "planned"  # as OCDS's tenderStatus
    assert notice_status(None) is None


def test_documents_are_versioned_by_content_and_linked() -> None:
    db = open_archive(":memory:")
    url = "http://spse.test/jatengprov/lelang/10012345/dokumen/1/KAK.pdf"
    first = DocumentItem(url, "spse", "notice", "jatengprov-tender-10012345", "KAK.pdf",
                         kind="pdf", size=10, sha256="a" * 64, pages=1, text="Kerangka Acuan")  # fmt: skip
    assert write_documents(db, [first], 1) == {"new": 1, "unchanged": 0}
    assert write_documents(db, [first], 2) == {"new": 0, "unchanged": 1}
    again = replace(first, parent_id="jatengprov-tender-10099999", linked_only=True)
    write_documents(db, [again, replace(first, sha256="b" * 64, text="Kerangka Acuan revisi")], 3)
    rows = list(db.query("SELECT * FROM documents ORDER BY first_seen_at, superseded_at"))
    assert len(rows) == 2 and sum(row["superseded_at"] is None for row in rows) == 1
    assert db["document_links"].count == 2
    back = replace(first, fetched_at="2099-01-01T00:00:00+00:00")  # the first content again
    write_documents(db, [back], 4)
    current = list(db.query("SELECT sha256 FROM documents WHERE superseded_at IS NULL"))
    assert current == [{"sha256": "a" * 64}]
    too_large = DocumentItem(url + "x", "spse", "notice", "n", problem="too_large")
    write_documents(db, [too_large], 4)
    assert db["documents"].count_where("problem = 'too_large'") == 1


def test_an_award_row_keeps_the_version_it_appeared_in() -> None:
    db = open_archive(":memory:")
    write_notices(db, [notice()], 1)
    write_notices(db, [notice(awards=[WINNER])], 2)
    reserve = {"role": "reserve", "supplier_name": "CV Karya Mandiri", "supplier_is_person": False}
    write_notices(db, [notice(awards=[WINNER, reserve])], 3)
    rows = db.execute("SELECT supplier_name, since_version FROM notice_awards ORDER BY position")
    assert rows.fetchall() == [("PT Beton Lestari Abadi", 2), ("CV Karya Mandiri", 3)]


def test_a_notice_not_started_is_planned_in_the_archive_as_in_ocds(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    waiting = notice()
    write_notices(db, [replace(waiting, fields={**waiting.fields, "stage": "Belum Dimulai"})], 1)
    (row,) = db["notices"].rows
    assert row["status"] == "planned" == tender_status(row["stage"])


def test_notices_archived_before_are_planned_too(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    write_notices(db, [notice()], 1)
    db.execute("UPDATE notices SET stage = 'Tender Belum Dimulai', status = 'active'")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = '0022_planned_notices'")
    migrate(db)
    assert [row["status"] for row in db["notices"].rows] == ["planned"]
