"""Notices as the archive keeps them: the current state in `notices`, every state a crawl saw
in `notice_versions` (the first included), and the current schedule and awards beside them.

A notice's record is what its pages said: the labelled fields, RUP codes, schedule and
awards (winners, realisations, and the participants page's bidders, role "bidder", with the
evaluation page's marks on them: archive.evaluations). A part
the crawl could not read is carried over from the archived record, so a failed winner page
never reads as "the winner was withdrawn".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from archive import evaluations
from archive.articles import now
from archive.ids import notice_id
from scrapers.extract.spse import BIDDER
from scrapers.extract.stages import notice_status
from scrapers.items import NoticeItem
from scrapers.lpse import WIB, lpse_registry

FIELDS = (
    "name", "agency", "work_unit", "budget_year", "pagu", "hps", "realised", "procurement_type",
    "method", "contract_type", "qualification", "location", "stage", "note", "cancel_reason",
    "created_on", "completed_on",
)  # fmt: skip
SCHEDULE_COLUMNS = ("stage", "starts_at", "ends_at", "changes")
AWARD_COLUMNS = (
    "role", "supplier_name", "supplier_is_person", "npwp", "address", "offer",
    "corrected_price", "negotiated_price", "contract_value", "realised_on", "realisation_type",
    *evaluations.MARKS,
)  # fmt: skip
ANNOUNCEMENT_STAGES = ("pengumuman", "undangan")


def notice_record(item: NoticeItem, archived: dict[str, Any] | None) -> dict[str, Any]:
    """The notice as this crawl saw it, parts it could not read taken from `archived`."""
    record: dict[str, Any] = {name: item.fields.get(name) for name in FIELDS}
    record["rup_codes"] = sorted({row["kode rup"] for row in item.rup if row.get("kode rup")})
    record["funding_source"] = next(
        (row["sumber dana"] for row in item.rup if row.get("sumber dana")), None
    )
    if item.fields.get("labels"):  # only where the page has some: other hashes stay as they were
        record["labels"] = item.fields["labels"]
    record["schedule"] = _part(item, "schedule", item.schedule, archived, lambda row: True)
    # One list, three pages: the winner page's rows, the participants page's bidders and,
    # on them, the evaluation page's marks.
    archived_bidders = [
        row for row in (archived or {}).get("awards", []) if row.get("role") == BIDDER
    ]
    bidders, evaluation = item.bidders, item.evaluation
    if archived is not None and "participants" not in item.parts:
        bidders = evaluations.participants_of(archived_bidders)
    if archived is not None and "evaluation" not in item.parts:
        evaluation = evaluations.evaluation_of(archived_bidders)
    record["awards"] = [
        *_part(item, "awards", item.awards, archived, lambda row: row.get("role") != BIDDER),
        *evaluations.merge(bidders, evaluation),
    ]
    record["status"] = notice_status(record["stage"])
    opening = next(
        (
            row["starts_at"]
            for row in record["schedule"]
            if row["stage"].lower().startswith(ANNOUNCEMENT_STAGES)
        ),
        None,
    )
    record["announced_at"] = opening or record["created_on"]
    return record


def realisation_totals(record: dict[str, Any]) -> dict[str, Any]:
    """`realised` and `completed_on` as the notice's page states them; where it states none,
    the sum of its realisations' amounts (paid so far) and, once the package is complete, the
    date of the latest: a running package's last payment is no completion. A realisation
    counts once however many suppliers it lists: its rows repeat its type, amount and date
    one after another."""
    rows = [row for row in record.get("awards") or [] if row.get("role") == "realisation"]
    realisations = [
        key
        for position, key in enumerate(map(_realisation_key, rows))
        if position == 0 or key != _realisation_key(rows[position - 1])
    ]
    amounts = [amount for _, amount, _ in realisations if amount is not None]
    dates = [str(on)[:10] for _, _, on in realisations if on]
    stated_value, stated_date = record.get("realised"), record.get("completed_on")
    return {
        "realised": stated_value
        if stated_value not in (None, "")
        else sum(amounts)
        if amounts
        else None,
        "completed_on": stated_date
        or (max(dates) if dates and notice_status(record.get("stage")) == "complete" else None),
    }


def _realisation_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row.get("realisation_type"), row.get("contract_value"), row.get("realised_on"))


OFFSET = re.compile(r"T[\d:.]+([+-]\d{2}:\d{2})$")
DATE_ALONE = re.compile(r"\d{4}-\d{2}-\d{2}")


def announced_moment(value: str | None, offset: str) -> str | None:
    """`announced_at` as the notices table keeps it, one kind of value in the column: a full
    ISO 8601 date-time with the LPSE's UTC offset. A date alone (a package without an
    announcement stage is dated by its creation) is the start of that day at the LPSE, a
    time without an offset the LPSE's local time. The record keeps what SPSE said."""
    text = (value or "").strip()
    if not text:
        return None
    if DATE_ALONE.fullmatch(text):
        text += "T00:00:00"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text  # not a date: kept as read, never lost
    if moment.tzinfo is None:
        moment = datetime.fromisoformat(moment.isoformat(timespec="seconds") + offset)
    return moment.isoformat(timespec="seconds")


