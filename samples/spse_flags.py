"""Sample tenders shaped for the red flags that are about time and history (archive/flags.py),
beside the bid cases of spse_evaluation: a short submission period, and a cancelled package
tendered again under its name. Made of running tenders whose winner is not yet announced,
so the bid cases (made of announced winners) are left as they are."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from samples.spse_content import Package, vocabulary

UPLOAD = "Upload Dokumen Penawaran"


def shape_flags(packages: list[Package]) -> None:
    running = _running_tenders(packages)
    # (f) the bids due 4 days after the announcement opens: flagged (tenders need 7 days);
    # every other tender's upload closes 8 or more days after it opens.
    short = next(p for p in running if p.method == "Tender")
    names = [stage.name for stage in short.schedule]
    upload = names.index(UPLOAD)
    opens = short.schedule[0].start
    closes = opens + timedelta(days=4, hours=2)
    short.schedule[upload] = replace(
        short.schedule[upload], start=min(short.schedule[upload].start, opens), end=closes
    )
    # (g) a tender cancelled, then tendered again by the same work unit under the same name
    # (a new code, created later): flagged; every other tender has no cancelled namesake.
    rest = [p for p in running if p is not short]
    cancelled = rest[0]
    again = next(p for p in rest[1:] if p.lpse == cancelled.lpse and p.created > cancelled.created)
    cancelled.cancel_reason = vocabulary()["cancellations"][0]
    again.name, again.work_unit, again.agency = (
        cancelled.name,
        cancelled.work_unit,
        cancelled.agency,
    )


def _running_tenders(packages: list[Package]) -> list[Package]:
    named = {str(row["code"]) for row in vocabulary()["named_packages"]}
    found = [
        p
        for p in packages
        if p.category == "tender"
        and p.in_progress
        and not p.winner_shown
        and p.code not in named
        and UPLOAD in [stage.name for stage in p.schedule]
    ]
    return sorted(found, key=lambda p: (p.lpse, p.code))
