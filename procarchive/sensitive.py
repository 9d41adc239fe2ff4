"""Personal data in the archive: tax numbers (NPWP) and the names and addresses of suppliers
who are people (sole traders). SPSE publishes them, so the archive keeps them as found; what
is published or exported leaves them out unless asked (`--include-sensitive`).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

PERSON = "(perorangan)"  # "an individual", in place of a person's name
# NPWP as printed (01.234.567.8-901.000) or as digits: 15 (old) or 16 (NIK-based) of them.
NPWP = re.compile(r"\b\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}\b|\b\d{15,16}\b")
NPWP_MASK = "[NPWP]"
FULL_TEXT_INDEXES = ("articles_fts", "notices_fts", "documents_fts")
WORD = re.compile(r"\w+")
GAP = re.compile(r"[\s.]{1,3}")  # between the words of a name as a document prints it


def person_names(conn: sqlite3.Connection) -> list[str]:
    """The names of suppliers who are people, as the archive's awards give them."""
    try:
        found = conn.execute(
            "select distinct trim(supplier_name) from notice_awards "
            "where supplier_is_person and length(trim(supplier_name)) >= 3"
        ).fetchall()
    except sqlite3.OperationalError:  # an archive from before the notices
        return []
    return [row[0] for row in found]


def text_masker(names: list[str]) -> Callable[[str | None], str | None]:
    """What masks a document's text: tax numbers, and the names of suppliers who are people
    wherever the text spells them (any case; spaces, line breaks or a dot between the words).
    Other names in free text cannot be told apart reliably and stay. One pass over the words
    however many names there are."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for name in names:
        words = tuple(word.lower() for word in WORD.findall(name))
        if words:
            by_first.setdefault(words[0], []).append(words)
    for candidates in by_first.values():
        candidates.sort(key=len, reverse=True)  # the longest name first: "Budi Santoso Jr"

    def name_at(text: str, words: list[re.Match[str]], at: int) -> int:
        """How many words from `at` spell a name (0: none)."""
        for name in by_first.get(words[at].group().lower(), []):
            end = at + len(name)
            if end <= len(words) and all(
                words[at + k].group().lower() == name[k]
                and GAP.fullmatch(text, words[at + k - 1].end(), words[at + k].start())
                for k in range(1, len(name))
            ):
                return len(name)
        return 0

    def mask(text: str | None) -> str | None:
        if not text:
            return text
        text = NPWP.sub(NPWP_MASK, text)
        if not by_first:
            return text
        words, parts, done, at = list(WORD.finditer(text)), [], 0, 0
        while at < len(words):
            if length := name_at(text, words, at):
                parts += [text[done : words[at].start()], PERSON]
                done, at = words[at + length - 1].end(), at + length
            else:
                at += 1
        return "".join(parts) + text[done:]

    return mask


def redact_award(award: dict[str, Any]) -> dict[str, Any]:
    redacted = {**award, "npwp": None}
    if award.get("supplier_is_person"):
        redacted.update(supplier_name=PERSON, address=None)
    return redacted


def redact_record(record: dict[str, Any]) -> dict[str, Any]:
    """A notice version's record with its awards redacted."""
    return {**record, "awards": [redact_award(a) for a in record.get("awards") or []]}


def redacted_copy(source: str | Path, target: str | Path) -> Path:
    """A copy of the archive without the sensitive values, for a public Datasette. The copy
    is rebuilt whole (SQLite's backup API, then the redaction, then VACUUM, so no deleted
    value lingers in free pages)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    conn = sqlite3.connect(target)
    # As SQL functions, so that each table is rewritten by one statement, row by row.
    conn.create_function("mask_text", 1, text_masker(person_names(conn)), deterministic=True)
    conn.create_function("redact_record", 1, _redact_record_json, deterministic=True)
    try:
        with conn:
            conn.execute(
                "UPDATE notice_awards SET npwp = NULL, "
                "supplier_name = CASE WHEN supplier_is_person THEN ? ELSE supplier_name END, "
                "address = CASE WHEN supplier_is_person THEN NULL ELSE address END",
                [PERSON],
            )
            # The record's hash would confirm a guessed name or tax number: not published.
            conn.execute("UPDATE notices SET content_hash = NULL")
            conn.execute("UPDATE documents SET text = mask_text(text), title = mask_text(title)")
            conn.execute("UPDATE notice_versions SET record = redact_record(record)")
        conn.execute("PRAGMA journal_mode=DELETE")  # one file: it is served read-only
        conn.execute("VACUUM")
        # VACUUM may renumber the rowids of tables without an INTEGER PRIMARY KEY, which the
        # full-text indexes point at: rebuild them from the rows as they now are.
        with conn:
            for index in FULL_TEXT_INDEXES:
                conn.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
        if not conn.execute("select 1 from sqlite_master where name = 'sqlite_stat1'").fetchone():
            conn.execute("ANALYZE")  # the planner's statistics, which the nightly crawl keeps
    finally:
        conn.close()
    return target


def _redact_record_json(record: str | None) -> str | None:
    if not record:
        return record
    return json.dumps(redact_record(json.loads(record)), ensure_ascii=False, sort_keys=True)
