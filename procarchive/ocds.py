"""SPSE notices as OCDS 1.1: one release a notice version, records compiled with ocdsmerge,
and validation against the OCDS 1.1.5 schema shipped in data/ocds (never fetched).

Pure: dicts in, dicts out. docs/ocds.md maps every field and says why.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

import ocdsmerge

from archive.ids import notice_id
from procarchive.ocds_schema import EXTENSIONS, load_schema, validate_package
from procarchive.sensitive import PERSON
from scrapers.extract.stages import notice_status

__all__ = [
    "EXTENSIONS",
    "load_schema",
    "validate_package",
]  # the package's validation, with the rest

OCDS_VERSION = "1.1"
DEFAULT_PREFIX = "ocds-prcrch"  # not registered: for trying the export, not for publishing
PREFIX = re.compile(r"ocds-[a-z0-9]{6}")
CURRENCY = "IDR"
LOCAL_OFFSET = "+07:00"  # WIB, for date-only values when the record shows no offset
NPWP_SCHEME = "ID-DJP"  # org-id.guide: Indonesian Directorate General of Taxes, issuer of NPWPs
IDENTITY = ("lpse", "lpse_name", "category", "package_code", "url")

# SPSE method phrase -> method codelist; first match wins. Swakelola has no method.
METHODS = (
    ("swakelola", None),
    ("dikecualikan", None),
    ("pemilihan langsung", "limited"),
    ("penunjukan langsung", "direct"),
    ("pengadaan langsung", "direct"),
    ("darurat", "direct"),
    ("purchasing", "limited"),
    ("tender", "open"),
    ("lelang", "open"),
    ("seleksi", "open"),
    ("sayembara", "open"),
    ("kontes", "open"),
)
# Schedule stage word -> milestoneType (OCDS 1.1 codelist); other stages carry no type.
MILESTONE_TYPES = (
    ("penjelasan", "engagement"),
    ("kontrak", "approval"),
    ("penunjukan", "approval"),
    ("evaluasi", "assessment"),
    ("pembuktian", "assessment"),
    ("klarifikasi", "assessment"),
    ("negosiasi", "assessment"),
    ("penetapan", "assessment"),
)
AWARDED_ROLES = ("winner", "realisation")
STOPPED = ("cancelled", "unsuccessful", "withdrawn")
# The stage that opens a tender to bids (Pengumuman Pascakualifikasi, Undangan Pengadaan
# Langsung...), not the announcement of its winner or of a qualification's result.
ANNOUNCEMENT = ("pengumuman", "undangan")
NOT_THE_ANNOUNCEMENT = ("pemenang", "hasil")
# A bidder's evaluation marks (the evaluation page's K B A T H); a False is a failed one.
EVALUATION_MARKS = (
    "passed_qualification", "passed_verification", "passed_administration",
    "passed_technical", "passed_price",
)  # fmt: skip


def ocid(prefix: str, lpse: str, category: str, package_code: str) -> str:
    """The prefix and the notice's archive id: SPSE numbers each category on its own."""
    if not PREFIX.fullmatch(prefix):
        raise ValueError(f"an ocid prefix is 'ocds-' and 6 lowercase letters or digits: {prefix!r}")
    return f"{prefix}-{notice_id(lpse, category, package_code)}"


def tender_status(stage: str | None, fallback: str | None = None) -> str | None:
    """The tenderStatus code for an SPSE stage ("Tender Batal" -> "cancelled"), as the
    archive's notices.status has it; `fallback` without a stage."""
    return notice_status(stage) or fallback


def procurement_method(method: str | None, category: str | None, prequalified: bool) -> str | None:
    """The method codelist code for an SPSE method; None for swakelola (not a procurement)."""
    if category == "swakelola" or not method:
        return None
    lowered = method.lower()
    code = next((code for phrase, code in METHODS if phrase in lowered), None)
    return "selective" if code == "open" and prequalified else code


