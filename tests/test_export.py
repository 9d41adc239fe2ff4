"""Exports (CSV and JSON of datasets, tables and canned queries, OCDS packages): filters, column
order, the sensitive-data switch, progress on a terminal, and streaming in constant memory."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archive.connection import open_archive
from archive.notices import write_notices
from procarchive import ocds
from procarchive.cli import main
from procarchive.export import (
    ExportError,
    Filters,
    Progress,
    csv_lines,
    export_csv,
    export_json,
    export_ocds,
    format_progress,
)
from procarchive.export_filters import DATASETS
from procarchive.linking.signings import group_signings
from procarchive.sensitive import PERSON, redacted_copy
from tests.conftest import ROOT
from tests.pipelines.test_notice_writes import notice
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
    assert document["text"] == "Kerangka acuan kerja. Penyedia: (perorangan), NPWP [NPWP]."
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
    assert NPWP.encode() not in raw and b"Budi Santoso" not in raw and b"SANTOSO" not in raw
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


def test_a_public_copy_exports_as_it_is(archive: Path, tmp_path: Path) -> None:
    """The copy's texts are already masked: masking them again changes nothing (its awards
    name PERSON where the archive named a person, which is no name to mask)."""
    public = open_archive(redacted_copy(archive, tmp_path / "public" / "archive.db"))
    for what in ("documents", "notices", "notice_awards"):
        assert _csv(public, what) == _csv(open_archive(archive, create=False), what), what
    assert "((perorangan))" not in _csv(public, "documents")
    assert PERSON in _csv(public, "documents")


def test_procarchives_own_hashes_are_not_masked(tmp_path: Path) -> None:
    """A hash of digits, as one in some 25 content hashes has 15 in a row, stays whole."""
    digits = "123456789012345" + "a" * 49
    db = open_archive(tmp_path / "archive.db")
    db.table("articles").insert(
        {"id": "a1", "url": "https://news.test/1", "source": "news", "text": "Teks",
         "content_hash": digits, "notices_scanned": digits, "first_seen_at": "2026-05-05",
         "last_seen_at": "2026-05-05"}
    )  # fmt: skip
    db.close()
    public = sqlite3.connect(redacted_copy(tmp_path / "archive.db", tmp_path / "public.db"))
    assert public.execute("select notices_scanned from articles").fetchone() == (digits,)
    public.close()


def _all_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


# Reports: datasets with fixed columns, filters, JSON, progress, streaming.


def add_reports(db: Any) -> None:
    """Articles naming agencies, two MoUs (LKPP a party to one, a witness to the other) and a
    notice of another LPSE, beside add_notices' tenders and news article."""
    seen = {"content_hash": "h", "first_seen_at": "2026-06-01", "last_seen_at": "2026-06-01"}
    db["articles"].insert_all(
        [
            {"id": "mou-kpk", "url": "https://lkpp.test/mou-kpk", "source": "lkpp_news",
             "title": "LKPP dan KPK teken nota kesepahaman", "kind": "mou", "lang": "id",
             "published_at": "2026-03-31T23:30:00+07:00", "year": 2026, "agencies": '["LKPP", "KPK"]',
             "text": 'Kerja sama "katalog elektronik", pencegahan korupsi,\nserta pelatihan.', **seen},
            {"id": "late", "url": "https://lkpp.test/late", "source": "lkpp_news",
             "title": "Sosialisasi katalog", "published_at": "2026-04-01T05:00:00+07:00",
             "agencies": '["LKPP"]', "text": "Sosialisasi di Bandung.", **seen},
            {"id": "mou-jabar", "url": "https://blog.test/jabar", "source": "catatan_pengadaan",
             "title": "Pemprov Jawa Barat dan BPKP sepakat", "kind": "mou",
             "published_at": "2025-12-02", "agencies": '["Pemprov Jawa Barat", "BPKP"]',
             "text": "Nota kesepahaman pengawasan, disaksikan LKPP.", **seen},
        ]
    )  # fmt: skip
    db["article_agencies"].insert_all(
        {"article_id": article, "agency": agency, "mentions": 1, "in_gazetteer": 1}
        for article, agency in (
            ("mou-kpk", "LKPP"), ("mou-kpk", "KPK"), ("late", "LKPP"),
            ("mou-jabar", "Pemprov Jawa Barat"), ("mou-jabar", "BPKP"),
        )
    )  # fmt: skip
    db["mous"].insert_all(
        [
            {"article_id": "mou-kpk", "signed_on": "2026-03-31", "year": 2026, "renewal": 0,
             "signed_on_raw": "Selasa (31/3)", "duration_text": "lima tahun", "duration_months": 60},
            {"article_id": "mou-jabar", "signed_on": "2025-12-01", "year": 2025, "renewal": 1},
        ]
    )  # fmt: skip
    db["mou_parties"].insert_all(
        {"article_id": article, "agency": agency, "role": role}
        for article, agency, role in (
            ("mou-kpk", "LKPP", "party"), ("mou-kpk", "KPK", "party"),
            ("mou-jabar", "Pemprov Jawa Barat", "party"), ("mou-jabar", "BPKP", "party"),
            ("mou-jabar", "LKPP", "witness"),
        )
    )  # fmt: skip
    group_signings(db)
    laptops = {"name": "Pengadaan Laptop Pegawai", "agency": "Kementerian Keuangan",
               "work_unit": "Biro Umum", "hps": 900_000_000, "created_on": "2026-06-10",
               "budget_year": 2026}  # fmt: skip
    write_notices(
        db,
        [notice(lpse="kemenkeu", package_code="20011111", schedule=[], fields=laptops,
                url="http://spse.test/kemenkeu/lelang/20011111/pengumumanlelang")],
        3,
    )  # fmt: skip


