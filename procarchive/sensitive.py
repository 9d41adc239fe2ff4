"""Personal data in the archive: tax numbers (NPWP) and the names and addresses of suppliers
who are people (sole traders). SPSE publishes them, so the archive keeps them as found; what
is published or exported leaves them out unless asked (`--include-sensitive`).

RULES says how each column leaves the archive; a column it does not name (of any table,
view, full-text index or canned query) is masked as free text. Exports (procarchive.export)
and the public copy (`redacted_copy`) both apply it through a `Redactor`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive.migrations import count_article_facets
from procarchive.digit_runs import may_be_digits, sub_near_digit_runs

PERSON = "(perorangan)"  # "an individual", in place of a person's name
# NPWP as printed (01.234.567.8-901.000) or as digits: 15 (old) or 16 (NIK-based) of them. The
# printed form may carry the canned queries' snippet marks ("[01].[234]...") between groups.
# A digit first (not \b), so that the regex engine can skip ahead to the digits of a text.
# Between groups: a dot, a hyphen or an en dash with a space either side or not, or a space.
_SEP = r"(?:\]?[ \t]?[.\-\u2013][ \t]?\[?|\][ \t]\[?|[ \t])"
_PRINTED = (  # after the first digit: 01.234.567.8-901.000, 01 234 567 8 901 000, ...
    rf"\d{_SEP}\d{{3}}{_SEP}\d{{3}}{_SEP}\d{_SEP}\d{{3}}{_SEP}\d{{3}}"
    rf"|\d{{3}}{_SEP}\d{{4}}{_SEP}\d{{4}}{_SEP}\d{{4}}"  # the 16-digit (NIK) form, 4-4-4-4
)
NPWP = re.compile(rf"\d(?<!\w\d)(?:\d{{14,15}}|{_PRINTED})(?!\w)")
# In a URL a bare run of 15 or 16 digits is as likely an id (a post's, a photo's): only the
# printed forms are masked there.
PRINTED_NPWP = re.compile(rf"\d(?<!\w\d)(?:{_PRINTED})(?!\w)")
NPWP_MASK = "[NPWP]"
# The fewest digits in a match of either, the most characters between two of its digits
# (a separator, "] - ["), and the ASCII characters a separator is made of.
NPWP_DIGITS, NPWP_GAP, NPWP_BETWEEN = 15, 5, " \t.-[]"
WORD = re.compile(r"\w+")
# Between the words of a name as a document prints it, or as a snippet marks it ("Budi [Santoso]").
GAP = re.compile(r"[\s.\[\]]{1,4}")
URL_GAP = re.compile(r"(?:[\s.\-_+]|%20){1,3}")  # budi-santoso, Budi_Santoso, budi%20santoso


class Rule(Enum):
    KEEP = "kept"  # procarchive's own values: ids, codes, hashes, its timestamps
    TEXT = "masked"  # NPWP-shaped numbers and person suppliers' names masked
    URL = "url"  # masked as text, but a bare run of digits there is an id: kept
    DROP = "emptied"
    SUPPLIER = "supplier"  # PERSON for a person, masked as text for an organisation
    PERSONAL = "personal"  # emptied for a person (or when the row does not say), else masked
    RECORD = "record"  # a notice version's record: awards redacted, every text in it masked


K, U = Rule.KEEP, Rule.URL
_SEEN = {"first_seen_at": K, "last_seen_at": K, "capture_id": K}
# Columns that are not masked as free text, by table or view.
RULES: dict[str, dict[str, Rule]] = {
    "articles": {"id": K, "content_hash": K, "gone_at": K, "mirror_of": K, "sketched_hash": K,
                 "notices_scanned": K, "url": U, "canonical_claim": U, **_SEEN},
    "article_versions": {"article_id": K, "content_hash": K, "superseded_at": K, "gone_at": K,
                         **_SEEN},
    "article_urls": {"url_id": K, "article_id": K, "url": U, "first_seen_at": K,
                     "last_seen_at": K},
    "article_agencies": {"article_id": K},
    "mous": {"article_id": K, "signing_id": K},
    "mou_signings": {"id": K, "first_report_id": K, "first_reported_at": K},
    "mou_parties": {"article_id": K},
    "mou_overview": {"article_id": K, "signing_id": K, "url": U},
    "mirror_links": {"copy_id": K, "original_id": K, "linked_at": K},
    "mirrors": {"copy_id": K, "original_id": K, "copy_url": U, "original_url": U},
    "captures": {"id": K, "fetched_at": K, "payload_sha256": K, "revisit_of": K, "url": U},
    "crawls": {"started_at": K, "finished_at": K},
    # The record's hash would confirm a guessed name or tax number: not published.
    "notices": {"id": K, "package_code": K, "content_hash": Rule.DROP, "gone_at": K,
                "last_changed_at": K, "url": U, **_SEEN},
    "notice_versions": {"notice_id": K, "seen_at": K, "capture_id": K, "record": Rule.RECORD},
    "notice_schedule": {"notice_id": K},
    "notice_awards": {"notice_id": K, "supplier_name": Rule.SUPPLIER, "npwp": Rule.DROP,
                      "address": Rule.PERSONAL},
    "article_notices": {"article_id": K, "notice_id": K},
    "documents": {"id": K, "sha256": K, "superseded_at": K, "url": U, **_SEEN},
    "document_links": {"parent_id": K, "document_url": U},
}  # fmt: skip
OWN_ID = re.compile(r"(^|_)id$")
# For a column of a table not above, or of a canned query's result (its origin unknown).
BY_NAME = {
    "npwp": Rule.DROP, "content_hash": Rule.DROP, "supplier_name": Rule.SUPPLIER,
    "address": Rule.PERSONAL, "record": Rule.RECORD,
}  # fmt: skip


def rule(relation: str | None, column: str) -> Rule:
    """How `column` of `relation` (None: not known) leaves the archive."""
    declared = RULES.get(relation or "", {})
    found = declared.get(column) or BY_NAME.get(column)
    if found:
        return found
    if column.endswith(("url", "link")):  # atom_link, copy_url, ...
        return Rule.URL
    # An id of procarchive's (a hash: a 16-hex article id is all digits once in 1,850 times)
    return Rule.KEEP if OWN_ID.search(column) else Rule.TEXT


def person_names(conn: sqlite3.Connection) -> list[str]:
    """The names of suppliers who are people, as the archive's awards give them."""
    try:
        found = conn.execute(
            "select trim(supplier_name) from notice_awards where supplier_is_person "
            # and those of earlier versions of the notices, whom the current awards left out
            "union select trim(json_extract(award.value, '$.supplier_name')) "
            "from notice_versions, json_each(notice_versions.record, '$.awards') as award "
            # instr first: a record that names no supplier is not parsed (as json.dumps
            # writes it, the key is spelled out)
            "where instr(notice_versions.record, '\"supplier_is_person\"') "
            "and json_valid(notice_versions.record) "
            "and json_extract(award.value, '$.supplier_is_person')"
        ).fetchall()
    except sqlite3.OperationalError:  # an archive from before the notices
        return []
    # PERSON is what a redacted copy holds in their place: not a name, and masking it again
    # would write "((perorangan))" wherever a text of the copy has it.
    return sorted({row[0] for row in found if row[0] and len(row[0]) >= 3 and row[0] != PERSON})


