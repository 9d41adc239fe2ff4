"""A notice's evaluation marks in the archive: on its bidder rows (joined by NPWP, else by
name), a bidder only the evaluation lists kept, a version when a mark changes with the old one
kept, the part carried over when its page (or the participants page) is not read, and
migration 0023 on an archive made before it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive import migrations
from archive.connection import open_archive
from archive.evaluations import merge, normalized_name
from archive.notices import write_notices
from tests.pipelines.test_notice_bidders import COMPANY, ID, PERSON_BIDDER
from tests.pipelines.test_notice_writes import notice

NPWP = str(COMPANY["npwp"])
PARTS = ["announcement", "schedule", "participants", "evaluation", "awards"]
PASSED = {
    "passed_qualification": True, "passed_verification": True, "passed_administration": True,
    "passed_technical": True, "passed_price": True, "is_winner": True,
    "is_contract_winner": False, "fail_reason": None,
}  # fmt: skip
FAILED = {
    **PASSED, "passed_technical": False, "passed_price": None, "passed_qualification": None,
    "passed_verification": None, "is_winner": False, "fail_reason": "Metode tidak memenuhi",
}  # fmt: skip


def evaluated(name: str, npwp: str | None, marks: dict[str, Any], offer: int = 1) -> dict[str, Any]:
    return {"role": "bidder", "supplier_name": name, "npwp": npwp, "offer": offer,
            "corrected_price": offer, "supplier_is_person": False, **marks}  # fmt: skip


def stored(db: Any) -> list[tuple[Any, ...]]:
    return db.execute(
        "SELECT supplier_name, passed_technical, passed_price, is_winner, fail_reason, offer "
        "FROM notice_awards WHERE role = 'bidder' ORDER BY position"
    ).fetchall()


def test_marks_join_by_npwp_else_by_name_and_an_unlisted_bidder_is_kept() -> None:
    evaluation = [
        # the name spelt otherwise, the NPWP the same
        evaluated("PT. BETON LESTARI ABADI TBK", NPWP, PASSED),
        evaluated("sulastri  wahyuningsih", None, FAILED),  # no NPWP on the page: the name
        evaluated("CV Tidak Terdaftar", None, FAILED, offer=990),
    ]
    rows = merge([COMPANY, {**PERSON_BIDDER, "npwp": None}], evaluation)
    assert [row["supplier_name"] for row in rows] == [
        "PT Beton Lestari Abadi", "Sulastri Wahyuningsih", "CV Tidak Terdaftar",
    ]  # fmt: skip
    assert rows[0]["is_winner"] and rows[0]["offer"] == COMPANY["offer"]  # the participant's
    assert rows[1]["passed_technical"] is False and rows[1]["fail_reason"] == FAILED["fail_reason"]
    assert rows[2]["only_in_evaluation"] and rows[2]["offer"] == 990
    assert merge([COMPANY], []) == [COMPANY]  # no evaluation: the rows as they were
    assert normalized_name("PT. Karya  Bangun,") == normalized_name("pt karya bangun")


def test_a_changed_mark_is_a_new_version_and_the_old_is_kept() -> None:
    db = open_archive(":memory:")
    before = [evaluated("PT Beton Lestari Abadi", NPWP, PASSED)]
    write_notices(db, [notice(parts=PARTS, bidders=[COMPANY], evaluation=before)], 1)
    assert stored(db) == [("PT Beton Lestari Abadi", 1, 1, 1, None, COMPANY["offer"])]
    unchanged = notice(parts=PARTS, bidders=[COMPANY], evaluation=before)
    assert write_notices(db, [unchanged], 2)["unchanged"] == 1
    after = [evaluated("PT Beton Lestari Abadi", NPWP, FAILED)]
    assert write_notices(db, [notice(parts=PARTS, bidders=[COMPANY], evaluation=after)], 3) == {
        "new": 0, "changed": 1, "unchanged": 0,
    }  # fmt: skip
    assert stored(db) == [("PT Beton Lestari Abadi", 0, None, 0, "Metode tidak memenuhi",
                           COMPANY["offer"])]  # fmt: skip
    versions = db.execute(
        "SELECT version, changes, record FROM notice_versions WHERE notice_id = ? ORDER BY 1",
        [ID],
    ).fetchall()
    assert [(v, json.loads(c)) for v, c, _ in versions] == [(1, []), (2, ["evaluation"])]
    (first,) = [a for a in json.loads(versions[0][2])["awards"] if a["role"] == "bidder"]
    assert first["passed_technical"] is True and first["is_winner"] is True  # kept as it was


def test_a_page_not_read_is_carried_over_as_archived() -> None:
    db = open_archive(":memory:")
    marks = [evaluated("PT Beton Lestari Abadi", NPWP, PASSED),
             evaluated("CV Tidak Terdaftar", None, FAILED, offer=990)]  # fmt: skip
    write_notices(db, [notice(parts=PARTS, bidders=[COMPANY], evaluation=marks)], 1)
    # The evaluation page failed: the marks stay on the (re-read) participants.
    no_evaluation = [part for part in PARTS if part != "evaluation"]
    opened = notice(parts=no_evaluation, bidders=[COMPANY, PERSON_BIDDER])
    assert write_notices(db, [opened], 2)["changed"] == 1
    assert stored(db) == [
        ("PT Beton Lestari Abadi", 1, 1, 1, None, COMPANY["offer"]),
        ("Sulastri Wahyuningsih", None, None, None, None, None),
        ("CV Tidak Terdaftar", 0, None, 0, "Metode tidak memenuhi", 990),
    ]
    # The participants page failed: its rows stay, the new marks go onto them.
    no_participants = [part for part in PARTS if part != "participants"]
    again = [evaluated("PT Beton Lestari Abadi", NPWP, FAILED)]
    write_notices(db, [notice(parts=no_participants, evaluation=again)], 3)
    assert stored(db) == [
        ("PT Beton Lestari Abadi", 0, None, 0, "Metode tidak memenuhi", COMPANY["offer"]),
        ("Sulastri Wahyuningsih", None, None, None, None, None),
    ]


def test_migration_0023_on_an_archive_made_before_it(tmp_path: Path) -> None:
    db = Database(tmp_path / "archive.db")
    migrations.MIGRATIONS.apply(db, stop_before="0023_bidder_evaluations")
    db.table("notice_awards").insert(
        {"notice_id": ID, "position": 1, "role": "bidder", "supplier_name": "PT A", "offer": 5}
    )
    assert "passed_price" not in db["notice_awards"].columns_dict
    applied = migrations.migrate(db)
    assert "0023_bidder_evaluations" in applied
    columns = db["notice_awards"].columns_dict
    assert {name: columns[name] for name in ("passed_price", "is_winner", "fail_reason")} == {
        "passed_price": int, "is_winner": int, "fail_reason": str,
    }  # fmt: skip
    (row,) = db["notice_awards"].rows
    assert (row["supplier_name"], row["offer"], row["passed_price"], row["fail_reason"]) == (
        "PT A", 5, None, None,
    )  # fmt: skip
