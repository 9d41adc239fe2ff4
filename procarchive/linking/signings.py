"""One MoU signing, one record: the articles that report the same signing grouped into
`mou_signings` (after every crawl, and by `procarchive link-mirrors`).

A signing is reported many times: the agency's own news, its reposts on blogs and regional
sites, the partner's press release, a follow-up. Two reports are of one signing when one
is a repost of the other (mirror_links), or when both give the same signing date and
share its parties: two at least, or the only one a report names. Reports without a date
join a signing only as reposts.

The signing is named by its first report (the earliest published that is no repost), whose
date, place and parties it shows; `reports` counts them all. The table is derived and
rebuilt whole: the reports themselves stay in `mous`, each with its `signing_id`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from sqlite_utils import Database

from archive.links import replace_signings

REPORTS = """
SELECT m.article_id, m.signed_on, m.year, m.place, m.renewal, m.document_type,
  a.published_at, a.mirror_of
FROM mous m JOIN articles a ON a.id = m.article_id
"""


@dataclass(frozen=True)
class Report:
    article_id: str
    signed_on: str | None
    year: int | None
    place: str | None
    renewal: int | None
    document_type: str | None
    published_at: str | None
    mirror_of: str | None


class Groups:
    """Union-find over article ids."""

    def __init__(self, ids: list[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, i: str) -> str:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def same_parties(a: Iterable[str], b: Iterable[str]) -> bool:
    a, b = set(a), set(b)
    shared = {p.casefold() for p in a} & {p.casefold() for p in b}
    return len(shared) >= 2 or (bool(shared) and min(len(a), len(b)) == 1)


def group_signings(db: Database) -> int:
    """Rebuild `mou_signings` and every report's `signing_id`; the number of signings."""
    reports = {row[0]: Report(*row) for row in db.execute(REPORTS).fetchall()}
    parties: dict[str, dict[str, None]] = defaultdict(dict)  # in the report's order
    signatories: dict[str, list[str]] = defaultdict(list)
    for article_id, agency, role, person, title in db.execute(
        "SELECT article_id, agency, role, person, person_title FROM mou_parties ORDER BY id"
    ):
        if role == "party" and agency:
            parties[article_id][agency] = None
        elif role == "signatory" and person:
            signatories[article_id].append(f"{title} {person}" if title else person)
    groups = Groups(list(reports))
    for report in reports.values():
        if report.mirror_of and report.mirror_of in reports:
            groups.join(report.article_id, report.mirror_of)
    by_date: dict[str, list[str]] = defaultdict(list)
    for report in reports.values():
        if report.signed_on:
            by_date[report.signed_on].append(report.article_id)
    for ids in by_date.values():
        for a, b in combinations(ids, 2):
            if same_parties(parties[a], parties[b]):
                groups.join(a, b)
    members: dict[str, list[Report]] = defaultdict(list)
    for report in reports.values():
        members[groups.find(report.article_id)].append(report)
    rows = [signing_row(group, parties, signatories) for group in members.values()]
    replace_signings(db, rows)
    return len(rows)


def signing_row(
    group: list[Report], parties: dict[str, dict[str, None]], signatories: dict[str, list[str]]
) -> dict[str, object]:
    ids = {report.article_id for report in group}

    def order(report: Report) -> tuple[bool, str, str]:
        repost = report.mirror_of in ids
        return (repost, report.published_at or "9999", report.article_id)

    ordered = sorted(group, key=order)
    first = ordered[0]
    dated = next((r for r in ordered if r.signed_on), first)
    named = list(parties[first.article_id]) or sorted({p for i in ids for p in parties[i]})
    return {
        "id": first.article_id,
        "signed_on": dated.signed_on,
        "year": dated.year,
        "place": next((r.place for r in ordered if r.place), None),
        "renewal": max((r.renewal or 0) for r in ordered),
        "document_type": first.document_type,
        "parties": "; ".join(named),
        "party_list": json.dumps(named, ensure_ascii=False),
        "signatories": "; ".join(signatories[first.article_id]) or None,
        "first_report_id": first.article_id,
        "first_reported_at": first.published_at,
        "reports": len(ordered),
        "report_ids": json.dumps([r.article_id for r in ordered]),
    }