def procurement_category(procurement_type: str | None) -> tuple[str | None, list[str]]:
    """mainProcurementCategory and additionalProcurementCategories for an SPSE jenis."""
    lowered = (procurement_type or "").lower()
    if "konsultansi" in lowered:
        return "services", ["consultingServices"]
    if "jasa" in lowered:
        return "services", []
    if "konstruksi" in lowered or "terintegrasi" in lowered:
        return "works", []
    if "barang" in lowered:
        return "goods", []
    return None, []


def release(
    notice_version: Mapping[str, Any],
    prefix: str = DEFAULT_PREFIX,
    include_sensitive: bool = False,
    *,
    previous: Mapping[str, Any] | None = None,
    notice: Mapping[str, Any] | None = None,
    reached: str | None = None,
) -> dict[str, Any]:
    """One OCDS release for one notice version. `previous` is the release of the version
    before (for the tags); `notice` supplies identity fields (lpse, package_code, url...)
    that the version's record lacks; `reached` is the last stage an earlier version saw the
    package running at (where a cancelled one stopped)."""
    record = dict(notice_version["record"])
    for key in IDENTITY:
        if record.get(key) is None and notice is not None:
            record[key] = notice.get(key)
    if not record.get("lpse") or not record.get("package_code"):
        raise ValueError("a notice version needs its lpse and package_code")
    offset = _local_offset(record)
    seen = _moment(notice_version["seen_at"], "+00:00")
    if seen is None:
        raise ValueError(f"seen_at is not a date: {notice_version['seen_at']!r}")
    schedule = [row for row in record.get("schedule") or [] if row.get("stage")]
    changes = [str(change) for change in notice_version.get("changes") or []]
    status = tender_status(record.get("stage"), record.get("status"))
    announced = _moment(record.get("announced_at"), offset)
    if status == "active" and announced is not None and announced > seen:
        status = "planned"
    if any(change.startswith("gone:") for change in changes):
        status = "withdrawn"  # SPSE stopped serving the notice (404/410)

    parties = _Parties(record["lpse"], include_sensitive)
    buyer, entity = parties.buyer_and_entity(record.get("agency"), record.get("work_unit"))
    bids = _bids(record, parties)
    awards = _awards(record, schedule, status, seen, offset, parties)
    _relate_bids(record, awards, bids)
    tender = _tender(record, schedule, status, seen, offset, entity, reached)
    if bids:
        tender["numberOfTenderers"] = len(bids["details"])
    version = int(notice_version["version"])
    return _compact(
        {
            "ocid": ocid(prefix, record["lpse"], record["category"], record["package_code"]),
            "id": f"{record['package_code']}-v{version}",
            "date": seen.astimezone(UTC).isoformat(timespec="seconds"),
            "tag": _tags(tender.get("status"), awards, previous, version, changes),
            "initiationType": "tender",
            "language": "id",
            "parties": parties.listed(),
            "buyer": buyer,
            "planning": _planning(record),
            "tender": tender,
            "bids": bids,
            "awards": awards,
        }
    )


