"""Nothing sensitive leaves the archive without --include-sensitive. Tax numbers and a person
supplier's name are planted in every text column of every table (found from the schema, so a
new column is planted too); they must not reach the public copy (its file bytes or its
full-text indexes) nor any export: each table (full-text indexes included), view, canned
query and dataset as CSV, JSON and JSON Lines, and the OCDS packages."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from archive.connection import open_archive
from procarchive import sensitive
from procarchive.export import ExportError, canned_queries, export_csv, export_json, export_ocds
from procarchive.export_filters import DATASETS
from procarchive.sensitive import (
    NPWP_MASK,
    PRINTED_NPWP,
    URL_GAP,
    Rule,
    redacted_copy,
    rule,
    text_masker,
)
from tests.test_metadata import build_archive

PRINTED, BARE = "01.234.567.8-901.000", "012345678901234"
PLANTED = f"Pemenang: budi SANTOSO, NPWP {PRINTED} ({BARE})"
# In a URL: the name and the printed NPWP, beside a post's id of 15 digits, which stays.
POST_ID = "545157958911993"
PLANTED_URL = f"/budi-SANTOSO/{PRINTED}/?fbid={POST_ID}"
# Budi Santoso is the person supplier of the archive (tests.test_metadata.add_notices).
LEAKS = {
    "the name": re.compile(r"budi\W{0,4}santoso", re.IGNORECASE),
    "the printed NPWP": re.compile(r"01\W{0,3}234\W{0,3}567\W{0,3}8\W{0,3}901\W{0,3}000"),
    "the bare NPWP": re.compile(BARE),
}
# Values procarchive makes itself, not SPSE's text: ids, codes, hashes, its timestamps.
# articles.notices_scanned: the content_hash its notice links were last found from.
OWN = re.compile(r"(^|_)(id|code|hash|sha256|at|of)$|^notices_scanned$")


def leaks(text: str) -> list[str]:
    return [what for what, pattern in LEAKS.items() if pattern.search(text)]


def planted(value: Any) -> Any:
    """The value with PLANTED added: inside JSON (every string, a new item or key), so that
    JSON columns stay JSON; after any other text."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.dumps(_plant_json(json.loads(value)), ensure_ascii=False)
        except ValueError:
            pass
    return PLANTED if value in (None, "") else f"{value} {PLANTED}"


def _plant_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {**{k: _plant_json(v) for k, v in value.items()}, "planted": PLANTED}
    if isinstance(value, list):  # a list of texts gets one more (a list of records does not)
        more = [PLANTED] if value and all(isinstance(item, str) for item in value) else []
        return [*(_plant_json(item) for item in value), *more]
    if isinstance(value, str) or value is None:
        return planted(value)
    return value


def tables(conn: sqlite3.Connection) -> list[str]:
    """The archive's tables of records: not SQLite's, not full-text indexes or their parts,
    not procarchive's bookkeeping (_sqlite_migrations)."""
    return sorted(
        name
        for schema, name, kind, *_ in conn.execute("PRAGMA table_list")
        if schema == "main" and kind == "table" and not name.startswith(("sqlite_", "_"))
    )


def text_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [
        name
        for _, name, declared, *_ in conn.execute(f"PRAGMA table_info([{table}])")
        if declared.upper() in ("", "TEXT") or "CHAR" in declared.upper()
    ]


