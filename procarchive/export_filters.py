"""The datasets `procarchive export` can narrow (articles, mous, notices, documents): each one's
columns in a fixed order (the order README.md's "Exports" table documents) and its filters as
SQL. Other tables, views and canned queries export as they are, unfiltered."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any


class ExportError(ValueError):
    pass


@dataclass(frozen=True)
class Filters:
    since: str | None = None  # YYYY-MM-DD
    until: str | None = None  # YYYY-MM-DD, that whole day included
    source: str | None = None
    agency: str | None = None
    search: str | None = None  # a search as the site reads it (datasette_plugins/search_syntax)

    def given(self) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name) not in (None, "")]

    def params(self) -> dict[str, str]:
        """The SQL parameters of the filters given. Dates compare as a range on the stored
        text, which starts with the date as the page states it (`2026-05-04T08:00:00+07:00`):
        the same as comparing the date prefix, and the column's index still serves."""
        given = {name: str(getattr(self, name)) for name in self.given()}
        if "since" in given:
            given["since"] = _date(given["since"], "--since").isoformat()
        if "until" in given:
            given["until"] = (_date(given["until"], "--until") + timedelta(days=1)).isoformat()
        if "since" in given and "until" in given and given["since"] >= given["until"]:
            raise ExportError(f"--since {self.since} is after --until {self.until}")
        if "agency" in given:
            escaped = re.sub(r"([\\%_])", r"\\\1", given["agency"])
            given["agency_like"] = f"%{escaped}%"
        return given


def _date(value: str, flag: str) -> date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ExportError(f"{flag} takes a date as YYYY-MM-DD, not {value!r}")


@dataclass(frozen=True)
class ByRowid:
    """A query read in two steps: the rowids of its driving table's rows, in the query's
    order, then its rows for any list of those rowids (`:chosen`, JSON).
    Workers read their share of a large export this way (procarchive.export_shares)."""

    rowids: str  # the SQL of the rowids, with the query's parameters
    rows: str  # the SQL of the rows of the rowids `:chosen` (no other parameter), each
    # led by its rowid's place in that list, in no order


@dataclass(frozen=True)
class Query:
    sql: str
    params: dict[str, Any]
    json_columns: frozenset[str] = frozenset()  # JSON text that JSON exports embed as values
    relation: str | None = None  # the table or view it reads whole, if it does
    origins: dict[str, tuple[str, str]] = field(default_factory=dict)  # column: (table, column)
    searches: dict[str, str] = field(default_factory=dict)  # params read by fts_query: how given
    by_rowid: ByRowid | None = None


@dataclass(frozen=True)
class Dataset:
    source: str  # the FROM clause: its first table drives it (inner joins), its alias
    # qualifies plain column names
    columns: tuple[str, ...]
    conditions: dict[str, str]  # filter name -> SQL condition of the driving row, on the params
    order: str
    expressions: dict[str, str] = field(default_factory=dict)  # columns not `alias.name`
    json_columns: frozenset[str] = frozenset()

    def origins(self) -> dict[str, tuple[str, str]]:
        """The table or view, and its column, that each column is (those that are one)."""
        relations = dict(
            (alias, relation)
            for relation, alias in re.findall(r"(?:^|\bJOIN\s+)(\w+)\s+(\w+)", self.source)
        )
        alias = self.source.split()[1]
        found = {}
        for name in self.columns:
            if read := re.fullmatch(r"(\w+)\.(\w+)", self.expressions.get(name, f"{alias}.{name}")):
                found[name] = (relations[read[1]], read[2])
        return found

    def by_rowid(self, where: str) -> ByRowid:
        """The dataset read by its driving table's rowids. A row's filters are conditions of
        its driving row, so the rows of a rowid chosen need none (a full-text search is not
        run again for each list)."""
        table, alias, *joins = self.source.split(maxsplit=2)
        return ByRowid(
            f"SELECT {alias}.rowid FROM {self.source}{where} ORDER BY {self.order}",
            # No ORDER BY: SQLite would copy every row into a sorter (0.75 s for 100,000
            # articles, against 0.55 s for the reads). Each row leads with its rowid's place
            # in the list, to be put in order by the reader.
            f"SELECT chosen.key, {self.select()} FROM json_each(:chosen) AS chosen "
            f"CROSS JOIN {table} {alias} ON {alias}.rowid = chosen.value {' '.join(joins)}",
        )

    def select(self) -> str:
        alias = self.source.split()[1]
        return ", ".join(
            f"{self.expressions.get(name, f'{alias}.{name}')} AS {name}" for name in self.columns
        )


# The exported columns, in order: text last, for spreadsheets.
ARTICLE_COLUMNS = (
    "id", "url", "source", "title", "published_at", "year", "lang", "kind", "author",
    "reference", "agencies", "mirror_of", "mirror_status", "attributed_to",
    "first_seen_at", "last_seen_at", "gone_at", "gone_reason", "capture_id",
    "content_hash", "text",
)  # fmt: skip

MOU_COLUMNS = (
    "id", "signed_on", "signed_on_raw", "year", "parties", "party_list", "witnesses",
    "signatories", "place", "document_type", "renewal", "duration_months", "duration_text",
    "scope", "reports", "report_ids", "first_report_id", "title", "source", "published_at", "url",
)  # fmt: skip
REPORTS = "SELECT m.signing_id FROM mous m JOIN articles r ON r.id = m.article_id"

