"""Exports (CSV of tables and canned queries, OCDS packages) and the sensitive-data switch."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from pipelines.archive import open_archive
from procarchive import ocds
from procarchive.cli import main
from procarchive.export import export_csv, export_ocds
from procarchive.sensitive import PERSON, redacted_copy
from tests.test_metadata import add_notices, fetch_all

NPWP = "09.876.543.2-101.000"  # the person-supplier's (made-up) tax number in add_notices


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    db = open_archive(path)
    add_notices(db)
    db.close()
    return path


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_csv_of_a_table_and_of_a_canned_query(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "largest.csv"
    args = ["export", "largest_packages_of_a_year", "-p", "year=2026", "--db", str(archive)]
    assert main([*args, "-o", str(out), "--bom"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeffnotice,lpse,category,name")
    assert [row["value"] for row in rows(text)] == ["1200000000", "1100000000"]  # integers
    buffer = io.StringIO()
    assert export_csv(open_archive(archive, create=False), "notices", buffer) == 2
    assert rows(buffer.getvalue())[0]["id"].startswith("jatengprov-tender-")
    with pytest.raises(ValueError, match="no table, view or canned query"):
        export_csv(open_archive(archive, create=False), "nothing_here", io.StringIO())


def test_sensitive_values_stay_out_unless_asked(archive: Path) -> None:
    db = open_archive(archive, create=False)
    for table in ("notice_awards", "notice_versions"):
        hidden, shown = io.StringIO(), io.StringIO()
        export_csv(db, table, hidden)
        export_csv(db, table, shown, include_sensitive=True)
        assert NPWP not in hidden.getvalue() and "Budi Santoso" not in hidden.getvalue()
        assert NPWP in shown.getvalue() and "Budi Santoso" in shown.getvalue()
    (award,) = rows(_csv(db, "notice_awards"))
    assert (award["supplier_name"], award["npwp"], award["offer"]) == (PERSON, "", "1050000000")
    (document,) = rows(_csv(db, "documents"))
    assert document["text"] == "Kerangka acuan kerja. Penyedia: Budi, NPWP [NPWP]."
    assert {row["content_hash"] for row in rows(_csv(db, "notices"))} == {""}


def _csv(db: object, what: str) -> str:
    buffer = io.StringIO()
    export_csv(db, what, buffer)  # type: ignore[arg-type]
    return buffer.getvalue()


@pytest.mark.parametrize("package", ["release", "record"])
def test_ocds_packages_validate_against_the_shipped_schema(archive: Path, package: str) -> None:
    buffer = io.StringIO()
    written = export_ocds(open_archive(archive, create=False), buffer, package=package)
    exported = json.loads(buffer.getvalue())
    assert ocds.validate_package(exported, "release" if package == "release" else "record") == []
    assert written == 3  # the moving tender's two versions and the cancelled tender's one
    if package == "release":
        tags = [r["tag"] for r in exported["releases"]]
        assert ["tender"] in tags and any("award" in tag for tag in tags)
        assert {r["tender"]["status"] for r in exported["releases"]} >= {"cancelled"}
    else:
        compiled = {r["ocid"]: r["compiledRelease"] for r in exported["records"]}
        moving = compiled["ocds-prcrch-jatengprov-tender-10012345"]
        assert moving["tender"]["value"] == {"amount": 1_100_000_000, "currency": "IDR"}
    assert NPWP not in buffer.getvalue() and "Budi Santoso" not in buffer.getvalue()


def test_ocds_can_include_sensitive_values(archive: Path) -> None:
    buffer = io.StringIO()
    export_ocds(open_archive(archive, create=False), buffer, include_sensitive=True)
    assert "Budi Santoso" in buffer.getvalue()


def test_public_copy_has_no_sensitive_values_and_datasette_shows_rupiah(
    archive: Path, tmp_path: Path
) -> None:
    public = redacted_copy(archive, tmp_path / "public" / "archive.db")
    raw = public.read_bytes()
    assert NPWP.encode() not in raw and b"Budi Santoso" not in raw
    assert NPWP.encode() in _all_bytes(archive)  # the archive itself keeps what SPSE published
    db = open_archive(public, create=False)
    assert db.execute("select supplier_name, npwp, address from notice_awards").fetchall() == [
        (PERSON, None, None)
    ]
    assert db.execute("select count(*) from notices where content_hash is not null").fetchone() == (
        0,
    )
    assert db.execute(
        "select count(*) from documents_fts where documents_fts match 'NPWP'"
    ).fetchone() == (1,)  # the word stays, the number is masked
    page = "/archive/notices"
    html = fetch_all(public, [page])[page].text
    assert "Rp 1.100.000.000" in html


def _all_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
