"""Dates of events as Indonesian news writes them, resolved against the publication date.

"Jumat (02/10)" has no year: it is the latest 2 October not after publication, in the year
of publication or the one before, that falls on a Friday; so are "Rabu 22/02" and "pada
02/10/2023" without parentheses, and "on December 11" or "11 Desember" without a year.
"Kamis lalu" and "last Thursday" are the last Thursday before publication, "kemarin" and
"yesterday" the day before. A weekday that does not fit the date its numbers give ("Selasa
(7/3)" on a Thursday) leaves that date, marked `weekday_disagrees`: the numbers are what the
reporter wrote down, the weekday is checked against them. Korean "12일" and "3월 28일" take
the month and year from publication, never after it.

A page without a publication date may still have been fetched: then a date without a year
("Senin (4/11)") is the latest one at or before the fetch date whose day, month and weekday
match, however many years back (the page may be old; the weekday tells the year). Relative
phrases ("kemarin", "Kamis lalu") stay unresolved: the fetch date is not the day they count
from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from scrapers.extract.dates import DAY_MONTH_YEAR, MONTH_DAY_YEAR, MONTHS

WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "sabtu": 5,
    "minggu": 6, "ahad": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_DAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_DM = r"(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})"
NUMERIC = re.compile(
    rf"(?:\b(?P<wd>{_DAY})\s*,?\s*)?\(\s*{_DM}(?:\s*/\s*(?P<y>\d{{2}}|\d{{4}}))?\s*\)",
    re.IGNORECASE,
)
# Without parentheses a day/month needs a weekday before it, or "pada"/"tanggal" and a year:
# a bare "16/2018" is a regulation's number.
NUMERIC_BARE = re.compile(
    rf"\b(?:(?P<wd>{_DAY})\s*,?\s*|(?:pada|tanggal|tgl\.?|on)\s+(?=\d+/\d+/\d))"
    rf"{_DM}(?:/(?P<y>\d{{4}}|\d{{2}}))?(?![\d/])",
    re.IGNORECASE,
)
# Day and month named, no year: "on December 11", "11 Desember", "December 11th". Three-letter
# abbreviations are left out ("Mar 3" is as likely a name).
FULL_MONTH = "|".join(
    sorted((m for m in MONTHS if len(m) > 3 or m in ("mei", "may")), key=len, reverse=True)
)
MONTH_DAY = re.compile(
    rf"\b(?P<m>{FULL_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d{{4}})(?![:.]\d)",
    re.IGNORECASE,
)
DAY_MONTH = re.compile(
    rf"\b(?P<d>\d{{1,2}})\s+(?P<m>{FULL_MONTH})\b(?!\s*,?\s*\d{{4}})", re.IGNORECASE
)
WEEKDAY_AGO = re.compile(
    rf"\b(?P<wd>{_DAY})\s+(?:lalu|kemarin|pekan lalu)\b|\blast\s+(?P<en>{_DAY})\b",
    re.IGNORECASE,
)
RELATIVE = re.compile(
    r"\b(?P<word>kemarin|hari ini|tadi pagi|tadi siang|tadi malam|yesterday|today)\b",
    re.IGNORECASE,
)
# "pada Kamis", "on Tuesday"; or a weekday closing a sentence's place ("di Negara, Senin.").
BARE_WEEKDAY = re.compile(
    rf"\b(?:pada|hari|on)\s+(?P<wd>{_DAY})\b(?!\s*[,(]?\s*\(?\d)(?!\s*,?\s*(?:{FULL_MONTH})\b)"
    rf"|,\s*(?P<closing>{_DAY})\b(?=\s*(?:[.;]|$))",
    re.IGNORECASE,
)
KOREAN = re.compile(r"(?<!\d)(?:(?P<y>\d{4})년\s*)?(?:(?P<m>\d{1,2})월\s*)?(?P<d>\d{1,2})일")

# News reports recent events: a date without a year lies in the year of publication or the
# one before, and a weekday that fits neither contradicts the date.
PUBLICATION_YEARS = 2
# A real day and month falls on every weekday within 28 years (29 February too, between 1901
# and 2099); the Gregorian calendar repeats exactly every 400, the bound of the search back.
CALENDAR_CYCLE_YEARS = 400


@dataclass(frozen=True)
class EventDate:
    start: int
    end: int
    raw: str
    value: date | None  # None: written, but not resolvable without guessing
    weekday_disagrees: bool = False  # the weekday written with it is not the date's


def find_event_dates(
    text: str, published: date | None, fetched: date | None = None
) -> list[EventDate]:
    """Every date phrase in `text`, left to right, resolved where the text allows. Dates
    without a year need the publication date or, on an undated page, the day it was first
    `fetched`; relative phrases need the publication date."""
    found: list[EventDate] = []

    def add(match: re.Match[str], value: date | None, weekday: int | None = None) -> None:
        if not any(
            f.start <= match.start() < f.end or match.start() <= f.start < match.end()
            for f in found
        ):
            disagrees = weekday is not None and value is not None and value.weekday() != weekday
            found.append(
                EventDate(match.start(), match.end(), match.group(0).strip(), value, disagrees)
            )

    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR):
        for match in pattern.finditer(text):
            value = _calendar(int(match["y"]), MONTHS[match["m"].lower()], int(match["d"]))
            add(match, value, _weekday_before(text, match.start()))
    for pattern in (NUMERIC, NUMERIC_BARE):
        for match in pattern.finditer(text):
            weekday = WEEKDAYS[match["wd"].lower()] if match["wd"] else None
            add(match, _numeric(match, weekday, published, fetched), weekday)
    for pattern in (MONTH_DAY, DAY_MONTH):
        for match in pattern.finditer(text):
            weekday = _weekday_before(text, match.start())
            value = _without_year(
                int(match["d"]), MONTHS[match["m"].lower()], weekday, published, fetched
            )
            add(match, value, weekday)
    for match in KOREAN.finditer(text):
        add(match, _korean(match, published))
    for match in WEEKDAY_AGO.finditer(text):
        weekday = WEEKDAYS[(match["wd"] or match["en"]).lower()]
        add(match, _last_weekday(published, weekday, strictly_before=True))
    for match in RELATIVE.finditer(text):
        yesterday = match["word"].lower() in ("kemarin", "yesterday")
        add(match, published and (published - timedelta(days=1) if yesterday else published))
    for match in BARE_WEEKDAY.finditer(text):
        weekday = WEEKDAYS[(match["wd"] or match["closing"]).lower()]
        add(match, _last_weekday(published, weekday, strictly_before=False))
    return sorted(found, key=lambda f: f.start)


def _weekday_before(text: str, position: int) -> int | None:
    """A weekday written just before a full date ("Selasa, 26 Maret 2019")."""
    before = text[max(0, position - 12) : position].lower()
    match = re.search(rf"({_DAY})\s*,?\s*$", before)
    return WEEKDAYS[match.group(1)] if match else None


def _calendar(year: int, month: int, day: int, weekday: int | None = None) -> date | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return value if weekday is None or value.weekday() == weekday else None


def _numeric(
    match: re.Match[str], weekday: int | None, published: date | None, fetched: date | None
) -> date | None:
    day, month = int(match["d"]), int(match["m"])
    if match["y"]:
        year = int(match["y"])
        return _calendar(year + 2000 if year < 100 else year, month, day)
    return _without_year(day, month, weekday, published, fetched)


def _korean(match: re.Match[str], published: date | None) -> date | None:
    """ "28일": the latest 28th at or before publication, in its month or the one before;
    "3월 28일": the latest 28 March; with "2024년" the date itself."""
    day = int(match["d"])
    if match["y"] and match["m"]:
        return _calendar(int(match["y"]), int(match["m"]), day)
    if published is None:
        return None
    if match["m"]:
        return latest_on(day, int(match["m"]), None, published, years=PUBLICATION_YEARS)
    month_start = published.replace(day=1)
    for first in (month_start, (month_start - timedelta(days=1)).replace(day=1)):
        candidate = _calendar(first.year, first.month, day)
        if candidate and candidate <= published:
            return candidate
    return None


def _without_year(
    day: int, month: int, weekday: int | None, published: date | None, fetched: date | None
) -> date | None:
    """On a dated page the year is publication's (the latest such day not after it, whatever
    weekday is written); on an undated one the weekday tells the year."""
    if published is not None:
        return latest_on(day, month, None, published, years=PUBLICATION_YEARS)
    if fetched is not None:
        return latest_on(day, month, weekday, fetched, years=CALENDAR_CYCLE_YEARS)
    return None


def latest_on(
    day: int, month: int, weekday: int | None, reference: date, years: int
) -> date | None:
    """The latest date at or before `reference` on this day and month (and weekday, if
    given), looking at most `years` years back, counting the reference's own year."""
    if _calendar(2000, month, day, None) is None:  # no such day in any year, leap or not
        return None
    for year in range(reference.year, max(reference.year - years, 0), -1):
        candidate = _calendar(year, month, day, weekday)
        if candidate and candidate <= reference:
            return candidate
    return None


def _last_weekday(published: date | None, weekday: int, strictly_before: bool) -> date | None:
    if published is None:
        return None
    back = (published.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return published - timedelta(days=back)