NOTICE_COLUMNS = (
    "id", "lpse", "category", "package_code", "name", "agency", "work_unit",
    "budget_year", "pagu", "hps", "realised", "procurement_type", "method",
    "contract_type", "qualification", "location", "rup_codes", "funding_source",
    "stage", "status", "note", "cancel_reason", "created_on", "announced_at",
    "completed_on", "url", "version", "first_seen_at", "last_seen_at",
    "last_changed_at", "gone_at", "gone_reason", "capture_id", "content_hash",
)  # fmt: skip

DOCUMENT_COLUMNS = (
    "id", "url", "kind", "title", "content_type", "size", "sha256", "pages",
    "needs_ocr", "problem", "first_seen_at", "last_seen_at", "superseded_at",
    "capture_id", "text",
)  # fmt: skip


def _fts(rowids_of: str, table: str) -> str:
    return (
        f"{rowids_of} IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH fts_query(:search))"
    )


DATASETS = {
    "articles": Dataset(
        source="articles a",
        columns=ARTICLE_COLUMNS,
        conditions={
            "since": "a.published_at >= :since",
            "until": "a.published_at < :until",
            "source": "a.source = :source",
            "agency": "a.id IN (SELECT article_id FROM article_agencies "
            "WHERE agency = :agency COLLATE NOCASE)",
            "search": _fts("a.rowid", "articles"),
        },
        order="a.published_at, a.rowid",
        json_columns=frozenset({"agencies"}),
    ),
    # One row a signing, however many articles report it; a filter holds when any report
    # meets it. Each report on its own: `mou_overview`.
    "mous": Dataset(
        source="mou_signings s JOIN articles a ON a.id = s.first_report_id "
        "JOIN mou_overview f ON f.article_id = s.first_report_id "
        "JOIN mous m ON m.article_id = s.first_report_id",
        columns=MOU_COLUMNS,
        conditions={
            "since": "s.signed_on >= :since",
            "until": "s.signed_on < :until",
            "source": f"s.id IN ({REPORTS} WHERE r.source = :source)",
            "agency": "s.id IN (SELECT m.signing_id FROM mous m JOIN mou_parties p ON "
            "p.article_id = m.article_id WHERE p.role = 'party' AND p.agency = :agency "
            "COLLATE NOCASE)",
            "search": f"s.id IN ({REPORTS} WHERE {_fts('r.rowid', 'articles')})",
        },
        order="s.signed_on, s.id",
        expressions={
            "signed_on_raw": "m.signed_on_raw",
            "witnesses": "f.witnesses",
            "duration_months": "f.duration_months",
            "duration_text": "m.duration_text",
            "scope": "f.scope",
            "title": "a.title",
            "source": "a.source",
            "published_at": "a.published_at",
            "url": "a.url",
        },
        json_columns=frozenset({"party_list", "report_ids"}),
    ),
    "notices": Dataset(
        source="notices n",
        columns=NOTICE_COLUMNS,
        conditions={
            "since": "n.announced_at >= :since",
            "until": "n.announced_at < :until",
            "source": "n.lpse = :source",
            "agency": "(n.agency LIKE :agency_like ESCAPE '\\' "
            "OR n.work_unit LIKE :agency_like ESCAPE '\\')",
            "search": _fts("n.rowid", "notices"),
        },
        order="n.announced_at, n.rowid",
        json_columns=frozenset({"rup_codes"}),
    ),
    "documents": Dataset(
        source="documents d",
        columns=DOCUMENT_COLUMNS,
        conditions={"search": _fts("d.rowid", "documents")},
        order="d.rowid",
    ),
}


def dataset_query(name: str, filters: Filters | None = None) -> Query:
    """The SELECT of a dataset, narrowed by the filters given."""
    dataset = DATASETS[name]
    where, params = narrowing(name, filters)
    sql = f"SELECT {dataset.select()} FROM {dataset.source}{where} ORDER BY {dataset.order}"
    return Query(
        sql, params, dataset.json_columns, origins=dataset.origins(), searches=searches(params),
        by_rowid=dataset.by_rowid(where),
    )  # fmt: skip


def searches(params: dict[str, str]) -> dict[str, str]:
    """The filter that is a full-text search, if given, and how (for an error message)."""
    return {"search": "--search "} if "search" in params else {}


def narrowing(name: str, filters: Filters | None) -> tuple[str, dict[str, str]]:
    """The WHERE clause (empty without filters) of a dataset, and its parameters."""
    conditions = DATASETS[name].conditions
    given = filters.given() if filters else []
    unsupported = [f"--{flag}" for flag in given if flag not in conditions]
    if unsupported:
        accepted = ", ".join(f"--{flag}" for flag in conditions)
        raise ExportError(
            f"{name} cannot be filtered by {', '.join(unsupported)} (only {accepted})"
        )
    if not filters or not given:
        return "", {}
    return " WHERE " + " AND ".join(conditions[flag] for flag in given), filters.params()


def refuse_filters(what: str, filters: Filters | None) -> None:
    """Filters only narrow the datasets; anything else would silently export everything."""
    given = filters.given() if filters else []
    if given:
        flags = ", ".join(f"--{name}" for name in given)
        raise ExportError(
            f"{flags}: filters apply to {', '.join(DATASETS)} (documents: --search only), "
            f"not to {what}"
        )