class TextMasker:
    """What masks a document's text: tax numbers, and the names of suppliers who are people
    wherever the text spells them (any case; spaces, line breaks or a dot between the words).
    Other names in free text cannot be told apart reliably and stay."""

    def __init__(
        self, names: list[str], numbers: re.Pattern[str] = NPWP, gap: re.Pattern[str] = GAP
    ) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for name in names:
            words = tuple(word.lower() for word in WORD.findall(name))
            if words:
                self.by_first.setdefault(words[0], []).append(words)
        self.firsts = list(self.by_first)
        self.pattern, self.gap = numbers, gap
        self.spelling = functools.lru_cache(maxsize=512)(self._spelling)

    def _spelling(self, present: tuple[str, ...]) -> re.Pattern[str]:
        """The names that start with these words, the longest first ("Budi Santoso Jr")."""
        candidates = sorted((n for first in present for n in self.by_first[first]), key=len)
        spelled = "|".join(self.gap.pattern.join(map(re.escape, n)) for n in reversed(candidates))
        return re.compile(rf"(?<!\w)(?:{spelled})(?!\w)", re.IGNORECASE)

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return text
        return self.names(self.numbers(text))

    def numbers(self, text: str) -> str:
        """The text with its tax numbers masked. A NUL ends every match: texts joined by NULs
        are masked as each would be on its own."""
        return sub_near_digit_runs(
            self.pattern, NPWP_MASK, text, NPWP_DIGITS, NPWP_GAP, NPWP_BETWEEN
        )

    def names(self, text: str) -> str:
        """The text with the person suppliers' names masked."""
        present = self.first_names_in(text)
        return self.spelling(present).sub(PERSON, text) if present else text

    def first_names_in(self, text: str) -> tuple[str, ...]:
        """The first names of person suppliers that are words of the text (lowercased)."""
        if not self.by_first:
            return ()
        # Most texts name no one: substring tests (while there are few first names) and a set
        # of the words are far cheaper than searching for every name.
        lowered = text.lower()
        if len(self.firsts) <= 64 and not any(first in lowered for first in self.firsts):
            return ()
        return tuple(sorted(self.by_first.keys() & set(WORD.findall(lowered))))

    def leaves_json(self, text: str) -> bool:
        """Whether masking each string in the JSON `text` leaves every one as it is, told from
        the text itself: without enough characters that may be digits (each digit of a string
        is one in the text, or an escape `\\uXXXX` with a decimal digit in it) and, where
        there are names, without escapes (each string then a part of the text, its words
        words of the text) nor a person supplier's first name."""
        if may_be_digits(text) >= NPWP_DIGITS:
            return False
        return not self.by_first or ("\\" not in text and not self.first_names_in(text))


