"""Datasette plugin: a notice's reading page (templates/row-archive-notices.html): the
package, its schedule (notice_schedule) as a timeline of stages, and every version a crawl
saw (notice_versions) as a timeline of what changed, each change said in words with the
value before and after ("stage: Pengumuman → Evaluasi", "HPS: Rp 1.200.000.000 → Rp
1.100.000.000", "schedule: Evaluasi Penawaran ends 12 May 2026 → 15 May 2026", "winner: PT
Beton Lestari Abadi"). Self-contained: Datasette loads plugins outside sys.modules.

What the page shows comes from the database as served: `serve --without-sensitive` and
`--public` serve a copy whose names and tax numbers are already masked; the page leaves out
NPWPs and addresses in any case.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted

from archive.flags import LABELS as FLAG_LABELS

AMOUNTS = frozenset(
    {"pagu", "hps", "realised", "offer", "corrected_price", "negotiated_price", "contract_value"}
)
LABELS = {  # the record's keys as a reader says them (others: the key, _ as spaces)
    "hps": "HPS", "pagu": "Pagu", "realised": "Realised", "stage": "Stage", "status": "Status",
    "name": "Name", "agency": "Agency", "work_unit": "Work unit", "budget_year": "Budget year",
    "procurement_type": "Procurement type", "method": "Method", "contract_type": "Contract type",
    "qualification": "Qualification", "location": "Location", "note": "Note",
    "cancel_reason": "Reason for cancellation", "created_on": "Created", "completed_on": "Completed",
    "announced_at": "Announced", "rup_codes": "RUP codes", "funding_source": "Funding source",
    "labels": "Page labels",
}  # fmt: skip
# The evaluation page's marks, in its column order (K B A T H), as the notice page shows them.
EVALUATION_MARKS = (
    ("passed_qualification", "K"), ("passed_verification", "B"),
    ("passed_administration", "A"), ("passed_technical", "T"), ("passed_price", "H"),
)  # fmt: skip
AWARD_ROLES = {"winner": "Winner", "reserve": "Reserve winner", "realisation": "Realisation",
               "bidder": "Bidder"}  # fmt: skip
FIRST_SEEN = ("stage", "status", "hps", "pagu")  # what a first version's line says


def rupiah(value: Any) -> str:
    if not isinstance(value, int) or isinstance(value, bool):
        return "" if value is None else str(value)
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {abs(value):,}".replace(",", ".")


def shown(key: str, value: Any) -> str:
    """A record value in words: rupiah for amounts, lists joined, empty as "(none)"."""
    if value is None or value == "" or value == []:
        return "(none)"
    if key in AMOUNTS:
        return rupiah(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return moment(value) if key.endswith(("_at", "_on")) else str(value)


def moment(value: Any) -> str:
    """An ISO date or date-time, short: "12 May 2026", "12 May 2026 16:00"."""
    text = str(value or "")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    day = f"{parsed.day} {parsed.strftime('%b')} {parsed.year}"
    return day if len(text) == 10 else f"{day} {parsed.strftime('%H:%M')}"


def label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def change(key: str, before: Any, after: Any) -> dict[str, str]:
    return {"what": label(key), "before": shown(key, before), "after": shown(key, after)}


def schedule_changes(
    before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> list[dict[str, str]]:
    """The stages whose dates moved, and the stages added or dropped, in the new order."""
    old = {row.get("stage"): row for row in before or []}
    new = {row.get("stage"): row for row in after or []}
    found = []
    for stage, row in new.items():
        previous = old.get(stage)
        if previous is None:
            found.append({"what": f"Schedule: {stage}", "note": "stage added",
                          "after": f"{moment(row.get('starts_at'))} – {moment(row.get('ends_at'))}"})  # fmt: skip
            continue
        for edge, word in (("starts_at", "starts"), ("ends_at", "ends")):
            if previous.get(edge) != row.get(edge):
                found.append({"what": f"Schedule: {stage} {word}",
                              "before": moment(previous.get(edge)), "after": moment(row.get(edge))})  # fmt: skip
    found += [
        {"what": f"Schedule: {stage}", "note": "stage dropped"} for stage in old if stage not in new
    ]
    return found


def award_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row.get("role"), row.get("supplier_name"))


def award_line(row: dict[str, Any]) -> str:
    amount = next((row.get(k) for k in ("negotiated_price", "corrected_price", "offer",
                                        "contract_value") if row.get(k) is not None), None)  # fmt: skip
    return f"{row.get('supplier_name') or '(no name)'}" + (
        f" ({rupiah(amount)})" if amount is not None else ""
    )


def award_changes(
    before: list[dict[str, Any]], after: list[dict[str, Any]], bidders: bool
) -> list[dict[str, str]]:
    """Winners, reserves and realisations (or, with `bidders`, the participants) that
    appeared, left or changed their prices."""

    def wanted(row: dict[str, Any]) -> bool:
        return (row.get("role") == "bidder") == bidders

    old = {award_key(row): row for row in before or [] if wanted(row)}
    new = {award_key(row): row for row in after or [] if wanted(row)}
    found = []
    for key, row in new.items():
        role = AWARD_ROLES.get(str(row.get("role")), str(row.get("role")))
        if key not in old:
            found.append({"what": role, "note": "added", "after": award_line(row)})
        elif award_line(old[key]) != award_line(row):
            found.append({"what": role, "before": award_line(old[key]), "after": award_line(row)})
    for key, row in old.items():
        if key not in new:
            role = AWARD_ROLES.get(str(row.get("role")), str(row.get("role")))
            found.append({"what": role, "note": "no longer listed", "before": award_line(row)})
    return found


def version_changes(
    previous: dict[str, Any] | None, record: dict[str, Any], changes: list[str]
) -> list[dict[str, str]]:
    """What a version changed, each change in words (the first version: what it showed)."""
    if previous is None:
        return [change(key, None, record.get(key)) | {"before": ""}
                for key in FIRST_SEEN if record.get(key) is not None]  # fmt: skip
    found: list[dict[str, str]] = []
    for key in changes:
        if key.startswith("gone:"):
            found.append(
                {
                    "what": "Gone",
                    "note": f"the announcement page answered {key[5:].replace('http_', 'HTTP ')}",
                }
            )
        elif key == "returned":
            found.append({"what": "Back", "note": "the announcement page answers again"})
        elif key == "schedule":
            found += schedule_changes(previous.get("schedule") or [], record.get("schedule") or [])
        elif key in ("awards", "bidders"):
            found += award_changes(previous.get("awards") or [], record.get("awards") or [],
                                   bidders=key == "bidders")  # fmt: skip
        else:
            found.append(change(key, previous.get(key), record.get(key)))
    return found


def timeline(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The versions, oldest first, each with its changes in words."""
    found, previous = [], None
    for version in versions:
        try:
            record = json.loads(version["record"] or "{}")
            changes = json.loads(version["changes"] or "[]")
        except ValueError:  # a record written by hand, damaged: shown without its changes
            record, changes = {}, []
        found.append({**version, "changes": version_changes(previous, record, changes),
                      "changed": changes})  # fmt: skip
        previous = record
    return found


