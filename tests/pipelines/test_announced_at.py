"""notices.announced_at is one kind of value: a full ISO 8601 date-time with the LPSE's UTC
offset, which pandas and spreadsheets read as one column. A package without an announcement
stage is dated by its creation: the start of that day at the LPSE. The versions' records keep
what SPSE said (their hashes do not move); migration 0021 converts the archived rows."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from archive import migrations
from archive.connection import open_archive
from archive.notices import announced_moment, write_notices
from procarchive.export import export_csv
from scrapers.items import NoticeItem
from tests.conftest import migrations_without
from tests.pipelines.test_notice_writes import notice

MIGRATION = "0021_announced_at_with_offset"


def swakelola(lpse: str = "jatengprov", code: str = "30012345", **changes: Any) -> NoticeItem:
    """A package without a schedule: SPSE gives its creation date alone."""
    fields = {**notice().fields, "stage": "Paket Sedang Berjalan", "created_on": "2026-05-02"}
    return notice(lpse=lpse, category="swakelola", package_code=code, fields=fields,
                  schedule=[], parts=["announcement"], **changes)  # fmt: skip


def test_announced_moment_is_always_a_date_time_with_an_offset() -> None:
    assert announced_moment("2026-05-02", "+08:00") == "2026-05-02T00:00:00+08:00"
    assert announced_moment("2026-05-04T08:00:00+07:00", "+08:00") == "2026-05-04T08:00:00+07:00"
    assert announced_moment("2026-05-04T08:00", "+09:00") == "2026-05-04T08:00:00+09:00"
    assert announced_moment(None, "+07:00") is None
    assert announced_moment("", "+07:00") is None


def test_every_written_notice_has_a_full_date_time(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    write_notices(db, [notice(), swakelola(timezone="+07:00"),
                       swakelola("kotamakassar", "40012345", timezone="+08:00"),
                       swakelola("karangasemkab", "50012345")], 1)  # fmt: skip
    found = dict(db.execute("select id, announced_at from notices").fetchall())
    assert found == {
        "jatengprov-tender-10012345": "2026-05-04T08:00:00+07:00",  # the announcement stage
        "jatengprov-swakelola-30012345": "2026-05-02T00:00:00+07:00",  # the creation date
        "kotamakassar-swakelola-40012345": "2026-05-02T00:00:00+08:00",  # WITA
        "karangasemkab-swakelola-50012345": "2026-05-02T00:00:00+08:00",  # lpse.yml: Bali, WITA
    }
    for value in found.values():
        assert datetime.fromisoformat(value).utcoffset() is not None
    # The version's record keeps SPSE's date as read: its hash, and so the next crawl, do not
    # see a change.
    (record,) = db.execute(
        "select json_extract(record, '$.announced_at') from notice_versions "
        "where notice_id = 'jatengprov-swakelola-30012345'"
    ).fetchone()
    assert record == "2026-05-02"
    assert write_notices(db, [swakelola(timezone="+07:00")], 2)["unchanged"] == 1


def test_the_export_column_parses_as_one_kind_of_date(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    write_notices(db, [notice(), swakelola(timezone="+07:00")], 1)
    out = io.StringIO()
    export_csv(db, "notices", out)
    values = [row["announced_at"] for row in csv.DictReader(io.StringIO(out.getvalue()))]
    assert len(values) == 2 and len({len(value) for value in values}) == 1
    assert all(datetime.fromisoformat(value).utcoffset() is not None for value in values)


@pytest.mark.parametrize(
    ("lpse", "schedule", "neighbour", "expected"),
    [
        ("jatengprov", "2026-05-04T08:00:00+07:00", None, "2026-05-02T00:00:00+07:00"),
        ("somewhere", None, "2026-06-01T08:00:00+09:00", "2026-05-02T00:00:00+09:00"),
        ("karangasemkab", None, None, "2026-05-02T00:00:00+08:00"),  # lpse.yml: WITA
        ("unknown", None, None, "2026-05-02T00:00:00+07:00"),  # WIB
    ],
)
def test_the_migration_gives_archived_dates_their_lpses_offset(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lpse: str,
    schedule: str | None,
    neighbour: str | None,
    expected: str,
) -> None:
    """The offset of the notice's own schedule, else of its LPSE's other notices, else the
    LPSE registry's, else WIB."""
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations_without(MIGRATION))
    db = open_archive(tmp_path / "archive.db")
    base = {"lpse": lpse, "category": "swakelola", "first_seen_at": "x", "last_seen_at": "x"}
    rows: list[dict[str, Any]] = [{**base, "id": "a", "package_code": "1", "announced_at": "2026-05-02"},
            {**base, "id": "b", "package_code": "2", "announced_at": neighbour}]  # fmt: skip
    db.table("notices").insert_all(rows)
    if schedule:
        db.table("notice_schedule").insert(
            {"notice_id": "a", "position": 1, "stage": "Pengumuman", "starts_at": schedule}
        )
    monkeypatch.undo()
    assert migrations.migrate(db) == [MIGRATION]
    found = dict(db.execute("select id, announced_at from notices").fetchall())
    assert found == {"a": expected, "b": neighbour}