def local_offset(item: NoticeItem, record: dict[str, Any]) -> str:
    """The LPSE's UTC offset: the crawl's, else its schedule's, else the registry's, else WIB."""
    if item.timezone:
        return item.timezone
    for row in record.get("schedule") or []:
        for key in ("starts_at", "ends_at"):
            if found := OFFSET.search(str(row.get(key) or "")):
                return found[1]
    known = lpse_registry().get(item.lpse)
    return known.timezone if known else WIB


def _part(
    item: NoticeItem,
    part: str,
    read: list[dict[str, Any]],
    archived: dict[str, Any] | None,
    belongs: Callable[[dict[str, Any]], bool],
) -> list[dict[str, Any]]:
    """The rows of a part as read, or, where its page was not read, as archived."""
    if part in item.parts or archived is None:
        return read
    key = "schedule" if part == "schedule" else "awards"
    return [row for row in archived.get(key, []) if belongs(row)]


def record_hash(record: dict[str, Any]) -> str:
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The record's keys that changed; "bidders" where the participants page's rows did,
    "evaluation" where the evaluation page's marks did."""
    keys = {key for key in set(old) | set(new) if old.get(key) != new.get(key)}
    if "awards" in keys:
        before, after = _split_awards(old), _split_awards(new)
        split = {"awards"} if after["awards"] != before["awards"] else set()
        split |= evaluations.split_changes(before["bidders"], after["bidders"])
        keys = (keys - {"awards"}) | (split or {"awards"})  # or only their order changed
    return sorted(keys)