def full_text_indexes(conn: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%USING FTS%'"
        )
    ]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_archive(tmp_path_factory.mktemp("privacy") / "archive.db")
    conn = sqlite3.connect(path)
    conn.create_function("planted", 1, planted)
    conn.create_function(
        "planted_url", 1, lambda value: f"{value or 'https://x.example'}{PLANTED_URL}"
    )
    with conn:
        conn.execute(
            "INSERT INTO notice_awards (notice_id, position, role, supplier_name, "
            "supplier_is_person, npwp, address) VALUES ('jatengprov-tender-10012345', 2, "
            "'reserve', 'CV Maju Jaya', 0, '02.111.222.3-444.000', 'Jl. Mawar 1, Kendal')"
        )
        for table in tables(conn):
            columns = [c for c in text_columns(conn, table) if not OWN.search(c)]
            if not columns:
                continue
            if not conn.execute(f"SELECT 1 FROM [{table}]").fetchone():  # something to plant in
                required = [  # NOT NULL without a default: a key or a time, as a row has
                    row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")
                    if row[3] and row[4] is None and row[1] not in columns
                ]  # fmt: skip
                filled = [*columns, *required]
                marks = ", ".join("?" for _ in filled)
                names = ", ".join(f"[{c}]" for c in filled)
                conn.execute(
                    f"INSERT INTO [{table}] ({names}) VALUES ({marks})", [""] * len(filled)
                )
            for column in columns:
                # A person supplier's own name is what the redaction looks for: it stays.
                where = " WHERE NOT supplier_is_person" if column == "supplier_name" else ""
                plant = "planted_url" if rule(table, column) is Rule.URL else "planted"
                conn.execute(f"UPDATE [{table}] SET [{column}] = {plant}([{column}]){where}")
        for index in full_text_indexes(conn):  # as a crawl would have indexed the rows
            conn.execute(f"INSERT INTO [{index}] ([{index}]) VALUES ('rebuild')")
    conn.close()
    assert set(leaks(path.read_bytes().decode("utf-8", "replace"))) == set(LEAKS)
    return path


def test_the_public_copy_holds_none_of_the_planted_values(archive: Path, tmp_path: Path) -> None:
    public = redacted_copy(archive, tmp_path / "public" / "archive.db")
    wal = public.with_name(public.name + "-wal")
    raw = public.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert leaks(raw.decode("utf-8", "replace")) == []
    assert b"santoso" not in raw.lower() and b"09.876.543.2-101.000" not in raw
    assert f"/{NPWP_MASK}/?fbid={POST_ID}".encode() in raw  # a URL's own id is not an NPWP
    conn = sqlite3.connect(public)
    for index in full_text_indexes(conn):
        conn.execute(
            f"CREATE VIRTUAL TABLE temp.[{index}_terms] USING fts5vocab(main, [{index}], row)"
        )
        terms = {term for (term,) in conn.execute(f"SELECT term FROM temp.[{index}_terms]")}
        assert terms and not terms & {"santoso", "budi", BARE}, index
        assert {"npwp", "perorangan"} <= terms, index  # the rows' redacted text, indexed
    assert (
        conn.execute(  # masked, not emptied
            "SELECT count(*) FROM notices WHERE note LIKE '%(perorangan), NPWP [NPWP] ([NPWP])%'"
        ).fetchone()[0]
        > 0
    )
    conn.close()


def canned_parameters(sql: str) -> list[str]:
    """The :names of a query, outside its string literals."""
    code = re.sub(r"'(?:[^']|'')*'", "''", sql)
    return sorted(set(re.findall(r"(?<![\w:]):(\w+)", code)))