@pytest.fixture
def reports(archive: Path) -> Any:
    db = open_archive(archive, create=False)
    add_reports(db)
    return db


def export(db: Any, what: str, **filters: str) -> list[dict[str, str]]:
    buffer = io.StringIO()
    export_csv(db, what, buffer, filters=Filters(**filters))
    return rows(buffer.getvalue())


def ids(db: Any, what: str, **filters: str) -> list[str]:
    return [row["id"] for row in export(db, what, **filters)]


def test_datasets_have_the_columns_the_readme_documents_in_that_order(reports: Any) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", readme, re.MULTILINE))
    for name, dataset in DATASETS.items():
        buffer = io.StringIO()
        export_csv(reports, name, buffer)
        assert next(csv.reader(io.StringIO(buffer.getvalue()))) == list(dataset.columns)
        assert documented[name].replace("`", "").split(", ") == list(dataset.columns)
    assert ids(reports, "articles") == ["mou-jabar", "mou-kpk", "late", "f" * 16]  # by date


def test_article_filters(reports: Any) -> None:
    # --until takes the whole day as the page states it: 23:30 WIB is in, 05:00 next day out.
    assert ids(reports, "articles", since="2026-03-31", until="2026-03-31") == ["mou-kpk"]
    assert ids(reports, "articles", since="2026-04-01") == ["late", "f" * 16]
    assert ids(reports, "articles", until="2025-12-02") == ["mou-jabar"]
    assert ids(reports, "articles", source="lkpp_news") == ["mou-kpk", "late"]
    assert ids(reports, "articles", agency="lkpp") == ["mou-kpk", "late"]  # any case
    assert ids(reports, "articles", search="katalog") == ["mou-kpk", "late"]
    assert ids(reports, "articles", search='"nota kesepahaman"', source="lkpp_news") == ["mou-kpk"]
    (row,) = export(reports, "articles", agency="KPK")
    assert row["text"] == 'Kerja sama "katalog elektronik", pencegahan korupsi,\nserta pelatihan.'


def test_mou_filters_name_parties_not_witnesses(reports: Any) -> None:
    assert ids(reports, "mous") == ["mou-jabar", "mou-kpk"]  # by signing date
    assert ids(reports, "mous", agency="LKPP") == ["mou-kpk"]
    assert ids(reports, "mous", agency="bpkp", source="catatan_pengadaan") == ["mou-jabar"]
    assert ids(reports, "mous", since="2026-01-01", until="2026-03-31") == ["mou-kpk"]
    assert ids(reports, "mous", search="pengawasan") == ["mou-jabar"]
    (kpk,) = export(reports, "mous", agency="KPK")
    assert (kpk["parties"], kpk["duration_text"], kpk["source"]) == (
        "LKPP; KPK", "lima tahun", "lkpp_news",
    )  # fmt: skip


def test_notice_and_document_filters(reports: Any) -> None:
    tenders = ["jatengprov-tender-10012345", "jatengprov-tender-10099999"]
    assert ids(reports, "notices", source="kemenkeu") == ["kemenkeu-tender-20011111"]
    assert ids(reports, "notices", agency="bina marga") == tenders  # the work unit, any case
    assert ids(reports, "notices", agency="Keuangan") == ["kemenkeu-tender-20011111"]
    assert ids(reports, "notices", agency="100%") == []  # a LIKE wildcard is a plain character
    assert ids(reports, "notices", search="laptop") == ["kemenkeu-tender-20011111"]
    assert ids(reports, "notices", since="2026-06-10", until="2026-06-10") == [
        "kemenkeu-tender-20011111"
    ]
    assert ids(reports, "notices", until="2026-06-09") == tenders
    (document,) = export(reports, "documents", search="acuan")
    assert document["text"].endswith("NPWP [NPWP].")  # redacted as ever
    assert export(reports, "documents", search="laptop") == []


