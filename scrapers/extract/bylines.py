"""The publication date a reader sees in an article's byline, in any language.

Read where a page has no machine-readable stamp: the text of `<time>` elements and of short
elements whose class or id names a date or byline ("date", "byline", "posted", "tanggal",
"fecha", "datum", ...), in document order, outside comments, sidebars, footers and
navigation. Within that text a date labelled as an update ("Updated", "Diperbarui",
"Actualizado", "Mis à jour", "Aktualisiert") is passed over and one labelled as the
publication ("Published", "Diterbitkan", "Publicado", "Publié", "Veröffentlicht") is
preferred, so "Updated June 5 · Published June 1" reads as June 1.

Month names come from dateparser's CLDR locale data (every language it ships), the
Indonesian and English names of dates.MONTHS first; a word that names different months in
different languages ("listopad") is not read. Numeric dates are day first, as in Indonesia
and most of the world, unless the second number cannot be a month (05/26/2023). Korean, Japanese and Chinese dates (2023년 5월 26일, 2023年5月26日) are read.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from functools import cache

from dateparser.languages.loader import default_loader
from parsel import Selector

from scrapers.extract.dates import MONTHS, zone_offset

HINTED = (
    "//time[not(@datetime)] | //*[self::p or self::span or self::div or self::small or "
    "self::li or self::em or self::strong or self::a or self::abbr]"
    "[re:test(concat(@class, ' ', @id), "
    "'date|time|byline|posted|publi|tanggal|waktu|fecha|datum|meta', 'i')]"
)
OUTSIDE = re.compile(
    r"comment|sidebar|widget|related|footer|copyright|cookie|event|deadline|menu|nav|"
    r"archive|calendar|reply|recent|popular|trending|jadwal|agenda",
    re.IGNORECASE,
)
# layout classes name the sidebar they sit beside ("content-sidebar-wrap", "has-sidebar")
LAYOUT = re.compile(r"wrap|layout|content|container|^has-|^page|^body", re.IGNORECASE)
OUTSIDE_TAGS = {"footer", "aside", "nav", "header-nav", "form", "select", "option"}
MAX_TEXT = 160

UPDATED = re.compile(
    r"updated|last modified|modified|revised|diperbarui|diperbaharui|pembaruan|actualizad[oa]|"
    r"atualizad[oa]|mis à jour|modifié|aktualisiert|geändert|aggiornat[oa]|bijgewerkt",
    re.IGNORECASE,
)
PUBLISHED = re.compile(
    r"published|posted|diterbitkan|dipublikasikan|terbit|diposting|publicad[oa]|publié|"
    r"veröffentlicht|pubblicat[oa]|gepubliceerd",
    re.IGNORECASE,
)

_WORD = r"[^\W\d_]{3,12}"
_YEAR = r"(?P<y>\d{4}|[’'‘]\d{2})\b"  # "14 Feb ’20", as blogs abbreviate
_TIME = r"(?:[\s,|·•-]+(?:pukul|jam|um|à|a las|at|alle)?\s*(?P<h>\d{1,2})[.:h](?P<mi>\d{2}))?"
_ZONE = (
    r"(?:\s*(?:(?P<zone>WIB|WITA|WIT|UTC|GMT)(?P<shift>[+-]\d{1,2}(?::?\d{2})?)?"
    r"|(?P<bare>[+-]\d{2}:?\d{2}))(?![\w+-]))?"
)
PHRASES = [
    re.compile(p + _TIME + _ZONE, re.IGNORECASE)
    for p in (
        rf"\b(?P<d>\d{{1,2}})\.?\s+(?:de\s+)?(?P<m>{_WORD})\.?,?\s+(?:de\s+)?{_YEAR}",
        rf"\b(?P<m>{_WORD})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}",
        r"\b(?P<y>\d{4})\s*[년年]\s*(?P<m>\d{1,2})\s*[월月]\s*(?P<d>\d{1,2})\s*[일日]",
        r"\b(?P<y>\d{4})[/.-](?P<m>\d{1,2})[/.-](?P<d>\d{1,2})\b",
        r"\b(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})\b",
    )
]


def byline_date(html: str, offset: str | None) -> str | None:
    """The publication date or datetime (ISO 8601) a byline shows, or None. Bylines inside
    <article> or <main> are read first: a news site's top bar shows today's date."""
    selector = Selector(text=html)
    hinted = selector.xpath(HINTED)
    inside = [e for e in hinted if e.xpath("ancestor::article or ancestor::main").get() == "1"]
    for element in [*inside, *(e for e in hinted if e not in inside)]:
        if _outside_article(element):
            continue
        text = " ".join(" ".join(element.xpath(".//text()").getall()).split())
        if not text or len(text) > MAX_TEXT:
            continue
        found = dated_phrase(text, offset)
        if found:
            return found
    return None


def dated_phrase(text: str, offset: str | None) -> str | None:
    """The publication date in a byline's text: the first one labelled as published, else
    the first not labelled as an update."""
    dated: list[tuple[int, str, str]] = []
    for pattern in PHRASES:
        for match in pattern.finditer(text):
            moment = match_moment(match, offset)
            if moment:
                dated.append((match.start(), moment, date_label(text[: match.start()])))
    dated.sort()
    for wanted in ("published", ""):
        for _, moment, label in dated:
            if label == wanted:
                return moment
    return None


def date_label(before: str) -> str:
    """What the nearest label before a date calls it: 'published', 'updated' or ''."""
    tail = re.split(r"[|·•;]", before)[-1][-40:]
    last_updated = max((m.end() for m in UPDATED.finditer(tail)), default=-1)
    last_published = max((m.end() for m in PUBLISHED.finditer(tail)), default=-1)
    if last_updated < 0 and last_published < 0:
        return ""
    return "updated" if last_updated > last_published else "published"


def match_moment(match: re.Match[str], offset: str | None) -> str | None:
    parts = match.groupdict()
    month = month_number(parts["m"])
    if month is None:
        return None
    day_number = int(parts["d"])
    if parts["m"].isdigit() and month > 12 >= day_number:  # 05/26/2023: month first
        month, day_number = day_number, month
    try:
        day = date(_year(parts["y"]), month, day_number)
    except ValueError:
        return None
    if parts.get("h") is None:
        return day.isoformat()
    try:
        moment = datetime(day.year, day.month, day.day, int(parts["h"]), int(parts["mi"]))
    except ValueError:
        return day.isoformat()
    zone = zone_offset(parts.get("zone"), parts.get("shift") or parts.get("bare"))
    written = zone or offset
    return moment.isoformat() + (written or "")


def _year(written: str) -> int:
    if len(written) == 4:
        return int(written)
    short = int(written[1:])
    return 2000 + short if short < 70 else 1900 + short


def month_number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    lowered = word.lower().rstrip(".")
    return MONTHS.get(lowered) or month_words().get(lowered)


@cache
def month_words() -> dict[str, int]:
    """Month names and abbreviations of every language dateparser ships, one month each."""
    names = [
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ]  # fmt: skip
    months: dict[str, set[int]] = defaultdict(set)
    for locale in default_loader.get_locales():
        for number, name in enumerate(names, 1):
            for word in locale.info.get(name, []):
                word = word.lower().rstrip(".")
                if len(word) >= 3 and word.isalpha():
                    months[word].add(number)
    return {word: next(iter(found)) for word, found in months.items() if len(found) == 1}


def _outside_article(element: Selector) -> bool:
    for ancestor in element.xpath("ancestor-or-self::*"):
        root = ancestor.root
        tag = root.tag if isinstance(root.tag, str) else ""
        if tag in OUTSIDE_TAGS or (tag == "header" and not ancestor.xpath(".//h1")):
            return True
        names = f"{root.get('class', '')} {root.get('id', '')}".split()
        if any(OUTSIDE.search(name) for name in names if not LAYOUT.search(name)):
            return True
    return False