def schedule_rows(rows: list[dict[str, Any]], stage: str | None) -> list[dict[str, Any]]:
    """The schedule's stages in order; the notice's current stage marked."""
    current = (stage or "").strip().lower()
    return [{**row, "current": bool(current) and (row["stage"] or "").strip().lower() == current}
            for row in rows]  # fmt: skip


@hookimpl
def extra_template_vars(template: str, database: str | None, table: str | None,
                        request: Any, datasette: Any) -> Any:  # fmt: skip
    async def variables() -> dict[str, Any]:
        if not (template.startswith("row") and database and table == "notices" and request):
            return {}
        from datasette.utils import urlsafe_components

        keys = urlsafe_components(request.url_vars.get("pks") or "")
        if len(keys) != 1:
            return {}
        return {"notice_page": await notice_page(datasette, database, keys[0])}

    return variables


def evaluation_line(row: dict[str, Any]) -> str:
    """A bidder's evaluation marks as the page prints them: "K ✓ A ✓ T ✗ (reason)"; empty
    when the evaluation page was not read or did not evaluate it."""
    shown = [
        f"{letter} {'✓' if row[mark] else '✗'}"
        for mark, letter in EVALUATION_MARKS
        if row.get(mark) is not None
    ]
    reason = row.get("fail_reason")
    return " ".join(shown) + (f" ({reason})" if reason and shown else "")