def test_filters_are_refused_where_they_do_not_apply(reports: Any) -> None:
    with pytest.raises(ExportError, match=r"--since: filters apply to articles, mous, notices"):
        export(reports, "crawls", since="2026-01-01")
    with pytest.raises(ExportError, match=r"--agency: .* not to mous_by_year"):
        export(reports, "mous_by_year", agency="LKPP")
    with pytest.raises(
        ExportError, match=r"documents cannot be filtered by --since .only --search"
    ):
        export(reports, "documents", since="2026-01-01")
    with pytest.raises(ExportError, match="--until takes a date as YYYY-MM-DD, not '31/03/2026'"):
        export(reports, "articles", until="31/03/2026")
    with pytest.raises(ExportError, match="--since takes a date"):
        export(reports, "articles", since="2026-02-30")
    with pytest.raises(ExportError, match="--since 2026-05-01 is after --until 2026-04-30"):
        export(reports, "notices", since="2026-05-01", until="2026-04-30")
    with pytest.raises(ExportError, match=r"--search 'katalog AND' is not .* \(AND has no"):
        export(reports, "articles", search="katalog AND")


def test_json_and_json_lines_carry_the_csv_rows_with_arrays_for_json_columns(
    reports: Any,
) -> None:
    array, lines = io.StringIO(), io.StringIO()
    assert export_json(reports, "articles", array, filters=Filters(agency="LKPP")) == 2
    assert export_json(reports, "articles", lines, filters=Filters(agency="LKPP"), lines=True) == 2
    parsed = json.loads(array.getvalue())
    assert parsed == [json.loads(line) for line in lines.getvalue().splitlines()]
    assert list(parsed[0]) == list(DATASETS["articles"].columns)
    assert parsed[0]["agencies"] == ["LKPP", "KPK"] and parsed[1]["year"] is None
    csv_rows = export(reports, "articles", agency="LKPP")
    assert [row["text"] for row in parsed] == [row["text"] for row in csv_rows]
    (laptops,) = json.loads(_json(reports, "notices", source="kemenkeu"))
    assert laptops["rup_codes"] == ["41234567"] and laptops["content_hash"] is None
    awards = _json(reports, "notice_awards")
    assert NPWP not in awards and "Budi Santoso" not in awards and PERSON in awards
    assert json.loads(_json(reports, "notices", search="nothingmatches")) == []
    empty = io.StringIO()
    assert export_json(reports, "articles", empty, filters=Filters(search="zzz"), lines=True) == 0
    assert empty.getvalue() == ""


def _json(db: Any, what: str, **filters: str) -> str:
    buffer = io.StringIO()
    export_json(db, what, buffer, filters=Filters(**filters))
    return buffer.getvalue()


def test_ocds_export_takes_the_notice_filters(reports: Any) -> None:
    buffer = io.StringIO()
    assert export_ocds(reports, buffer, filters=Filters(source="kemenkeu")) == 1
    (release,) = json.loads(buffer.getvalue())["releases"]
    assert release["ocid"].endswith("kemenkeu-tender-20011111")


@pytest.mark.parametrize(
    "value",
    ["plain", "", None, 'with "quotes"', "comma, here", "line\nbreak", "cr\r", 12, 1.5, "ü ✓"],
)
def test_csv_lines_are_what_the_csv_module_writes(value: object) -> None:
    for row in ([value], ["a", value, 3], [value, value]):
        expected = io.StringIO()
        csv.writer(expected).writerow(row)
        assert csv_lines([row]) == expected.getvalue()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal_is_throttled_and_cleared() -> None:
    assert format_progress(1_234_567, 50.0) == "1,234,567 rows written (24,691 rows/s)"
    assert format_progress(0, 0.0) == "0 rows written (0 rows/s)"
    now = [0.0]
    stream = Terminal()
    progress = Progress(stream, clock=lambda: now[0])
    for count, at in ((1000, 0.1), (2000, 0.3), (3000, 0.4), (40000, 2.0)):
        now[0] = at
        progress.update(count)
    progress.finish()
    assert stream.getvalue() == (
        "\r2,000 rows written (6,667 rows/s)\x1b[K"
        "\r40,000 rows written (20,000 rows/s)\x1b[K\r\x1b[K"
    )


