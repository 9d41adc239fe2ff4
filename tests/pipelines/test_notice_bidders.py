"""A notice's bidders (its participants page) in the archive: award-style rows of role
"bidder" beside the winners, a version when they change, carried over when the page fails,
and left out of the public copy where they are personal data."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

from archive.connection import open_archive
from archive.notices import write_notices
from procarchive.sensitive import PERSON, redacted_copy
from tests.pipelines.test_notice_writes import WINNER, notice

PARTS = ["announcement", "schedule", "participants", "awards"]
COMPANY = {
    "role": "bidder", "supplier_name": "PT Beton Lestari Abadi", "npwp": "01.234.567.8-901.000",
    "offer": 1_150_000_000, "corrected_price": 1_148_000_000, "supplier_is_person": False,
}  # fmt: skip
PERSON_BIDDER = {
    "role": "bidder", "supplier_name": "Sulastri Wahyuningsih", "npwp": "09.876.543.2-109.000",
    "offer": None, "corrected_price": None, "supplier_is_person": True,
}  # fmt: skip
ID = "jatengprov-tender-10012345"


def bidders(db: Any) -> list[tuple[Any, ...]]:
    return db.execute(
        "SELECT supplier_name, offer, corrected_price, since_version FROM notice_awards "
        "WHERE role = 'bidder' ORDER BY position"
    ).fetchall()


def changes(db: Any) -> list[list[str]]:
    rows = db.execute("SELECT changes FROM notice_versions ORDER BY version").fetchall()
    return [json.loads(row[0]) for row in rows]


def test_bidders_are_stored_beside_the_winners_and_versioned() -> None:
    db = open_archive(":memory:")
    write_notices(db, [notice(parts=PARTS, bidders=[PERSON_BIDDER])], 1)
    assert bidders(db) == [("Sulastri Wahyuningsih", None, None, 1)]
    assert write_notices(db, [notice(parts=PARTS, bidders=[PERSON_BIDDER])], 2)["unchanged"] == 1
    # Offers opened: the bidders change, and only they.
    opened = notice(parts=PARTS, bidders=[COMPANY, PERSON_BIDDER])
    assert write_notices(db, [opened], 3)["changed"] == 1
    assert bidders(db) == [
        ("PT Beton Lestari Abadi", 1_150_000_000, 1_148_000_000, 2),
        ("Sulastri Wahyuningsih", None, None, 1),
    ]
    # The winner is announced: an award, the bidders as they were.
    write_notices(db, [replace(opened, awards=[WINNER])], 4)
    roles = db.execute("SELECT role FROM notice_awards ORDER BY position").fetchall()
    assert roles == [("winner",), ("bidder",), ("bidder",)]
    assert changes(db) == [[], ["bidders"], ["awards"]]
    record = json.loads(
        db.execute("SELECT record FROM notice_versions WHERE version = 2").fetchone()[0]
    )
    assert [award["supplier_name"] for award in record["awards"]] == [
        "PT Beton Lestari Abadi",
        "Sulastri Wahyuningsih",
    ]


def test_a_participants_page_that_failed_leaves_the_bidders_as_archived() -> None:
    db = open_archive(":memory:")
    write_notices(db, [notice(parts=PARTS, bidders=[COMPANY])], 1)
    failed = notice(parts=["announcement", "schedule", "awards"], awards=[WINNER], bidders=[])
    assert write_notices(db, [failed], 2)["changed"] == 1
    assert changes(db)[-1] == ["awards"]
    assert bidders(db) == [("PT Beton Lestari Abadi", 1_150_000_000, 1_148_000_000, 1)]
    # And a failed winner page leaves the winner while the bidders are read anew.
    again = notice(parts=["announcement", "schedule", "participants"], bidders=[])
    write_notices(db, [again], 3)
    assert bidders(db) == [] and changes(db)[-1] == ["bidders"]
    assert db.execute("SELECT count(*) FROM notice_awards WHERE role = 'winner'").fetchone() == (1,)


def test_the_public_copy_hides_bidders_tax_numbers_and_persons(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    write_notices(db, [notice(parts=PARTS, bidders=[COMPANY, PERSON_BIDDER])], 1)
    db.conn.close()
    public = redacted_copy(tmp_path / "archive.db", tmp_path / "public.db")
    conn = sqlite3.connect(public)
    dump = "\n".join(conn.iterdump())
    for secret in ("01.234.567.8-901.000", "09.876.543.2-109.000", "Sulastri", "Wahyuningsih"):
        assert secret not in dump
    names = conn.execute(
        "SELECT supplier_name, npwp FROM notice_awards WHERE role = 'bidder' ORDER BY position"
    ).fetchall()
    assert names == [("PT Beton Lestari Abadi", None), (PERSON, None)]
    conn.close()
