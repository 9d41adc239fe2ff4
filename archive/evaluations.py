"""A tender's evaluation marks on its bidders: the evaluation page's rows (`hasil`) joined to
the participants page's (`peserta`) by NPWP, else by name, so that each bidder is one row of
`notice_awards`. A bidder the evaluation lists but the participants page does not is kept,
marked `only_in_evaluation`.

Either page may fail in a crawl while the other is read: `participants_of` and
`evaluation_of` take each back out of an archived record's bidder rows, so that the part not
read is carried over as archived (archive.notices)."""

from __future__ import annotations

import re
from typing import Any

# What the evaluation page adds to a bidder (spse.parse_evaluation's keys).
MARKS = (
    "passed_qualification", "passed_verification", "passed_administration",
    "passed_technical", "passed_price", "is_winner", "is_contract_winner", "fail_reason",
)  # fmt: skip
ONLY_IN_EVALUATION = "only_in_evaluation"
# An evaluation row of a bidder the participants page does not list: what it says of it.
BIDDER_KEYS = ("role", "supplier_name", "npwp", "offer", "corrected_price", "supplier_is_person")
NOT_A_NAME = re.compile(r"[^\w]+")


def merge(bidders: list[dict[str, Any]], evaluation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The participants with their marks, in the participants page's order, then those only
    the evaluation lists. Without an evaluation the participants are returned as they are
    (their records, and so their hashes, stay as before)."""
    merged = [dict(row) for row in bidders]
    unmatched = list(range(len(merged)))
    extra = []
    for row in evaluation:
        found = _match(row, merged, unmatched)
        marks = {mark: row.get(mark) for mark in MARKS}
        if found is None:
            extra.append({**{key: row.get(key) for key in BIDDER_KEYS}, **marks,
                          ONLY_IN_EVALUATION: True})  # fmt: skip
            continue
        unmatched.remove(found)
        merged[found].update(marks)
    return merged + extra


def participants_of(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The participants page's rows among merged bidder rows."""
    return [
        {key: value for key, value in row.items() if key not in MARKS}
        for row in rows
        if not row.get(ONLY_IN_EVALUATION)
    ]


def evaluation_of(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The evaluation page's rows among merged bidder rows (those that carry marks)."""
    return [
        {**{key: row.get(key) for key in BIDDER_KEYS}, **{mark: row.get(mark) for mark in MARKS}}
        for row in rows
        if any(mark in row for mark in MARKS)
    ]


def split_changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> set[str]:
    """What changed among a notice's bidder rows: "bidders" (the participants page's rows),
    "evaluation" (the marks), both, or neither."""
    changed = set()
    if participants_of(before) != participants_of(after):
        changed.add("bidders")
    if evaluation_of(before) != evaluation_of(after):
        changed.add("evaluation")
    return changed


def normalized_name(name: str | None) -> str:
    """ "PT. Karya  Bangun" and "PT KARYA BANGUN" are one name."""
    return " ".join(NOT_A_NAME.sub(" ", (name or "").casefold()).split())


def _digits(npwp: str | None) -> str:
    return "".join(ch for ch in npwp or "" if ch.isdigit())


def _match(row: dict[str, Any], bidders: list[dict[str, Any]], free: list[int]) -> int | None:
    """The participant an evaluation row is: the same NPWP, else the same name."""
    npwp = _digits(row.get("npwp"))
    if npwp:
        found = next((i for i in free if _digits(bidders[i].get("npwp")) == npwp), None)
        if found is not None:
            return found
    name = normalized_name(row.get("supplier_name"))
    return next(
        (
            i
            for i in free
            if name
            and normalized_name(bidders[i].get("supplier_name")) == name
            and not (npwp and _digits(bidders[i].get("npwp")))  # two NPWPs that differ
        ),
        None,
    )