async def flags(db: Any, key: str) -> dict[str, Any]:
    """The notice's red flags (notice_flags), flagged first; the view reads every notice
    of the archive, so a busy server may run out of time: the page then says so."""
    try:
        found = await db.execute(
            "select indicator, value, threshold, flagged, detail from notice_flags "
            "where notice_id = ? order by flagged desc, indicator",
            [key],
        )
    except QueryInterrupted:
        return {"rows": [], "interrupted": True}
    rows = [
        {**dict(row), "label": FLAG_LABELS.get(row["indicator"], row["indicator"])} for row in found
    ]
    return {"rows": rows, "interrupted": False}


async def notice_page(datasette: Any, database: str, key: str) -> dict[str, Any]:
    db = datasette.get_database(database)
    found = (await db.execute("select * from notices where id = ?", [key])).first()
    if found is None:
        return {}
    notice = dict(found)

    async def rows(sql: str) -> list[dict[str, Any]]:
        return [dict(row) for row in await db.execute(sql, [key])]

    versions = await rows(
        "select version, seen_at, crawl_id, capture_id, changes, stage, status, hps, record "
        "from notice_versions where notice_id = ? order by version"
    )
    try:
        rup_codes = json.loads(notice.get("rup_codes") or "[]")
    except ValueError:
        rup_codes = []
    config = datasette.plugin_config("procarchive") or {}
    return {
        "notice": notice,
        "lpse_name": (config.get("lpse_names") or {}).get(notice["lpse"]),
        "amounts": {
            k: rupiah(notice.get(k))
            for k in ("hps", "pagu", "realised")
            if notice.get(k) is not None
        },
        "rup_codes": rup_codes,
        "schedule": schedule_rows(
            await rows("select * from notice_schedule where notice_id = ? order by position"),
            notice.get("stage"),
        ),
        "versions": timeline(versions),
        "awards": [
            {
                **row,
                "role_name": AWARD_ROLES.get(row["role"], row["role"]),
                "evaluation": evaluation_line(row),
                **{f"{k}_rp": rupiah(row.get(k)) for k in AMOUNTS if k in row},
            }
            for row in await rows(
                "select role, supplier_name, offer, corrected_price, negotiated_price, "
                "contract_value, realised_on, realisation_type, since_version, "
                "passed_qualification, passed_verification, passed_administration, "
                "passed_technical, passed_price, fail_reason from notice_awards "
                "where notice_id = ? order by case role when 'winner' then 0 when 'reserve' "
                "then 1 when 'realisation' then 2 else 3 end, position, id"
            )
        ],
        "flags": await flags(db, key),
        "documents": await rows(
            "select l.document_url, l.link_text, d.id, d.title, d.kind, d.pages, d.problem "
            "from document_links l left join documents d on d.id = (select id from documents "
            "where url = l.document_url order by first_seen_at desc, rowid desc limit 1) "
            "where l.parent_type = 'notice' and l.parent_id = ?"
        ),
        "articles": await rows(
            "select a.id, a.title, a.source, a.published_at, l.matched_on from article_notices l "
            "join articles a on a.id = l.article_id where l.notice_id = ? order by a.published_at"
        ),
    }