text_masker = TextMasker


def redact_award(award: dict[str, Any]) -> dict[str, Any]:
    redacted = {**award, "npwp": None}
    if award.get("supplier_is_person"):
        redacted.update(supplier_name=PERSON, address=None)
    return redacted


def redact_record(record: dict[str, Any]) -> dict[str, Any]:
    """A notice version's record with its awards redacted."""
    awards = record.get("awards")
    if not isinstance(awards, list):
        return record
    return {**record, "awards": [redact_award(a) if isinstance(a, dict) else a for a in awards]}


class Redactor:
    """RULES applied to the values of one archive (whose person suppliers' names it masks)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        names = person_names(conn)
        self.mask = text_masker(names)
        self.mask_url = text_masker(names, PRINTED_NPWP, URL_GAP)

    def text(self, value: Any) -> Any:
        """A text masked; JSON text (a list or object) masked inside its strings, so that it
        stays JSON. Numbers are not text: they stay."""
        if not isinstance(value, str) or not value:
            return value
        if value[0] in "[{":
            if self.mask.leaves_json(value):  # most JSON values: nothing to decode
                return value
            try:
                parsed = json.loads(value)
            except ValueError:
                pass
            else:
                masked = self.masked(parsed)
                return value if masked == parsed else json.dumps(masked, ensure_ascii=False)
        return self.mask(value)

    def masked(self, value: Any) -> Any:
        """A JSON value with every string in it masked."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, list):
            return [self.masked(item) for item in value]
        if isinstance(value, dict):
            return {self.mask(key): self.masked(item) for key, item in value.items()}
        return value

    def record(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith("{"):
            try:
                parsed = json.loads(value)
            except ValueError:
                return self.text(value)
            if isinstance(parsed, dict):
                masked = self.masked(redact_record(parsed))
                return json.dumps(masked, ensure_ascii=False, sort_keys=True)
        return self.text(value)

    def ocds_record(self, record: dict[str, Any]) -> dict[str, Any]:
        """A record for procarchive.ocds to build public releases from: redacted as RULES
        says, except that each person supplier is "(perorangan) N" rather than PERSON, so
        that the release still tells them apart (it names them PERSON, numbered)."""
        people: dict[str, str] = {}
        awards = []
        for award in record.get("awards") or []:
            if isinstance(award, dict) and award.get("supplier_is_person"):
                name = str(award.get("supplier_name"))
                person = people.setdefault(name, f"{PERSON} {len(people) + 1}")
                award = {**award, "supplier_name": person, "address": None, "npwp": None}
            elif isinstance(award, dict):
                award = {**award, "npwp": None}
            awards.append(award)
        masked: dict[str, Any] = self.masked({**record, "awards": awards})
        return masked

    def row(
        self, origins: Sequence[tuple[str | None, str]], names: Sequence[str]
    ) -> Callable[[Sequence[Any]], list[Any]] | None:
        """What redacts a row whose columns are `names`, as `rows` does a batch."""
        redact = self.rows(origins, names)
        return None if redact is None else lambda values: redact([values])[0]

    def rows(
        self, origins: Sequence[tuple[str | None, str]], names: Sequence[str]
    ) -> Callable[[Sequence[Sequence[Any]]], list[list[Any]]] | None:
        """What redacts a batch of rows whose columns are `names`, each read from column
        `origins[i]` of a table or view (None: not known). None when every column is kept."""
        person = names.index("supplier_is_person") if "supplier_is_person" in names else None
        texts: list[int] = []
        urls: list[int] = []
        steps: list[tuple[int, Callable[[Any, Sequence[Any]], Any]]] = []
        for index, (relation, column) in enumerate(origins):
            kind = rule(relation, column)
            if kind is Rule.TEXT:
                texts.append(index)
            elif kind is Rule.URL:
                urls.append(index)
            elif kind is Rule.DROP:
                steps.append((index, lambda value, row: None))
            elif kind is Rule.RECORD:
                steps.append((index, lambda value, row: self.record(value)))
            elif kind is Rule.SUPPLIER:
                steps.append((index, self._supplier(person)))
            elif kind is Rule.PERSONAL:
                steps.append((index, self._personal(person)))
        if not steps and not texts and not urls:
            return None
        masked = texts + urls

        def redact(batch: Sequence[Sequence[Any]]) -> list[list[Any]]:
            if not batch:
                return []
            # Column by column: a column of plain texts (most) is masked whole, in one pass.
            columns: list[Any] = list(zip(*batch, strict=True))
            for index in masked:  # masked in place
                columns[index] = list(columns[index])
            for indexes, mask in ((texts, self.mask), (urls, self.mask_url)):
                wholes: list[list[Any]] = []
                places: list[tuple[list[Any], int]] = []
                for index in indexes:
                    column = columns[index]
                    jsons = [] if mask is self.mask_url else _json_places(column)
                    if not jsons and set(map(type, column)) <= TEXT_TYPES:
                        wholes.append(column)
                        continue
                    # JSON values that masking leaves, told of them all at once (as of each:
                    # their digits are fewer, their words among those of them all).
                    kept = bool(jsons) and self.mask.leaves_json(
                        "\0".join([column[position] for position in jsons])
                    )
                    for position, value in enumerate(column):
                        if isinstance(value, str) and value:
                            if mask is self.mask and value[0] in "[{":
                                if not kept:
                                    column[position] = self.text(value)
                            else:
                                places.append((column, position))
                        elif mask is self.mask_url:
                            column[position] = mask(value)
                _mask_all(mask, wholes, places)
            rows = [list(values) for values in zip(*columns, strict=True)]
            if steps:
                for row, values in zip(rows, batch, strict=True):
                    for index, step in steps:
                        row[index] = step(values[index], values)
            return rows

        return redact

    def _supplier(self, person: int | None) -> Callable[[Any, Sequence[Any]], Any]:
        def supplier(value: Any, row: Sequence[Any]) -> Any:
            if person is not None and row[person]:
                return PERSON
            return self.text(value)  # it masks the names of person suppliers, too

        return supplier

    def _personal(self, person: int | None) -> Callable[[Any, Sequence[Any]], Any]:
        def personal(value: Any, row: Sequence[Any]) -> Any:
            if person is None or row[person] is None or row[person]:
                return None
            return self.text(value)

        return personal


TEXT_TYPES = {str, type(None)}  # the values of a column masked whole


def _json_places(column: list[Any]) -> list[int]:
    """The positions of the column's texts that may be JSON (a list or an object)."""
    return [
        position
        for position, value in enumerate(column)
        if type(value) is str and value and value[0] in "[{"
    ]


def _mask_all(
    mask: TextMasker, wholes: list[list[Any]], places: list[tuple[list[Any], int]]
) -> None:
    """Mask the texts of the columns `wholes` (each a list of texts and None) and at `places`
    (a column and a position in it) in one pass for their tax numbers, NUL between them (no
    mask spans a NUL), then each for names where the texts hold a person supplier's first
    name; if a text holds a NUL itself, each on its own."""
    if not wholes and not places:
        return
    texts: list[str] = []
    for column in wholes:
        texts += [value or "" for value in column] if None in column else column
    joined = "\0".join(texts + [column[position] for column, position in places])
    numbered = mask.numbers(joined)
    # A name in no text: no first name among the words of them all (NULs between).
    named = bool(mask.by_first and mask.first_names_in(numbered))
    if numbered is joined and not named:  # most batches: nothing to mask
        return
    cells = [(column, position) for column in wholes for position in range(len(column))]
    cells += places
    if numbered is not joined:
        parts = numbered.split("\0")
        if len(parts) != len(cells):
            for column, position in cells:
                if column[position] is not None:
                    column[position] = mask(column[position])
            return
        for (column, position), part in zip(cells, parts, strict=True):
            if column[position] is not None:  # a None of a whole column, joined as ""
                column[position] = part
    if named:
        for column, position in cells:
            if column[position] is not None:
                column[position] = mask.names(column[position])


def full_text_indexes(conn: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts%' ORDER BY name"
        )
    ]