def releases(
    versions: Iterable[Mapping[str, Any]],
    prefix: str = DEFAULT_PREFIX,
    include_sensitive: bool = False,
    *,
    notice: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The releases of one notice's versions, oldest first."""
    built: list[dict[str, Any]] = []
    reached: str | None = None
    for version in sorted(versions, key=lambda v: int(v["version"])):
        previous = built[-1] if built else None
        built.append(
            release(
                version, prefix, include_sensitive, previous=previous, notice=notice,
                reached=reached,
            )
        )  # fmt: skip
        stage = version["record"].get("stage")
        if tender_status(stage) == "active":
            reached = stage
    return built


def release_package(
    releases: Sequence[Mapping[str, Any]],
    uri: str,
    published_date: str,
    publisher_name: str,
    license: str | None = None,
    publication_policy: str | None = None,
) -> dict[str, Any]:
    return _package(
        "releases", list(releases), uri, published_date, publisher_name, license,
        publication_policy,
    )  # fmt: skip


def compiled_record(
    ocid: str, releases: Sequence[Mapping[str, Any]], package_uri: str | None = None
) -> dict[str, Any]:
    """A record: the releases (embedded, or linked into the release package at
    `package_uri`) and the compiled release that ocdsmerge makes of them."""
    if not releases or any(item["ocid"] != ocid for item in releases):
        raise ValueError(f"a record needs releases, all of them for {ocid}")
    ordered = sorted((dict(item) for item in releases), key=lambda item: item["date"])
    listed: list[dict[str, Any]] = (
        [
            {"url": f"{package_uri}#{item['id']}", "date": item["date"], "tag": item["tag"]}
            for item in ordered
        ]
        if package_uri
        else ordered
    )
    return {
        "ocid": ocid,
        "releases": listed,
        "compiledRelease": _merger().create_compiled_release(ordered),
    }


def record_package(
    records: Sequence[Mapping[str, Any]],
    uri: str,
    published_date: str,
    publisher_name: str,
    license: str | None = None,
    publication_policy: str | None = None,
    packages: Sequence[str] = (),
) -> dict[str, Any]:
    package = _package(
        "records", list(records), uri, published_date, publisher_name, license,
        publication_policy,
    )  # fmt: skip
    if packages:
        package["packages"] = list(packages)
    return package


# --- parties ---------------------------------------------------------------------------


class _Parties:
    """The parties of one release, merged by id, with their references."""

    def __init__(self, lpse: str, include_sensitive: bool) -> None:
        self.lpse = lpse
        self.include_sensitive = include_sensitive
        self.by_id: dict[str, dict[str, Any]] = {}
        self.people: dict[str, int] = {}

    def buyer_and_entity(
        self, agency: str | None, work_unit: str | None
    ) -> tuple[dict[str, str] | None, dict[str, str] | None]:
        """The buyer (the K/L/PD) and procuring entity (its satker). Without a satker, the
        K/L/PD is both."""
        if not agency:
            if not work_unit:
                return None, None
            return None, self.add(self._id(work_unit), work_unit, "procuringEntity")
        buyer = self.add(self._id(agency), agency, "buyer")
        if not work_unit:
            return buyer, self.add(buyer["id"], agency, "procuringEntity")
        return buyer, self.add(f"{buyer['id']}-{_slug(work_unit)}", work_unit, "procuringEntity")

    def supplier(self, row: Mapping[str, Any], role: str) -> dict[str, str] | None:
        name = row.get("supplier_name")
        if not name:
            return None
        hidden = bool(row.get("supplier_is_person")) and not self.include_sensitive
        if hidden:
            number = self.people.setdefault(name, len(self.people) + 1)
            party_id, shown = f"{self.lpse}-perorangan-{number}", PERSON
        else:
            party_id, shown = self._id(name), name
        details: dict[str, Any] = {}
        written = row.get("npwp") or ""
        digits = re.sub(r"\D", "", written)
        if self.include_sensitive and len(digits) in (15, 16) and "*" not in written:
            details["identifier"] = {"scheme": NPWP_SCHEME, "id": digits}
        if row.get("address") and not hidden:
            details["address"] = {"streetAddress": row["address"]}
        return self.add(party_id, shown, role, **details)

    def add(self, party_id: str, name: str, role: str, **details: Any) -> dict[str, str]:
        party = self.by_id.setdefault(party_id, {"id": party_id, "name": name, "roles": []})
        if role not in party["roles"]:
            party["roles"].append(role)
        for key, value in details.items():
            party.setdefault(key, value)
        return {"id": party_id, "name": name}

    def listed(self) -> list[dict[str, Any]]:
        return list(self.by_id.values())

    def _id(self, name: str) -> str:
        return f"{self.lpse}-{_slug(name)}"


# --- sections ----------------------------------------------------------------------------


def _planning(record: Mapping[str, Any]) -> dict[str, Any] | None:
    source, year = record.get("funding_source"), record.get("budget_year")
    description = ", ".join(
        part for part in (source, f"tahun anggaran {year}" if year else None) if part
    )
    budget = _compact(
        {
            "id": ", ".join(record.get("rup_codes") or []) or None,
            "description": description[:1].upper() + description[1:] or None,
            "amount": _value(record.get("pagu")),
        }
    )
    return {"budget": budget} if budget else None


def _tender(
    record: Mapping[str, Any],
    schedule: list[Mapping[str, Any]],
    status: str | None,
    seen: datetime,
    offset: str,
    entity: dict[str, str] | None,
    reached: str | None = None,
) -> dict[str, Any]:
    stages = [row["stage"].lower() for row in schedule] + [(record.get("stage") or "").lower()]
    prequalified = any("prakualifikasi" in stage for stage in stages)
    main, additional = procurement_category(record.get("procurement_type"))
    submission = _find(schedule, "penawaran", ("upload", "pemasukan", "kirim"))
    after_submission = schedule[_index(schedule, submission) + 1 :] if submission else []
    evaluation = _find(after_submission, "evaluasi")
    decision = _decision(schedule)
    award_period = _compact(
        {
            "startDate": _datetime((evaluation or {}).get("starts_at"), offset),
            "endDate": _datetime((decision or {}).get("ends_at"), offset),
        }
    )
    return _compact(
        {
            "id": str(record["package_code"]),
            "title": record.get("name"),
            "status": status,
            "procuringEntity": entity,
            "value": _value(record.get("hps")),
            "procurementMethod": procurement_method(
                record.get("method"), record.get("category"), prequalified
            ),
            "procurementMethodDetails": record.get("method"),
            "mainProcurementCategory": main,
            "additionalProcurementCategories": additional,
            "tenderPeriod": _tender_period(record, schedule, submission, offset),
            "enquiryPeriod": _period(_clarification(schedule), offset),
            "awardPeriod": award_period,
            "milestones": _milestones(
                schedule,
                _stage_reached(record.get("stage"), status, reached),
                status,
                seen,
                offset,
            ),
            "documents": _notice_document(record, offset),
        }
    )


def _milestones(
    schedule: list[Mapping[str, Any]],
    stage: str | None,
    status: str | None,
    seen: datetime,
    offset: str,
) -> list[dict[str, Any]]:
    """One milestone a schedule stage, its status from where the package stands in the
    schedule (SPSE's current `stage`, or where a stopped one stood), never from the
    clock alone: see _stage_statuses."""
    dues = [_moment(row.get("ends_at") or row.get("starts_at"), offset) for row in schedule]
    statuses = _stage_statuses(schedule, dues, stage, status, seen)
    milestones = []
    used: set[str] = set()
    for row, due, milestone_status in zip(schedule, dues, statuses, strict=True):
        milestone_id = base = _slug(row["stage"]) or "tahap"
        number = 1
        while milestone_id in used:
            number += 1
            milestone_id = f"{base}-{number}"
        used.add(milestone_id)
        milestone: dict[str, Any] = {
            "id": milestone_id,
            "title": row["stage"],
            "type": next((kind for word, kind in MILESTONE_TYPES if word in _low(row)), None),
            "dueDate": due.isoformat() if due else None,
            "dateModified": seen.astimezone(UTC).isoformat(timespec="seconds"),
            "status": milestone_status,
        }
        if milestone_status == "met" and due is not None:
            milestone["dateMet"] = min(due, seen).isoformat()  # met by the time it was seen
        milestones.append(_compact(milestone))
    return milestones


def _stage_statuses(
    schedule: list[Mapping[str, Any]],
    dues: list[datetime | None],
    stage: str | None,
    status: str | None,
    seen: datetime,
) -> list[str | None]:
    """Each stage's milestoneStatus. Complete: all met. Planned: all scheduled. Running: the
    stages before the current one met (unless still open at `seen`: SPSE runs some side by
    side), the current and later ones scheduled. Stopped: the stages before where it stood
    met, that one unknown (None: it may have finished), the later ones notMet (a withdrawn
    notice's later ones unknown). Where the package stands cannot be placed in the schedule:
    passed stages unknown, coming ones scheduled (notMet when stopped)."""
    if status == "complete":
        return ["met"] * len(schedule)
    if status == "planned":
        return ["scheduled"] * len(schedule)
    stopped = status in STOPPED
    later = None if status == "withdrawn" else "notMet" if stopped else "scheduled"
    current = _stage_rows(schedule, stage)
    if not current:
        return [later if due is not None and due > seen else None for due in dues]
    statuses: list[str | None] = []
    for index, due in enumerate(dues):
        if index in current:
            statuses.append(None if stopped else "scheduled")
        elif index > max(current):
            statuses.append(later)
        elif due is not None and due > seen:
            statuses.append(None if stopped else "scheduled")  # still open beside the current
        else:
            statuses.append("met")
    return statuses


def _stage_reached(stage: str | None, status: str | None, reached: str | None) -> str | None:
    """The stage the package stands at: SPSE's current one while it runs; where a stopped
    one (its stage now reads Tender Batal / Gagal) stood before, as an earlier version saw
    it; a withdrawn notice's last stage read."""
    if status in ("cancelled", "unsuccessful"):
        return reached
    if status == "withdrawn" and tender_status(stage) != "active":
        return reached
    return stage


def _stage_rows(schedule: list[Mapping[str, Any]], stage: str | None) -> set[int]:
    """The schedule rows SPSE's current stage names (SPSE 3 lists concurrent ones, joined
    with '; '): by name, else a name that begins the other, else the first stage sharing
    its first word ('Evaluasi Penawaran' for 'Evaluasi Administrasi, ...'): the earliest,
    so that a loose match never claims more progress than the package made."""
    names = [_name(part) for part in (stage or "").split(";") if _name(part)]
    stages = [_name(row["stage"]) for row in schedule]
    rows: set[int] = set()
    for name in names:
        exact = [i for i, other in enumerate(stages) if other == name]
        prefix = [
            i for i, other in enumerate(stages) if other.startswith(name) or name.startswith(other)
        ]
        word = [i for i, other in enumerate(stages) if other.split()[:1] == name.split()[:1]]
        found = exact or prefix[:1] or word[:1]
        rows.update(found)
    return rows


def _name(text: str) -> str:
    return " ".join(re.sub(r"[^\w/]+", " ", text.casefold()).split())


def _notice_document(record: Mapping[str, Any], offset: str) -> list[dict[str, Any]]:
    if not record.get("url"):
        return []
    where = record.get("lpse_name") or record["lpse"]
    return [
        _compact(
            {
                "id": "spse-notice",
                "documentType": "tenderNotice",
                "title": f"Pengumuman paket {record['package_code']} di SPSE {where}",
                "url": record["url"],
                "format": "text/html",
                "language": "id",
                "datePublished": _datetime(record.get("announced_at"), offset),
            }
        )
    ]


def _awards(
    record: Mapping[str, Any],
    schedule: list[Mapping[str, Any]],
    status: str | None,
    seen: datetime,
    offset: str,
    parties: _Parties,
) -> list[dict[str, Any]]:
    """Winners and realisations as awards; reserve winners (cadangan) are tenderers, not
    awards: nothing was awarded to them."""
    decided = _datetime((_decision(schedule) or {}).get("ends_at"), offset)
    objections = [r for r in schedule if "sanggah" in _low(r) and "kualifikasi" not in _low(r)]
    objection_end = _moment(objections[-1].get("ends_at"), offset) if objections else None
    awards = []
    numbers = dict.fromkeys(AWARDED_ROLES, 0)
    for row in record.get("awards") or []:
        role = row.get("role")
        if role == "reserve":
            parties.supplier(row, "tenderer")
            continue
        if role not in AWARDED_ROLES:
            continue
        supplier = parties.supplier(row, "supplier")
        if role == "winner":
            parties.supplier(row, "tenderer")
        numbers[role] += 1
        if status in ("cancelled", "unsuccessful"):
            award_status = status
        elif role == "winner" and objection_end is not None and objection_end > seen:
            award_status = "pending"
        else:
            award_status = "active"
        amount = next(
            (
                row.get(key)
                for key in ("contract_value", "negotiated_price", "corrected_price", "offer")
                if row.get(key) is not None
            ),
            None,
        )
        date = _datetime(row.get("realised_on"), offset) if role == "realisation" else decided
        awards.append(
            _compact(
                {
                    "id": f"{role}-{numbers[role]}",
                    "status": award_status,
                    "date": date,
                    "value": _value(amount),
                    "suppliers": [supplier] if supplier else [],
                }
            )
        )
    return awards


def _bids(record: Mapping[str, Any], parties: _Parties) -> dict[str, Any] | None:
    """The bids extension's section: a bid for each participant with an offer (SPSE lists
    registered participants; an offer shows once the bids are opened), its status from the
    evaluation page's marks where they are known, and the counts."""
    details: list[dict[str, Any]] = []
    for row in _offers(record):
        marks = [row.get(mark) for mark in EVALUATION_MARKS if row.get(mark) is not None]
        status = "disqualified" if False in marks else "valid" if marks else None
        tenderer = parties.supplier(row, "tenderer")
        details.append(
            _compact(
                {
                    "id": f"bid-{len(details) + 1}",
                    "status": status,
                    "tenderers": [tenderer] if tenderer else [],
                    "value": _value(row.get("offer")),
                }
            )
        )
    if not details:
        return None
    statistics = [{"id": "bids", "measure": "bids", "value": len(details)}]
    evaluated = [bid["status"] for bid in details if "status" in bid]
    if len(evaluated) == len(details):
        for measure in ("valid", "disqualified"):
            count = evaluated.count(measure)
            statistics.append({"id": f"{measure}Bids", "measure": f"{measure}Bids", "value": count})
    return {"statistics": statistics, "details": details}


def _offers(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows = record.get("awards") or []
    return [row for row in rows if row.get("role") == "bidder" and row.get("offer") is not None]


def _relate_bids(
    record: Mapping[str, Any], awards: list[dict[str, Any]], bids: dict[str, Any] | None
) -> None:
    """A winner's award names the bid it was made on (bids extension `relatedBid`)."""
    if not bids:
        return
    by_name = {
        _slug(row.get("supplier_name") or ""): bid["id"]
        for row, bid in zip(_offers(record), bids["details"], strict=True)
    }
    winners = [row for row in record.get("awards") or [] if row.get("role") == "winner"]
    for award, row in zip(
        [a for a in awards if a["id"].startswith("winner-")], winners, strict=True
    ):
        related = by_name.get(_slug(row.get("supplier_name") or ""))
        if related:
            award["relatedBid"] = related


def _tags(
    status: str | None,
    awards: list[dict[str, Any]],
    previous: Mapping[str, Any] | None,
    version: int,
    changes: list[str],
) -> list[str]:
    """releaseTag codes: what this version adds to the one before (docs/ocds.md)."""
    if previous is None and version <= 1:
        tags = ["planning"] if status == "planned" else ["tender"]
        return [*tags, "award"] if awards else tags
    before = previous.get("tender", {}).get("status") if previous else None
    if status == "planned":
        tags = ["planningUpdate"]
    elif before == "planned":
        tags = ["tender"]
    elif status == "cancelled" and before != "cancelled":
        tags = ["tenderCancellation"]
    elif set(changes) - {"awards"} or not changes:
        tags = ["tenderUpdate"]
    else:
        tags = []
    if previous is not None:
        earlier = previous.get("awards", [])
        if awards and awards != earlier:
            tags.append("awardUpdate" if earlier else "award")
    elif awards and "awards" in changes:
        tags.append("award")
    return tags or ["tenderUpdate"]


# --- small helpers ------------------------------------------------------------------------


def _decision(schedule: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The stage in which the winner is decided (penetapan pemenang), else its announcement."""
    return _find(schedule, "pemenang", ("penetapan",)) or _find(schedule, "pemenang")


def _tender_period(
    record: Mapping[str, Any],
    schedule: list[Mapping[str, Any]],
    submission: Mapping[str, Any] | None,
    offset: str,
) -> dict[str, str]:
    """From the announcement (its stage's start, else `announced_at`) to the bid deadline
    (the end of the bid upload): OCDS's "the period during which bids may be submitted"
    runs from the invitation, not only the upload window. Without either stage in the
    schedule, none: a package's creation date is no invitation to bid."""
    announcement = next(
        (
            row
            for row in schedule
            if _low(row).startswith(ANNOUNCEMENT)
            and not any(word in _low(row) for word in NOT_THE_ANNOUNCEMENT)
        ),
        None,
    )
    if announcement is None and submission is None:
        return {}
    opened = (announcement or {}).get("starts_at") or record.get("announced_at")
    return _compact(
        {
            "startDate": _datetime(opened, offset),
            "endDate": _datetime((submission or {}).get("ends_at"), offset),
        }
    )


def _clarification(schedule: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The clarification (aanwijzing) of the bidding documents: Pemberian Penjelasan, else
    another Penjelasan stage (SPSE 3's Penjelasan Dokumen Prakualifikasi...)."""
    return _find(schedule, "penjelasan", ("pemberian",)) or _find(schedule, "penjelasan")


def _find(
    schedule: list[Mapping[str, Any]], word: str, any_of: tuple[str, ...] = ()
) -> Mapping[str, Any] | None:
    for row in schedule:
        stage = _low(row)
        if word in stage and (not any_of or any(other in stage for other in any_of)):
            return row
    return None


def _index(schedule: list[Mapping[str, Any]], row: Mapping[str, Any]) -> int:
    return next(i for i, candidate in enumerate(schedule) if candidate is row)


def _low(row: Mapping[str, Any]) -> str:
    return str(row.get("stage") or "").lower()


def _period(row: Mapping[str, Any] | None, offset: str) -> dict[str, str]:
    if row is None:
        return {}
    return _compact(
        {
            "startDate": _datetime(row.get("starts_at"), offset),
            "endDate": _datetime(row.get("ends_at"), offset),
        }
    )


def _value(amount: int | float | None) -> dict[str, Any] | None:
    return None if amount is None else {"amount": amount, "currency": CURRENCY}


def _local_offset(record: Mapping[str, Any]) -> str:
    """The UTC offset the notice's own times carry (LPSEs sit in WIB, WITA or WIT)."""
    stamps = [record.get("announced_at")] + [
        row.get(key) for row in record.get("schedule") or [] for key in ("starts_at", "ends_at")
    ]
    for stamp in stamps:
        found = re.search(r"T[\d:.]+([+-]\d{2}:\d{2})$", stamp or "")
        if found:
            return found[1]
    return LOCAL_OFFSET


def _moment(value: str | None, offset: str) -> datetime | None:
    """A date-time, aware. A date alone is taken as local midnight (`offset`); a time
    without an offset as local time."""
    if not value:
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        text += "T00:00:00"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = datetime.fromisoformat(moment.isoformat() + offset)
    return moment


def _datetime(value: str | None, offset: str) -> str | None:
    moment = _moment(value, offset)
    return moment.isoformat() if moment else None


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _compact(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping without None values and empty lists or objects (OCDS omits unknowns)."""
    return {key: value for key, value in mapping.items() if value not in (None, [], {}, "")}


def _package(
    key: str,
    items: list[Any],
    uri: str,
    published_date: str,
    publisher_name: str,
    license: str | None,
    publication_policy: str | None,
) -> dict[str, Any]:
    published = _moment(published_date, "+00:00")
    return _compact(
        {
            "uri": uri,
            "version": OCDS_VERSION,
            "publishedDate": published.isoformat() if published else published_date,
            "publisher": {"name": publisher_name},
            "license": license,
            "publicationPolicy": publication_policy,
            "extensions": list(EXTENSIONS.values()),
            key: items,
        }
    )


# --- schema ------------------------------------------------------------------------------


@cache
def _merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(schema=load_schema("release-schema.json"))