def test_no_progress_without_a_terminal(reports: Any) -> None:
    stream = io.StringIO()
    progress = Progress(stream, clock=iter(range(0, 100, 5)).__next__)
    export_csv(reports, "articles", io.StringIO(), progress=progress)
    progress.update(10**6)
    progress.finish()
    assert stream.getvalue() == ""


def test_cli_writes_json_lines_with_filters_and_keeps_the_file_on_failure(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_archive(archive, create=False)
    add_reports(db)
    db.close()
    out = tmp_path / "lkpp.jsonl"
    base = ["export", "articles", "--db", str(archive), "-o", str(out), "--format", "jsonl"]
    assert main([*base, "--agency", "LKPP", "--since", "2026-04-01"]) == 0
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["late"]
    assert capsys.readouterr().err == "1 rows written\n"  # not a terminal: no progress line
    assert main([*base, "--search", "katalog AND"]) == 2
    assert "AND has no term after it" in capsys.readouterr().err
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["late"]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    assert main([*base, "--bom"]) == 2 and "--bom is for --format csv" in capsys.readouterr().err
    assert main(["export", "articles", "--format", "ocds", "--db", str(archive)]) == 2
    assert main(["export", "articles", "-p", "year=2026", "--db", str(archive)]) == 2
    assert "-p gives a canned query's parameters; articles takes none" in capsys.readouterr().err
    assert main(["export", "articles", "--db", str(archive), "-o", str(tmp_path / "no/x.csv")]) == 2
    assert "no directory" in capsys.readouterr().err


def test_export_streams_in_constant_memory(tmp_path: Path) -> None:
    """200,000 rows (some 70 MB of CSV) through the command line in a child process, whose
    peak resident memory must barely grow beyond that of a 2,000-row export."""
    path = tmp_path / "large.db"
    db = open_archive(path)
    db.execute("DROP TRIGGER articles_ai")  # full-text indexing is not what this measures
    text = 'Pengadaan barang dan jasa, "kutipan" pemerintah.\n\n' * 6
    with db.conn:  # generated in SQL: far faster than any Python loop
        db.execute(
            "INSERT INTO articles (id, url, source, title, published_at, text, content_hash,"
            " first_seen_at, last_seen_at)"
            " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)"
            " SELECT printf('%08d', i), 'https://news.test/' || i, 'news', 'Judul ' || i,"
            " CASE WHEN i % 100 THEN printf('2026-01-%02d', 1 + i % 28) ELSE '2025-12-31' END,"
            " :text || i, 'h', '2026-01-01', '2026-01-01' FROM n",
            {"text": text},
        )
    db.close()
    out = tmp_path / "large.csv"
    child = (
        "import resource, sys\n"
        "from procarchive.cli import main\n"
        "peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "export = ['export', 'articles', '--db', sys.argv[1], '-o', sys.argv[2]]\n"
        "main([*export, '--until', '2025-12-31'])\n"
        "small = peak()\n"
        "main(export)\n"
        "print(small, peak())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child, str(path), str(out)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    small, large = (int(kib) for kib in done.stdout.split())
    assert done.stderr == "2000 rows written\n200000 rows written\n"
    assert out.stat().st_size > 60_000_000
    assert large - small < 20_000, f"peak memory grew {(large - small) // 1024} MB"


def test_documents_lose_tax_numbers_and_the_names_of_person_suppliers() -> None:
    from procarchive.sensitive import text_masker

    mask = text_masker(["Budi Santoso", "Siti"])
    text = "Pemenang: budi\nSANTOSO (NPWP 012345678901234); Siti Aminah; Sitiawan; CV Budi Santosoputra"
    assert mask(text) == (
        "Pemenang: (perorangan) (NPWP [NPWP]); (perorangan) Aminah; Sitiawan; CV Budi Santosoputra"
    )
    assert text_masker([])("NPWP 01.234.567.8-901.000, Budi") == "NPWP [NPWP], Budi"
    assert mask(None) is None and mask("") == ""


def test_an_invalid_full_text_search_is_a_one_line_error(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", str(archive)]
    for args, named in (
        (["documents", "--search", '"kerangka'], "--search '\"kerangka'"),
        (["notices", "--search", "jalan AND"], "--search 'jalan AND'"),
        (["search_notices", "-p", "term=(jalan", "-p", "before="], "-p term='(jalan'"),
    ):
        assert main(["export", *args, *base]) == 2, args
        err = capsys.readouterr().err
        assert err.startswith(f"procarchive: {named} is not a valid full-text query")
        assert "Search syntax:" in err and '"a phrase"' in err and err.count("\n") == 1, err


def test_a_search_reads_punctuated_words_as_the_site_does(reports: Any) -> None:
    """`kerja-sama` is the words kerja sama, not FTS5's "no such column: sama" (issue 14)."""
    assert ids(reports, "articles", search="kerja-sama") == ["mou-kpk"]
    assert ids(reports, "articles", search="kerja-sama OR Bandung.") == ["mou-kpk", "late"]
    assert len(ids(reports, "notices", search="Lingkar-Utara")) == 2  # both tenders on that road
    buffer = io.StringIO()
    export_csv(reports, "articles_mentioning", buffer, {"term": "kerja-sama", "source": ""})
    assert [row["url"] for row in rows(buffer.getvalue())] == ["https://lkpp.test/mou-kpk"]


def test_a_canned_query_without_its_parameters_names_them(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", str(archive)]
    assert main(["export", "largest_packages_of_a_year", *base]) == 2
    err = capsys.readouterr().err
    assert err == "procarchive: largest_packages_of_a_year needs -p year=VALUE\n"
    assert main(["export", "articles_mentioning", *base]) == 2
    assert capsys.readouterr().err == (
        "procarchive: articles_mentioning needs -p source=VALUE -p term=VALUE\n"
    )
    assert main(["export", "articles_mentioning", "-p", "term=jalan", *base]) == 2
    assert "needs -p source=VALUE" in capsys.readouterr().err  # an empty one is -p source=
    assert main(["export", "largest_packages_of_a_year", "-p", "yaer=2026", *base]) == 2
    assert capsys.readouterr().err == (
        "procarchive: largest_packages_of_a_year takes -p year, not -p yaer\n"
    )
    assert main(["export", "articles_mentioning", "-p", "term=jalan", "-p", "source=", *base]) == 0
    assert main(["export", "new_mous", *base]) == 0  # 'procarchive:mou:' is no parameter


def test_xlsx_export_keeps_text_numbers_and_redaction(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An .xlsx (openpyxl) opens in LibreOffice and Excel with accents right whatever the
    locale: the CSV's rows and redaction, amounts as numbers, long texts cut to a cell's
    limit, characters a cell cannot hold left out."""
    from openpyxl import load_workbook

    db = open_archive(archive, create=False)
    accented = "Pengadaan “jalan” Pemda — Rp 1,2 M, Café Kopi Ñusantara"
    with db.conn:
        db.execute("update documents set title = ?, text = ?", [accented + "\x0b", "x" * 40_000])
    db.close()
    out = tmp_path / "notices.xlsx"
    assert (
        main(["export", "notices", "--db", str(archive), "--format", "xlsx", "-o", str(out)]) == 0
    )
    assert capsys.readouterr().err.endswith("2 rows written\n")
    sheet = load_workbook(out, read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][:3] == ["id", "lpse", "category"]
    csv_rows = rows(_csv(open_archive(archive, create=False), "notices"))
    assert len(table) == 1 + len(csv_rows) == 3
    hps = table[0].index("hps")
    assert {row[hps] for row in table[1:]} == {1_200_000_000, 1_100_000_000}  # numbers
    awards = tmp_path / "awards.xlsx"
    assert (
        main(
            ["export", "notice_awards", "--db", str(archive), "--format", "xlsx", "-o", str(awards)]
        )
        == 0
    )
    text = "\n".join(
        str(cell)
        for row in load_workbook(awards).active.iter_rows(values_only=True)
        for cell in row
    )
    assert NPWP not in text and "Budi Santoso" not in text and PERSON in text
    documents = tmp_path / "documents.xlsx"
    assert (
        main(
            ["export", "documents", "--db", str(archive), "--format", "xlsx", "-o", str(documents)]
        )
        == 0
    )
    header, (row, *_) = (lambda r: (r[0], r[1:]))(
        list(load_workbook(documents).active.iter_rows(values_only=True))
    )
    found = dict(zip(header, row, strict=True))
    assert found["title"] == accented
    assert len(found["text"]) == 32_767 and found["text"].endswith("…")
    assert main(["export", "notices", "--db", str(archive), "--format", "xlsx"]) == 2
    assert "--format xlsx needs -o FILE" in capsys.readouterr().err
    assert (
        main(
            ["export", "notices", "--db", str(archive), "--format", "xlsx", "--bom", "-o", str(out)]
        )
        == 2
    )