def index_part_of(conn: sqlite3.Connection, table: str) -> str | None:
    """The virtual table (a full-text index) whose internal part `table` is, if it is one."""
    kinds = {row[1]: row[2] for row in conn.execute("PRAGMA main.table_list")}
    if kinds.get(table) != "shadow":
        return None
    owners = [n for n, kind in kinds.items() if kind == "virtual" and table.startswith(f"{n}_")]
    return max(owners, key=len, default="?")


def redacted_copy(source: str | Path, target: str | Path) -> Path:
    """A copy of the archive without the sensitive values, for a public Datasette: every
    table's rows redacted as RULES says, the full-text indexes emptied, then VACUUM, then the
    indexes rebuilt from the redacted rows (VACUUM may renumber the rowids they point at).
    Secure delete overwrites what is deleted or replaced with zeros, so no value lingers in
    free pages."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    conn = sqlite3.connect(target)
    try:
        with contextlib.closing(sqlite3.connect(source)) as src:
            src.backup(conn)
        conn.execute("PRAGMA journal_mode=DELETE")  # one file: it is served read-only
        conn.execute("PRAGMA secure_delete=ON")
        redactor, indexes = Redactor(conn), full_text_indexes(conn)
        with conn:
            for table in _tables_with_rows(conn):
                _redact_table(conn, table, redactor)
            # The counters that triggers keep from the articles: redacted before or after
            # them (PRAGMA table_list's order is the schema's hash order), a decremented
            # count can bring back a row keyed by a value as found. Recounted from the
            # redacted rows instead.
            if conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'articles_facet_counts'"
            ).fetchone():
                count_article_facets(Database(conn))
            for index in indexes:  # an index of its own content (redacted above) is rebuilt below
                with contextlib.suppress(sqlite3.OperationalError):
                    conn.execute(f"INSERT INTO [{index}] ([{index}]) VALUES ('delete-all')")
            # Planner samples (an SQLite built with STAT4) hold values as found; the counts
            # of sqlite_stat1 hold none.
            for samples in ("sqlite_stat3", "sqlite_stat4"):
                conn.execute(f"DROP TABLE IF EXISTS {samples}")
        conn.execute("VACUUM")
        with conn:
            for index in indexes:
                conn.execute(f"INSERT INTO [{index}] ([{index}]) VALUES ('rebuild')")
        if not conn.execute("select 1 from sqlite_master where name = 'sqlite_stat1'").fetchone():
            conn.execute("ANALYZE")  # the planner's statistics, which the nightly crawl keeps
    finally:
        conn.close()
    return target


def _tables_with_rows(conn: sqlite3.Connection) -> list[str]:
    """The tables that hold rows as written: not SQLite's own, not views or full-text indexes
    (rebuilt from their tables), but an index's own copy of its rows (`*_content`)."""
    return [
        name
        for schema, name, kind, *_ in conn.execute("PRAGMA main.table_list")
        if (kind == "table" and not name.startswith("sqlite_"))
        or (kind == "shadow" and name.endswith("_content"))
    ]


