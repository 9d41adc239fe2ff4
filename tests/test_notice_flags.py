"""Red flags as data (archive/flags.py): each indicator of the notice_flags view, flagged and
not flagged, on notices of our own invention written straight into an archive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from archive.connection import open_archive

HPS = 1_000_000_000
SEEN = "2026-06-01T01:00:00+00:00"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    archive = open_archive(tmp_path / "archive.db")
    yield archive
    archive.close()


def add_notice(db: Database, code: str, **fields: Any) -> str:
    notice_id = f"kota/tender/{code}"
    row = {
        "id": notice_id,
        "lpse": "kota",
        "category": "tender",
        "package_code": code,
        "name": f"Paket {code}",
        "agency": "Pemerintah Kota Contoh",
        "work_unit": "Dinas Pekerjaan Umum",
        "budget_year": 2026,
        "hps": HPS,
        "method": "Tender",
        "status": "complete",
        "stage": "Tender Sudah Selesai",
        "announced_at": "2026-03-02T08:00:00+07:00",
        "version": 1,
        "first_seen_at": SEEN,
        "last_seen_at": SEEN,
        **fields,
    }
    db.table("notices").insert(row)
    db.table("notice_versions").insert(
        {"notice_id": notice_id, "version": 1, "seen_at": SEEN, "hps": row["hps"], "record": "{}"}
    )
    return notice_id


def add_bid(db: Database, notice_id: str, name: str, price: int, **marks: bool) -> None:
    position = db.execute(
        "SELECT count(*) FROM notice_awards WHERE notice_id = ?", [notice_id]
    ).fetchone()[0]
    db.table("notice_awards").insert(
        {
            "notice_id": notice_id,
            "position": position,
            "role": "bidder",
            "supplier_name": name,
            "offer": price,
            "corrected_price": price,
            **marks,
        }
    )


def add_winner(db: Database, notice_id: str, name: str, price: int) -> None:
    db.table("notice_awards").insert(
        {
            "notice_id": notice_id,
            "position": 100,
            "role": "winner",
            "supplier_name": name,
            "corrected_price": price,
        }
    )


def add_schedule(db: Database, notice_id: str, opens: str, closes: str) -> None:
    for position, (stage, starts, ends) in enumerate(
        [
            ("Pengumuman Pascakualifikasi", opens, closes),
            ("Upload Dokumen Penawaran", opens, closes),
            ("Pengumuman Pemenang", "2026-04-20T08:00:00+07:00", "2026-04-21T16:00:00+07:00"),
        ]
    ):
        db.table("notice_schedule").insert(
            {
                "notice_id": notice_id,
                "position": position,
                "stage": stage,
                "starts_at": starts,
                "ends_at": ends,
            }
        )


def flag(db: Database, notice_id: str, indicator: str) -> dict[str, Any]:
    rows = list(
        db.query(
            "SELECT * FROM notice_flags WHERE notice_id = ? AND indicator = ?",
            [notice_id, indicator],
        )
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_single_bidder(db: Database) -> None:
    alone = add_notice(db, "1")
    add_bid(db, alone, "PT Satu", 900_000_000)
    contested = add_notice(db, "2")
    add_bid(db, contested, "PT Satu", 900_000_000)
    add_bid(db, contested, "PT Dua", 950_000_000)
    direct = add_notice(db, "3", category="nontender", method="Pengadaan Langsung")
    add_bid(db, direct, "PT Satu", 90_000_000)
    assert flag(db, alone, "single_bidder")["flagged"] == 1
    found = flag(db, contested, "single_bidder")
    assert (found["flagged"], found["value"]) == (0, 2)
    assert not list(db.query("SELECT * FROM notice_flags WHERE notice_id = ?", [direct]))


def test_short_submission_period_per_method(db: Database) -> None:
    short = add_notice(db, "1")
    add_schedule(db, short, "2026-03-02T08:00:00+07:00", "2026-03-05T10:00:00+07:00")
    long = add_notice(db, "2")
    add_schedule(db, long, "2026-03-02T08:00:00+07:00", "2026-03-16T10:00:00+07:00")
    fast = add_notice(db, "3", method="Tender Cepat")
    add_schedule(db, fast, "2026-03-02T08:00:00+07:00", "2026-03-05T10:00:00+07:00")
    found = flag(db, short, "short_submission")
    assert (found["flagged"], found["value"], found["threshold"]) == (1, 3.08, 7)
    assert flag(db, long, "short_submission")["flagged"] == 0
    fast_flag = flag(db, fast, "short_submission")
    assert (fast_flag["flagged"], fast_flag["threshold"]) == (0, 3)


def test_winner_near_the_hps(db: Database) -> None:
    near = add_notice(db, "1")
    add_winner(db, near, "PT Satu", 995_000_000)
    far = add_notice(db, "2")
    add_winner(db, far, "PT Satu", 870_000_000)
    assert flag(db, near, "winner_near_hps")["flagged"] == 1
    assert flag(db, near, "winner_near_hps")["value"] == 0.995
    assert flag(db, far, "winner_near_hps")["flagged"] == 0


def test_narrow_band_of_bids(db: Database) -> None:
    narrow = add_notice(db, "1")
    for name, price in (("PT A", 900_000_000), ("PT B", 905_000_000), ("PT C", 910_000_000)):
        add_bid(db, narrow, name, price)
    wide = add_notice(db, "2")
    for name, price in (("PT A", 800_000_000), ("PT B", 905_000_000), ("PT C", 960_000_000)):
        add_bid(db, wide, name, price)
    two = add_notice(db, "3")
    add_bid(db, two, "PT A", 900_000_000)
    add_bid(db, two, "PT B", 901_000_000)
    assert flag(db, narrow, "narrow_bid_band")["flagged"] == 1
    assert flag(db, wide, "narrow_bid_band")["flagged"] == 0
    assert not list(
        db.query(
            "SELECT 1 FROM notice_flags WHERE notice_id = ? AND indicator = ?",
            [two, "narrow_bid_band"],
        )
    )


def test_lowest_valid_bid_not_winning(db: Database) -> None:
    passed = {"passed_administration": True, "passed_technical": True, "passed_price": True}
    passed_over = add_notice(db, "1")
    add_bid(db, passed_over, "PT Murah", 800_000_000, **passed)
    add_bid(db, passed_over, "PT Mahal", 900_000_000, **passed)
    add_winner(db, passed_over, "PT Mahal", 900_000_000)
    fair = add_notice(db, "2")
    add_bid(db, fair, "PT Murah", 800_000_000, passed_administration=True, passed_technical=False)
    add_bid(db, fair, "PT Mahal", 900_000_000, **passed)
    add_winner(db, fair, "PT Mahal", 900_000_000)
    unevaluated = add_notice(db, "3")
    add_bid(db, unevaluated, "PT Murah", 800_000_000)
    add_winner(db, unevaluated, "PT Mahal", 900_000_000)
    assert flag(db, passed_over, "lowest_valid_not_winning")["flagged"] == 1
    assert flag(db, fair, "lowest_valid_not_winning")["flagged"] == 0
    assert not list(
        db.query(
            "SELECT 1 FROM notice_flags WHERE notice_id = ? AND indicator = ?",
            [unevaluated, "lowest_valid_not_winning"],
        )
    )


def test_supplier_winning_repeatedly_from_one_work_unit(db: Database) -> None:
    wins = [add_notice(db, str(code)) for code in (1, 2, 3)]
    for notice_id in wins:
        add_winner(db, notice_id, "PT. Langganan", 500_000_000)
    elsewhere = add_notice(db, "4", work_unit="Dinas Kesehatan")
    add_winner(db, elsewhere, "PT Langganan", 500_000_000)
    other_year = add_notice(db, "5", budget_year=2025)
    add_winner(db, other_year, "PT Langganan", 500_000_000)
    assert {flag(db, n, "repeat_winner")["value"] for n in wins} == {3}
    assert all(flag(db, n, "repeat_winner")["flagged"] == 1 for n in wins)
    assert flag(db, elsewhere, "repeat_winner")["flagged"] == 0
    assert flag(db, other_year, "repeat_winner")["flagged"] == 0


def test_a_cancelled_package_tendered_again(db: Database) -> None:
    add_notice(db, "1", name="Rehabilitasi Pasar", status="cancelled", stage="Tender Batal",
               announced_at="2026-01-05T08:00:00+07:00")  # fmt: skip
    again = add_notice(db, "2", name=" rehabilitasi pasar")
    fresh = add_notice(db, "3", name="Pembangunan Jembatan")
    found = flag(db, again, "retendered")
    assert (found["flagged"], found["value"]) == (1, 1) and "1" in found["detail"]
    assert flag(db, fresh, "retendered")["flagged"] == 0


def test_hps_changed_after_the_announcement(db: Database) -> None:
    changed = add_notice(db, "1", hps=950_000_000)
    db.table("notice_versions").insert(
        {
            "notice_id": changed,
            "version": 2,
            "seen_at": SEEN,
            "hps": 1_100_000_000,
            "record": "{}",
        }
    )
    db.execute("UPDATE notice_versions SET hps = ? WHERE notice_id = ? AND version = 1",
               [950_000_000, changed])  # fmt: skip
    db.execute("UPDATE notices SET hps = ? WHERE id = ?", [1_100_000_000, changed])
    steady = add_notice(db, "2")
    found = flag(db, changed, "hps_changed")
    assert found["flagged"] == 1 and found["detail"] == "HPS from 950000000 to 1100000000"
    assert flag(db, steady, "hps_changed")["flagged"] == 0


def test_thresholds_are_data_a_researcher_can_change(db: Database) -> None:
    near = add_notice(db, "1")
    add_winner(db, near, "PT Satu", 960_000_000)
    assert flag(db, near, "winner_near_hps")["flagged"] == 0
    db.execute("UPDATE flag_thresholds SET threshold = 0.95 WHERE indicator = 'winner_near_hps'")
    assert flag(db, near, "winner_near_hps")["flagged"] == 1
