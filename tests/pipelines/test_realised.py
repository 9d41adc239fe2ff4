"""notices.realised and completed_on from the package's realisations (notice_awards rows of
role "realisation"), where its page states no total: the sum of the amounts and the latest
date. A value a page states is kept. Migration 0024 fills archived notices so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archive import migrations
from archive.connection import open_archive
from archive.notices import realisation_totals, write_notices
from scrapers.items import NoticeItem
from tests.conftest import migrations_without
from tests.pipelines.test_notice_writes import notice

MIGRATION = "0024_realised_from_awards"


def realisation(amount: int | None, on: str | None, supplier: str, kind: str = "Kuitansi") -> dict:
    return {"role": "realisation", "supplier_name": supplier, "contract_value": amount,
            "realised_on": on, "realisation_type": kind, "supplier_is_person": False}  # fmt: skip


def pencatatan(awards: list[dict[str, Any]], **fields: Any) -> NoticeItem:
    base = {**notice().fields, "stage": "Paket Selesai", **fields}
    return notice(category="pencatatan", package_code="20012345", fields=base, schedule=[],
                  awards=awards, parts=["announcement", "awards"])  # fmt: skip


def test_realised_is_the_sum_and_completed_on_the_latest_realisation(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    awards = [realisation(12_500_000, "2026-03-04", "CV Sinar"),
              realisation(7_250_000, "2026-04-20", "Toko Makmur", "Kontrak"),
              realisation(1_000_000, "2026-02-01", "UD Baru")]  # fmt: skip
    write_notices(db, [pencatatan(awards)], 1)
    row = db.table("notices").get("jatengprov-pencatatan-20012345")
    assert (row["realised"], row["completed_on"]) == (20_750_000, "2026-04-20")
    # the version's record keeps what the pages said: no total, so the next crawl sees no change
    (record,) = db.execute(
        "select json_extract(record, '$.realised') from notice_versions"
    ).fetchone()
    assert record is None
    assert write_notices(db, [pencatatan(awards)], 2)["unchanged"] == 1


def test_a_realisation_with_several_suppliers_counts_once() -> None:
    shared = [realisation(9_000_000, "2026-03-04", "CV Sinar", "Kontrak"),
              realisation(9_000_000, "2026-03-04", "PT Mitra", "Kontrak"),
              realisation(9_000_000, "2026-05-01", "CV Sinar", "Kontrak")]  # fmt: skip
    totals = realisation_totals({"awards": shared})
    assert totals == {"realised": 18_000_000, "completed_on": None}  # no stage: not complete
    totals = realisation_totals({"awards": shared, "stage": "Paket Selesai"})
    assert totals == {"realised": 18_000_000, "completed_on": "2026-05-01"}


def test_a_value_the_page_states_wins() -> None:
    awards = [realisation(12_500_000, "2026-03-04", "CV Sinar")]
    stated = {"realised": 12_000_000, "completed_on": "2026-03-10", "awards": awards}
    assert realisation_totals(stated) == {"realised": 12_000_000, "completed_on": "2026-03-10"}
    only_date = {"realised": None, "completed_on": "2026-03-10", "awards": awards,
                 "stage": "Paket Selesai"}  # fmt: skip
    assert realisation_totals(only_date) == {"realised": 12_500_000, "completed_on": "2026-03-10"}


def test_without_realisations_both_stay_empty() -> None:
    winner = {"role": "winner", "contract_value": 5_000_000, "supplier_name": "PT A"}
    assert realisation_totals({"awards": [winner]}) == {"realised": None, "completed_on": None}
    unpriced = [realisation(None, None, "CV Sinar")]
    assert realisation_totals({"awards": unpriced}) == {"realised": None, "completed_on": None}


def test_a_running_package_has_paid_but_not_completed(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    awards = [realisation(12_500_000, "2026-03-04", "CV Sinar")]
    write_notices(db, [pencatatan(awards, stage="Paket Sedang Berjalan")], 1)
    row = db.table("notices").get("jatengprov-pencatatan-20012345")
    assert (row["realised"], row["completed_on"]) == (12_500_000, None)


def test_new_realisations_update_the_derived_values(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    first = [realisation(12_500_000, "2026-03-04", "CV Sinar")]
    write_notices(db, [pencatatan(first)], 1)
    more = [*first, realisation(2_500_000, "2026-05-11", "UD Baru")]
    assert write_notices(db, [pencatatan(more)], 2)["changed"] == 1
    row = db.table("notices").get("jatengprov-pencatatan-20012345")
    assert (row["realised"], row["completed_on"]) == (15_000_000, "2026-05-11")


def test_the_migration_fills_archived_notices_and_keeps_stated_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations_without(MIGRATION))
    db = open_archive(tmp_path / "archive.db")
    base: dict[str, Any] = {"lpse": "jatengprov", "category": "pencatatan", "first_seen_at": "x",
            "last_seen_at": "x", "stage": "Paket Selesai"}  # fmt: skip
    db.table("notices").insert_all(
        [{**base, "id": "empty", "package_code": "1"},
         {**base, "id": "stated", "package_code": "2", "realised": 11_000_000, "completed_on": "2026-01-09"},
         {**base, "id": "date-stated", "package_code": "3", "completed_on": "2026-01-09"},
         {**base, "id": "none", "package_code": "4"},
         {**base, "id": "running", "package_code": "5", "stage": "Paket Sedang Berjalan"}]
    )  # fmt: skip
    rows = [("empty", 1, 4_000_000, "2026-01-05"), ("empty", 2, 6_000_000, "2026-02-07"),
            ("stated", 1, 12_000_000, "2026-01-05"), ("date-stated", 1, 3_000_000, "2026-01-05"),
            ("running", 1, 5_000_000, "2026-01-05")]  # fmt: skip
    db.table("notice_awards").insert_all(
        {"notice_id": notice_id, "position": position, "role": "realisation",
         "supplier_name": f"CV {position}", "contract_value": amount, "realised_on": on,
         "realisation_type": "Kuitansi"}
        for notice_id, position, amount, on in rows
    )  # fmt: skip
    db.table("notice_awards").insert(
        {"notice_id": "none", "position": 1, "role": "winner", "contract_value": 9}
    )
    monkeypatch.undo()
    assert migrations.migrate(db) == [MIGRATION]
    found = {
        row[0]: row[1:] for row in db.execute("select id, realised, completed_on from notices")
    }
    assert found == {
        "empty": (10_000_000, "2026-02-07"),
        "stated": (11_000_000, "2026-01-09"),  # the page's own total kept
        "date-stated": (3_000_000, "2026-01-09"),
        "none": (None, None),
        "running": (5_000_000, None),  # paid, not completed
    }