def _redact_table(
    conn: sqlite3.Connection, table: str, redactor: Redactor, batch: int = 1000
) -> None:
    """Rewrite the rows of `table` whose values the redaction changes (triggers then fire for
    those rows alone), reading it a batch at a time in key order."""
    info = conn.execute(f"PRAGMA table_info([{table}])").fetchall()
    columns = [row[1] for row in info]
    read = [c for c in columns if rule(table, c) is not Rule.KEEP or c == "supplier_is_person"]
    redact = redactor.row([(table, c) for c in read], read)
    if redact is None:
        return
    keys = row_key(conn, table)
    listed = ", ".join([*keys, *(f"[{c}]" for c in read)])
    key = ", ".join(keys)
    marks = ", ".join("?" for _ in keys)
    update = (
        # Two rows that differ only in what is masked become one (a unique key would refuse).
        f"UPDATE OR REPLACE [{table}] SET {', '.join(f'[{c}] = ?' for c in read)} "
        f"WHERE ({key}) = ({marks})"
    )
    after: list[Any] | None = None
    while True:
        where = f" WHERE ({key}) > ({marks})" if after is not None else ""
        rows = conn.execute(
            f"SELECT {listed} FROM [{table}]{where} ORDER BY {key} LIMIT {batch}", after or []
        ).fetchall()
        if not rows:
            return
        changed = []
        for row in rows:
            values = row[len(keys) :]
            redacted = redact(values)
            if redacted != list(values):
                changed.append([*redacted, *row[: len(keys)]])
        conn.executemany(update, changed)
        after = list(rows[-1][: len(keys)])


def row_key(conn: sqlite3.Connection, table: str) -> list[str]:
    """What identifies a row of `table`, as SQL: its rowid, or a WITHOUT ROWID table's key."""
    found = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()
    if not re.search(r"\)\s*WITHOUT\s+ROWID\s*$", (found and found[0]) or "", re.IGNORECASE):
        return ["rowid"]
    info = conn.execute(f"PRAGMA table_info([{table}])").fetchall()
    return [f"[{row[1]}]" for row in sorted(info, key=lambda row: row[5]) if row[5]]