def _split_awards(record: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    rows = record.get("awards") or []
    return {
        "awards": [row for row in rows if row.get("role") != BIDDER],
        "bidders": [row for row in rows if row.get("role") == BIDDER],
    }


def write_notices(db: Database, items: list[NoticeItem], crawl_id: int | None) -> dict[str, int]:
    """Insert new notices, version changed ones, touch unchanged ones; one transaction."""
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    with db.atomic():
        for item in items:
            identifier = notice_id(item.lpse, item.category, item.package_code)
            seen_at = item.fetched_at or now()
            current = _current(db, identifier)
            archived = json.loads(current["record"]) if current and current["record"] else None
            record = notice_record(item, archived)
            digest = record_hash(record)
            if current and current["content_hash"] == digest and not current["gone_at"]:
                db.execute(
                    "UPDATE notices SET last_seen_at = ?, crawl_id = ? WHERE id = ?",
                    [seen_at, crawl_id, identifier],
                )
                counts["unchanged"] += 1
                continue
            version = (current["version"] if current else 0) + 1
            changes = changed_keys(archived, record) if archived else []
            if current and current["gone_at"]:
                changes.append("returned")
            row = {
                **{name: record[name] for name in FIELDS},
                **realisation_totals(record),  # the record keeps what the pages said
                "status": record["status"],
                "announced_at": announced_moment(
                    record["announced_at"], local_offset(item, record)
                ),
                "rup_codes": json.dumps(record["rup_codes"]),
                "funding_source": record["funding_source"],
                "url": item.url,
                "version": version,
                "content_hash": digest,
                "last_seen_at": seen_at,
                "last_changed_at": seen_at,
                "crawl_id": crawl_id,
                "capture_id": item.capture_id,
                "gone_at": None,
                "gone_reason": None,
            }
            if current:
                db.table("notices").update(identifier, row)
                counts["changed"] += 1
            else:
                base = {"lpse": item.lpse, "category": item.category}
                db.table("notices").insert(
                    {"id": identifier, **base, "package_code": item.package_code}
                    | row
                    | {"first_seen_at": seen_at}
                )
                counts["new"] += 1
            _keep_version(
                db, identifier, version, seen_at, crawl_id, item.capture_id, changes, record
            )
            if not current or "schedule" in changes:
                _replace(db, "notice_schedule", identifier, record["schedule"], SCHEDULE_COLUMNS)
            if not current or {"awards", "bidders", "evaluation"} & set(changes):
                earlier = _award_versions(db, identifier)
                rows = [
                    {**award, "since_version": earlier.get(_award_key(award), version)}
                    for award in record["awards"]
                ]
                _replace(db, "notice_awards", identifier, rows, (*AWARD_COLUMNS, "since_version"))
    return counts


def mark_notices_seen(db: Database, ids: list[str], crawl_id: int | None, at: str) -> int:
    """Notices a listing showed unchanged and settled: seen, not fetched again."""
    with db.atomic():
        cursor = db.conn.executemany(
            "UPDATE notices SET last_seen_at = ?, crawl_id = ? WHERE id = ? AND gone_at IS NULL",
            [(at, crawl_id, identifier) for identifier in ids],
        )
    return cursor.rowcount


def settled_notices(db: Database, lpses: list[str]) -> dict[str, str]:
    """id -> stage of the archived notices of these LPSEs that have settled (complete,
    cancelled, unsuccessful): a nightly crawl fetches them again only if their listing row
    shows another stage."""
    marks = ",".join("?" * len(lpses))
    return dict(
        db.execute(
            f"SELECT id, stage FROM notices WHERE lpse IN ({marks}) AND gone_at IS NULL "
            "AND status IN ('complete', 'cancelled', 'unsuccessful')",
            lpses,
        ).fetchall()
    )


def mark_notices_gone(
    db: Database, gone: list[tuple[str, str, str | None]], crawl_id: int | None, at: str
) -> int:
    """Notices whose announcement answered 404/410: kept, marked, and the mark versioned."""
    marked = 0
    with db.atomic():
        for identifier, reason, capture_id in gone:
            current = _current(db, identifier)
            if current is None or current["gone_at"]:
                continue
            version = current["version"] + 1
            record = json.loads(current["record"] or "{}")
            db.table("notices").update(
                identifier,
                {"gone_at": at, "gone_reason": reason, "version": version, "last_changed_at": at},
            )
            changes = [f"gone:{reason}"]
            _keep_version(db, identifier, version, at, crawl_id, capture_id, changes, record)
            marked += 1
    return marked


def _award_key(award: dict[str, Any]) -> tuple[Any, ...]:
    return (
        award.get("role"),
        award.get("supplier_name"),
        award.get("npwp"),
        award.get("realised_on"),
    )


def _award_versions(db: Database, identifier: str) -> dict[tuple[Any, ...], int]:
    """The version in which each of the notice's current award rows first appeared."""
    return {
        _award_key(row): row["since_version"]
        for row in db.query("SELECT * FROM notice_awards WHERE notice_id = ?", [identifier])
    }


def _current(db: Database, identifier: str) -> dict[str, Any] | None:
    rows = list(
        db.query(
            "SELECT n.content_hash, n.version, n.gone_at, v.record FROM notices n "
            "LEFT JOIN notice_versions v ON v.notice_id = n.id AND v.version = n.version "
            "WHERE n.id = ?",
            [identifier],
        )
    )
    return rows[0] if rows else None


def _keep_version(
    db: Database,
    identifier: str,
    version: int,
    seen_at: str,
    crawl_id: int | None,
    capture_id: str | None,
    changes: list[str],
    record: dict[str, Any],
) -> None:
    db.table("notice_versions").insert(
        {
            "notice_id": identifier, "version": version, "seen_at": seen_at,
            "crawl_id": crawl_id, "capture_id": capture_id, "changes": json.dumps(changes),
            "stage": record.get("stage"), "status": record.get("status"),
            "hps": record.get("hps"), "pagu": record.get("pagu"),
            "record": json.dumps(record, ensure_ascii=False, sort_keys=True),
        }
    )  # fmt: skip


def _replace(
    db: Database, table: str, identifier: str, rows: list[dict[str, Any]], columns: tuple[str, ...]
) -> None:
    """The notice's current rows of `table`; earlier ones stay in its versions' records."""
    db.execute(f"DELETE FROM {table} WHERE notice_id = ?", [identifier])
    if rows:
        db.table(table).insert_all(
            {"notice_id": identifier, "position": position, **{c: row.get(c) for c in columns}}
            for position, row in enumerate(rows, 1)
        )
