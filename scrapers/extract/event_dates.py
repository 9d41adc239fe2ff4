"""Dates of events as Indonesian news writes them, resolved against the publication date.

"Jumat (02/10)" has no year: it is the nearest date not after publication that falls on a
Friday. "Kamis lalu" is the last Thursday before publication, "kemarin" the day before.
A phrase whose parts disagree (a weekday that does not fit the date) resolves to nothing:
the raw phrase is kept and nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from scrapers.extract.dates import DAY_MONTH_YEAR, MONTH_DAY_YEAR, MONTHS

WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "sabtu": 5,
    "minggu": 6, "ahad": 6,
}  # fmt: skip
_DAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
NUMERIC = re.compile(
    rf"(?:\b(?P<wd>{_DAY})\s*,?\s*)?\(\s*(?P<d>\d{{1,2}})\s*/\s*(?P<m>\d{{1,2}})(?:\s*/\s*(?P<y>\d{{2}}|\d{{4}}))?\s*\)",
    re.IGNORECASE,
)
WEEKDAY_AGO = re.compile(rf"\b(?P<wd>{_DAY})\s+(?:lalu|kemarin|pekan lalu)\b", re.IGNORECASE)
RELATIVE = re.compile(
    r"\b(?P<word>kemarin|hari ini|tadi pagi|tadi siang|tadi malam)\b", re.IGNORECASE
)
BARE_WEEKDAY = re.compile(rf"\b(?:pada|hari)\s+(?P<wd>{_DAY})\b(?!\s*[,(]?\s*\(?\d)", re.IGNORECASE)


@dataclass(frozen=True)
class EventDate:
    start: int
    end: int
    raw: str
    value: date | None  # None: written, but not resolvable without guessing


def find_event_dates(text: str, published: date | None) -> list[EventDate]:
    """Every date phrase in `text`, left to right, resolved where the text allows (phrases
    that need the publication date stay unresolved without one)."""
    found: list[EventDate] = []

    def add(match: re.Match[str], value: date | None) -> None:
        if not any(
            f.start <= match.start() < f.end or match.start() <= f.start < match.end()
            for f in found
        ):
            found.append(EventDate(match.start(), match.end(), match.group(0).strip(), value))

    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR):
        for match in pattern.finditer(text):
            add(
                match,
                _calendar(
                    int(match["y"]),
                    MONTHS[match["m"].lower()],
                    int(match["d"]),
                    _weekday_before(text, match.start()),
                ),
            )
    for match in NUMERIC.finditer(text):
        add(match, _numeric(match, published))
    for match in WEEKDAY_AGO.finditer(text):
        add(match, _last_weekday(published, WEEKDAYS[match["wd"].lower()], strictly_before=True))
    for match in RELATIVE.finditer(text):
        yesterday = match["word"].lower() == "kemarin"
        add(match, published and (published - timedelta(days=1) if yesterday else published))
    for match in BARE_WEEKDAY.finditer(text):
        add(match, _last_weekday(published, WEEKDAYS[match["wd"].lower()], strictly_before=False))
    return sorted(found, key=lambda f: f.start)


def _weekday_before(text: str, position: int) -> int | None:
    """A weekday written just before a full date ("Selasa, 26 Maret 2019")."""
    before = text[max(0, position - 12) : position].lower()
    match = re.search(rf"({_DAY})\s*,?\s*$", before)
    return WEEKDAYS[match.group(1)] if match else None


def _calendar(year: int, month: int, day: int, weekday: int | None) -> date | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return value if weekday is None or value.weekday() == weekday else None


def _numeric(match: re.Match[str], published: date | None) -> date | None:
    day, month = int(match["d"]), int(match["m"])
    weekday = WEEKDAYS[match["wd"].lower()] if match["wd"] else None
    if match["y"]:
        year = int(match["y"])
        return _calendar(year + 2000 if year < 100 else year, month, day, weekday)
    if published is None:
        return None
    for year in (published.year, published.year - 1):
        candidate = _calendar(year, month, day, weekday)
        if candidate and candidate <= published:
            return candidate
    return None


def _last_weekday(published: date | None, weekday: int, strictly_before: bool) -> date | None:
    if published is None:
        return None
    back = (published.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return published - timedelta(days=back)
