"""Publication dates as Indonesian and English sites write them, to ISO 8601.

A time keeps the UTC offset it is written with ("2020-11-26T20:02:04-03:00", "...Z" as
"+00:00", "16:40 WIB" as "+07:00"): converted to another offset its calendar day could move,
and the archive's months and years are read from the stored string's date part. Only a time
written without one gets the site's offset ("2 Oktober 2015 16:40" -> "...T16:40:00+07:00");
a source whose offset is unknown (None: an ad-hoc crawl) leaves it without. A date without a
time stays a date ("2015-10-03"): a time that the page did not state is never invented. Relative phrases ("kemarin") need a reference
date and are left to callers that have one; this module has no clock.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache

import dateparser

WIB = "+07:00"

MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "february": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}  # fmt: skip

ZONES = {"wib": "+07:00", "wita": "+08:00", "wit": "+09:00", "utc": "+00:00", "gmt": "+00:00"}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_TIME = r"(?:(?:pukul|jam|pkl\.?|at)\s*)?(?P<h>\d{1,2})[.:](?P<mi>\d{2})(?:[.:](?P<s>\d{2}))?"
# "WIB", "UTC", "+07:00", "GMT+7", "UTC+05:30": a shift needs a zone name or four digits
_ZONE = (
    r"(?:\s*(?:(?P<zone>WIB|WITA|WIT|UTC|GMT)(?P<shift>[+-]\d{1,2}(?::?\d{2})?)?"
    r"|(?P<bare>[+-]\d{2}:?\d{2})))?"
)
_AMPM = r"(?:\s*(?P<ampm>[ap]\.?m\.?))?"

DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<d>\d{{1,2}})\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}})"
    rf"(?:[\s,|-]+{_TIME}{_AMPM}{_ZONE})?",
    re.IGNORECASE,
)
MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
    rf"(?:[\s,|-]+(?:at\s+)?{_TIME}{_AMPM}{_ZONE})?",
    re.IGNORECASE,
)
NUMERIC = re.compile(
    rf"\b(?P<d>\d{{1,2}})[/.-](?P<m>\d{{1,2}})[/.-](?P<y>\d{{4}})(?:[\s,]+{_TIME}{_ZONE})?"
)
ISO = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?\s*$"
)


def parse_date(raw: str | None, default_offset: str | None = WIB) -> str | None:
    """Return an ISO 8601 date or datetime for a date phrase, or None if it names none."""
    if not raw or not raw.strip():
        return None
    return _parse(raw.strip(), default_offset)


@lru_cache(maxsize=4096)
def _parse(raw: str, default_offset: str | None) -> str | None:
    if ISO.match(raw):
        return _from_iso(raw.strip(), default_offset)
    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR, NUMERIC):
        match = pattern.search(raw)
        if match:
            found = _from_match(match, default_offset)
            if found:
                return found
    if re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} \w{3} \d{4}", raw):
        try:
            return _with_offset(parsedate_to_datetime(raw), default_offset)
        except (TypeError, ValueError):
            pass
    return _fallback(raw, default_offset)


def local_day(moment: str | None, offset: str | None = WIB) -> date | None:
    """The calendar day an ISO date or datetime falls on at the site's UTC `offset` (a fetch
    at 20:00 UTC is the next morning in Jakarta); a naive time is taken as the site's own,
    and with no offset known, the day is the one the moment is written with."""
    if not moment:
        return None
    try:
        parsed = datetime.fromisoformat(moment.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None or offset is None:
        return parsed.date()
    return parsed.astimezone(_offset_tz(offset)).date()


def in_offset(moment: str | None, offset: str) -> str | None:
    """An aware ISO datetime expressed at `offset` (for a moment no page wrote in its own
    offset, as a feed's UTC `date_gmt`); dates and naive times are returned as they are."""
    if not moment:
        return None
    try:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return moment
    return parsed.astimezone(_offset_tz(offset)).replace(microsecond=0).isoformat()


def _from_iso(raw: str, default_offset: str | None) -> str | None:
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(raw) == 10:
        return parsed.date().isoformat()
    return _with_offset(parsed, default_offset)


def _from_match(match: re.Match[str], default_offset: str | None) -> str | None:
    parts = match.groupdict()
    month_raw = parts["m"]
    month = int(month_raw) if month_raw.isdigit() else MONTHS[month_raw.lower()]
    try:
        day = date(int(parts["y"]), month, int(parts["d"]))
    except ValueError:
        return None
    if parts.get("h") is None:
        return day.isoformat()
    hour = int(parts["h"])
    ampm = (parts.get("ampm") or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        moment = datetime(
            day.year, day.month, day.day, hour, int(parts["mi"]), int(parts["s"] or 0)
        )
    except ValueError:
        return day.isoformat()
    zone = zone_offset(parts.get("zone"), parts.get("shift") or parts.get("bare"))
    offset = zone or default_offset
    return moment.isoformat() + (offset or "")


def zone_offset(zone: str | None, shift: str | None = None) -> str | None:
    """The UTC offset a written zone names: "WIB" -> "+07:00", "GMT+7" -> "+07:00",
    "-0300" -> "-03:00"; None for none, or for a shift no zone on Earth has."""
    if shift:
        digits = shift[1:].replace(":", "")
        hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "00")
        if int(hours) > 14 or int(minutes) >= 60:
            return None
        return f"{shift[0]}{int(hours):02d}:{minutes}"
    if zone and zone.lower() in ZONES:
        return ZONES[zone.lower()]
    return None


def _with_offset(moment: datetime, default_offset: str | None) -> str:
    """An aware datetime as it is written; a naive one with the site's offset, if known."""
    if moment.tzinfo is None and default_offset is not None:
        moment = moment.replace(tzinfo=_offset_tz(default_offset))
    return moment.replace(microsecond=0).isoformat()


def _offset_tz(offset: str) -> timezone:
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset.lstrip("+-").split(":")
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return UTC if not delta else timezone(sign * delta)


def _fallback(raw: str, default_offset: str | None) -> str | None:
    parsed = dateparser.parse(
        raw[:200],
        languages=["id", "en"],
        settings={
            "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
            "REQUIRE_PARTS": ["day", "month", "year"],
            "PREFER_DAY_OF_MONTH": "first",
        },
    )
    if parsed is None:
        return None
    if parsed.hour == parsed.minute == parsed.second == 0 and parsed.tzinfo is None:
        return parsed.date().isoformat()
    return _with_offset(parsed, default_offset)