def test_no_export_carries_the_planted_values(archive: Path) -> None:
    db = open_archive(archive, create=False)
    article = db.execute("SELECT article_id FROM mous LIMIT 1").fetchone()[0]
    notice = db.execute("SELECT id FROM notices LIMIT 1").fetchone()[0]
    plausible = {
        "year": ["2026"], "since": ["2000-01-01"], "agency": ["LKPP", ""], "source": [""],
        "before": [""], "id": [article], "article": [article], "notice": [notice],
        "term": ["santoso", BARE, f'"{PRINTED}"', "pemenang OR kesepahaman"],
    }  # fmt: skip
    relations = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    runs: list[tuple[str, dict[str, str]]] = [(name, {}) for name in [*DATASETS, *relations]]
    for name, sql in canned_queries().items():
        combinations: list[dict[str, str]] = [{}]
        for parameter in canned_parameters(sql):
            assert parameter in plausible, f"give {name}'s :{parameter} plausible values here"
            combinations = [{**c, parameter: v} for c in combinations for v in plausible[parameter]]
        runs += [(name, params) for params in combinations]
    shown: set[str] = set()
    for include in (False, True):
        for what, params in runs:
            for form in ("csv", "json", "jsonl"):
                out = io.StringIO()
                try:
                    if form == "csv":
                        export_csv(db, what, out, params, include_sensitive=include)
                    else:
                        export_json(db, what, out, params, include, lines=form == "jsonl")
                except ExportError as refused:  # only an index's internal parts may be refused
                    assert "full-text index" in str(refused), (what, str(refused))
                    assert re.search(r"_fts_(data|idx|docsize|config|content)$", what), what
                    continue
                found = leaks(out.getvalue())
                if include:
                    shown.update(found)
                else:
                    assert found == [], f"export {what} {params} --format {form}: {found}"
        for package in ("release", "record"):
            out = io.StringIO()
            export_ocds(db, out, package=package, include_sensitive=include)
            json.loads(out.getvalue())
            if include:
                shown.update(leaks(out.getvalue()))
            else:
                assert leaks(out.getvalue()) == [], package
    assert shown == set(LEAKS)  # the plant worked: --include-sensitive shows it all


def test_exports_are_the_bytes_of_masking_each_whole_text(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tax numbers searched for only around digit runs (procarchive.digit_runs) give every
    dataset and table export the bytes that searching each whole text gave."""
    db = open_archive(archive, create=False)
    names = [*DATASETS, *db.table_names(), *db.view_names()]

    def exports() -> dict[str, str]:
        written = {}
        for what in names:
            for form in ("csv", "json"):
                out = io.StringIO()
                try:
                    if form == "csv":
                        export_csv(db, what, out)
                    else:
                        export_json(db, what, out)
                except ExportError:  # a full-text index's parts
                    continue
                written[f"{what}.{form}"] = out.getvalue()
        return written

    narrowed = exports()
    monkeypatch.setattr(
        sensitive, "sub_near_digit_runs", lambda pattern, mask, text, *_: pattern.sub(mask, text)
    )
    assert exports() == narrowed
    assert sum(value.count(NPWP_MASK) for value in narrowed.values()) > 100
    assert "articles.csv" in narrowed and "notice_awards.json" in narrowed


def test_the_policy_keeps_only_procarchives_own_values_and_names_what_exists(
    archive: Path,
) -> None:
    """What the redaction keeps as stored is what the planting above leaves alone (ids,
    codes, hashes, procarchive's timestamps); every table and column it names exists."""
    from procarchive.sensitive import RULES

    conn = sqlite3.connect(archive)
    relations = {
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        )
    }
    for relation, rules in RULES.items():
        assert relation in relations, relation
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info([{relation}])")}
        for column, kind in rules.items():
            assert column in columns, (relation, column)
            assert kind is not Rule.KEEP or OWN.search(column), (relation, column)
    conn.close()


@pytest.mark.parametrize(
    "spelt",
    ["01.234.567.8-901.000", "01 234 567 8 901 000", "01.234.567.8 - 901.000",
     "01.234.567.8–901.000", "0123 4567 8901 2345", "012345678901234", "0123456789012345"],
)  # fmt: skip
def test_npwps_are_masked_however_printed(spelt: str) -> None:
    mask = text_masker([])
    assert mask(f"NPWP: {spelt}, alamat") == f"NPWP: {NPWP_MASK}, alamat"


def test_numbers_that_are_not_npwps_stay() -> None:
    text = "Rp 1.234.567.890.000, telepon 0812 3456 7890, tanggal 2026-03-02, kode 10012345"
    assert text_masker([])(text) == text


def test_a_urls_id_stays_where_its_printed_npwp_and_a_persons_name_go() -> None:
    mask = text_masker(["Budi Santoso"], PRINTED_NPWP, URL_GAP)
    url = f"https://x.example/budi-santoso/01.234.567.8-901.000/?fbid={POST_ID}"
    assert mask(url) == f"https://x.example/(perorangan)/{NPWP_MASK}/?fbid={POST_ID}"
