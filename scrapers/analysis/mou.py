"""An MoU signing as a record: when, where, between whom, renewed or new, for how long.

Read from the sentences that report the signing (see kinds.reports_signing): the title and
the lead. Witnesses ("disaksikan oleh ...") are not parties; a signatory acting for an
absent head ("mewakili Kepala LKPP") signs for the same party. Organisations outside the
gazetteer are kept as written, flagged: one of a known kind ("PT ...", "Universitas ..."),
or any named in full with its acronym ("Korea Commission for Corporate Partnership (KCCP)").
The place is a venue or an area after "di"/"in" in the signing sentence.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapers.analysis.agencies import Gazetteer, gazetteer
from scrapers.analysis.areas import place_names
from scrapers.analysis.event_dates import WEEKDAYS, find_event_dates
from scrapers.analysis.kinds import (
    AGREEMENT_TERM,
    EARLIER,
    MOU_TERM,
    SIGNING,
    lead,
    reports_signing,
    sentences,
)
from scrapers.extract.dates import MONTHS

logger = logging.getLogger(__name__)

# The day a release was issued, not the signing's: "PPS said on May 28 that ...",
# "... 체결했다고 13일 밝혔다".
REPORTED_BEFORE = re.compile(
    r"\b(?:said|says|announced|announces|stated|reported)\s+(?:on\s+)?$", re.IGNORECASE
)
REPORTED_AFTER = re.compile(r"^\s*(?:밝혔|발표했|전했)")
WITNESS_CLAUSE = re.compile(
    r"\b(disaksikan(?: langsung)?(?: oleh)?|turut menyaksikan|menyaksikan|di hadapan|"
    r"dihadiri(?: oleh)?|turut hadir|hadir pula|juga hadir|witnessed by|in the presence of|"
    r"attended by)\b[^.;]*",
    re.IGNORECASE,
)
# A sentence anywhere in the article that names who witnessed the signing.
WITNESSED = re.compile(
    r"\b(disaksikan|menyaksikan|witnessed by|in the presence of)\b", re.IGNORECASE
)
QUOTED_SOURCE = re.compile(
    r"\b(dikutip|mengutip|dilansir|seperti dilaporkan|sebagaimana diberitakan)\b", re.I
)
RENEWAL = re.compile(
    r"\b(memperpanjang|perpanjangan|diperpanjang|perpanjang|memperbarui|pembaruan|diperbarui|"
    r"perbarui|memperbaharui|pembaharuan|renewal|kembali menandatangani|kembali meneken|"
    r"lanjut kerja ?sama|melanjutkan kerja ?sama|"
    r"(?:me)?lanjut(?:kan)? kerja ?sama|renew|renews|renewed|renewing)\b",
    re.IGNORECASE,
)
NUMBERS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
           "delapan": 8, "sembilan": 9, "sepuluh": 10, "setahun": 1}  # fmt: skip
DURATION = re.compile(
    r"(?:selama|berlaku|jangka waktu|masa berlaku|untuk)\s+(?:\w+\s+){0,2}?"
    r"(?P<n>\d+|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh)\s+(?P<unit>tahun|bulan)"
    r"|(?P<n2>\d+|satu|dua|tiga|empat|lima|enam|sepuluh)\s+(?P<unit2>tahun|bulan)\s+ke\s+depan",
    re.IGNORECASE,
)
SCOPE = re.compile(
    r"(?:nota kesepahaman|memorandum of understanding|\bmou\b)\s*(?:\([^)]*\)\s*)?"
    r"(?:tentang|mengenai|terkait|di bidang|dalam rangka|untuk)\s+(?P<scope>[^,.;]{5,140})",
    re.IGNORECASE,
)
VENUE_WORDS = (
    "kantor|gedung|aula|ruang|hotel|balai|auditorium|wisma|istana|graha|markas|kampus|pendopo|"
    "pendapa|office|building|hall|headquarters"
)
# A place phrase ends at punctuation or where the sentence goes on to the date or the subject.
_PLACE_END = (
    r"(?=\s*(?:[,.;()]|$|\s(?:pada|pekan|kemarin|hari|tentang|mengenai|untuk|dan|serta|on|to|"
    r"yesterday|last|with|dengan|oleh|by|disaksikan|witnessed|senin|selasa|rabu|kamis|jumat|"
    r"sabtu|minggu|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b))"
)
VENUE = re.compile(
    rf"\b(?:di|in|at)\s+(?:the\s+)?(?P<venue>(?:{VENUE_WORDS})\b.{{0,60}}?){_PLACE_END}",
    re.IGNORECASE,
)
AREA_AFTER = re.compile(r"\s*,\s*(?P<area>[A-Z][\w'-]*(?:\s[A-Z][\w'-]*){0,3})")
AREA = re.compile(r"\b(?:di|in)\s+(?P<area>[A-Z][\w'-]*(?:\s[A-Z][\w'-]*){0,3})")
# Cities abroad where this archive's signings happen; Indonesia's come from the areas' data.
FOREIGN_CITIES = frozenset(
    [
        "Seoul", "Daejeon", "Sejong", "Busan", "Tokyo", "Beijing", "Shanghai", "Hanoi",
        "Ho Chi Minh City", "Bangkok", "Manila", "Kuala Lumpur", "Singapore", "Singapura",
        "Bandar Seri Begawan", "Phnom Penh", "Vientiane", "Yangon", "Naypyidaw", "Dili",
        "Canberra", "Sydney", "Wellington", "Taipei", "Hong Kong", "New Delhi", "Ulaanbaatar",
        "Tashkent", "Astana", "Riyadh", "Jeddah", "Dubai", "Abu Dhabi", "Doha", "Ankara",
        "Istanbul", "Kyiv", "Brussels", "Berlin", "Rome", "Roma", "Paris", "London", "Geneva",
        "Jenewa", "Washington", "Ottawa", "Santiago",
    ]
)  # fmt: skip
DATELINE = re.compile(r"^\s*(?P<city>[A-Z]{3,}(?:\s[A-Z]{3,})?)\s*(?:,\s*\(?[A-Za-z]+\)?\s*)?[-–—]")
ORGANISATION = re.compile(
    r"\b(?P<org>(?:PT\.?|Perum|Perusahaan Umum|Universitas|Institut|Politeknik|Asosiasi|Bank|"
    r"Badan|Lembaga|Komisi|Pemerintah Kabupaten|Pemerintah Kota|Yayasan|Kamar Dagang|"
    r"Kejaksaan Negeri|Kejaksaan Tinggi|Pengadilan|Kedutaan Besar)(?:\s+(?:[A-Z][\w&.-]*|dan(?=\s+[A-Z][\w.-]*\s*\()))*)"
    r"(?:\s*\((?P<short>[A-Za-z][\w.&-]{1,15}(?:\s[A-Z][\w.&-]{1,15}){0,2})\)"
    r"(?:\s+(?:Kabupaten|Kota)?\s*(?P<place>[A-Z][a-z]+))?)?"
)
# "Full Name (ACRONYM)": capitalised words (and the small words between them) before an
# acronym in parentheses whose letters they begin, in order.
NAMED_WITH_ACRONYM = re.compile(
    r"(?P<words>(?:[A-Z][\w'&.-]*\s+(?:(?:dan|and|of|for|the|untuk|&)\s+)*)+)"
    r"\((?P<short>[A-Z][A-Za-z&.-]{1,11})\)"
)
# An organisation English names by what it is: "the Government Procurement Agency of
# Mongolia", "the Ministry of Economy and Finance of Uzbekistan".
_ORG_NOUN = (
    r"(?:Ministry|Agency|Directorate|Service|Office|Department|Commission|Authority|Bureau|"
    r"Council|Institute|Corporation|Administration|Organi[sz]ation|Board|Embassy)"
)
_NAME_WORD = r"[A-Z][\w'-]*"
ENGLISH_ORG = re.compile(
    rf"\b(?:with|and|between)\s+the\s+(?P<org>(?:{_NAME_WORD}\s+)*{_ORG_NOUN}"
    rf"(?:\s+(?:of|for|on|and)\s+(?:the\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD})*)*)"
    r"(?:\s*\((?P<short>[A-Z][A-Za-z]{1,11})\))?"
)
# Things, not organisations, that news names with an acronym too.
NOT_ORGANISATIONS = frozenset(
    ["Sistem", "Aplikasi", "Program", "Rencana", "Peraturan", "Undang-Undang", "Harga", "Dana",
     "Anggaran", "Surat", "Nota", "Memorandum", "Perjanjian", "Kontrak", "System", "Plan",
     "Programme", "Project", "Proyek", "Indeks", "Index"]
)  # fmt: skip
CONNECTORS = frozenset(["dan", "and", "of", "for", "the", "untuk", "&"])
FULL_NAMED = ("Universitas", "Institut", "Politeknik")  # known by their names, not acronyms
# A signatory is named by office: a head's title written before an organisation the
# gazetteer knows ("Kepala BPKP", "Rektor UGM"), or an alias that is itself the head's
# title ("Bupati Sleman", "Kajari Gresik", "Menteri Koperasi"); acting heads too ("Pj", "Plt").
_ACTING = r"(?:(?:Pj\.?|Plt\.?|Penjabat|Pelaksana Tugas|Wakil)\s+)?"
OFFICE_BEFORE = re.compile(
    rf"\b{_ACTING}(?:Kepala(?: Perwakilan)?|Wakil Kepala|Deputi|Sekretaris Utama|Sestama|"
    r"Direktur(?: Jenderal| Utama)?|Dirjen|Rektor|Ketua|Wakil Ketua|Administrator|"
    r"Sekretaris Jenderal|Sekjen|Komisioner|Presiden|Pimpinan)\s+$"
)
HEAD_ALIAS = re.compile(
    r"(?:Gubernur|Bupati|Wali ?[Kk]ota|Walikota|Sekda|Sekretaris Daerah|Kajari|Kajati|Kapolda|Kapolres|"
    r"Kapolresta|Kapolrestabes|Menteri|Kapolri|Wakapolri|Jaksa Agung|Kepala|Ketua|Rektor)\b"
)
ACTING_BEFORE = re.compile(rf"\b{_ACTING}$")
# The name after the office: "(Lampura)", a comma, ranks and honorifics may come between.
_RANK = r"(?:Mr\.?|Mrs\.?|Ms\.?|Bapak|Ibu|Pak|Bu|AKBP|AKP|Kombes(?: Pol)?|Brigjen(?: Pol)?|Irjen(?: Pol)?|Jenderal(?: Polisi)?|H\.|Hj\.|Dr\.|Ir\.|Drs\.|Prof\.)"
NAME_AFTER = re.compile(
    rf"\s*(?:\([A-Za-z]{{2,12}}\)\s*)?,?\s+(?:{_RANK}\s+)*"
    r"(?P<name>[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,4})"
)
# Korean names the parties by their particles: the subject ("인천시는") and the partner
# ("조달청과", "에콰도르 조달처와"), before the agreement is named.
HANGUL = re.compile(r"[가-힣]")
KOREAN_SUBJECT = re.compile(r"^(?P<org>[가-힣A-Za-z]{2,})(?:은|는)$")
KOREAN_HEADS = frozenset(["청장", "원장", "사장", "위원장", "이사장", "장관", "대표", "대표이사", "시장",
                          "도지사", "지사", "총장", "회장", "처장", "본부장", "차장"])  # fmt: skip
ACRONYM_AFTER_NAME = re.compile(r"[가-힣]\((?P<short>[A-Z][A-Za-z&.-]{1,11})\)$")
KOREAN_PARTNER = re.compile(r"^(?P<org>[가-힣A-Za-z]{2,}?)(?:과의|와의|과|와)$")
KOREAN_ENDINGS = ("에서", "에", "은", "는", "을", "를", "의", "로", "가", "이", "과", "와")
ACTING_FOR = re.compile(r"\bmewakili\s+(?P<head>[^,.;]{3,60})", re.IGNORECASE)


@dataclass(frozen=True)
class Party:
    agency: str
    role: str  # party | signatory | witness
    in_gazetteer: bool = True
    person: str | None = None
    person_title: str | None = None
    acting_for: str | None = None


@dataclass(frozen=True)
class MouRecord:
    signed_on: str | None
    signed_on_raw: str | None
    place: str | None
    document_type: str | None
    renewal: bool
    duration_text: str | None
    duration_months: int | None
    scope: str | None
    parties: list[Party] = field(default_factory=list)
    # the weekday written with the date is not that date's ("Selasa (7/3)" on a Thursday):
    # signed_on is the date the numbers give
    weekday_disagrees: bool = False

    def party_names(self, role: str = "party") -> list[str]:
        return [p.agency for p in self.parties if p.role == role]


def extract_mou(
    title: str | None, text: str, published: date | None, fetched: date | None = None
) -> MouRecord | None:
    """The signing an article reports, or None if it reports none. On an undated page its
    date, if written without a year, resolves against the day the page was first `fetched`
    (scrapers.analysis.event_dates); whether the article reports the signing at all is
    decided on the publication date alone."""
    title = title or ""
    opening = sentences(lead(text))
    reporting = [s for s in [title, *opening] if reports_signing(s, published=published)]
    if not reporting:
        return None
    signing = reporting[1] if len(reporting) > 1 and reporting[0] == title else reporting[0]
    # Sentences that tell of the signing without naming the document ("LKPP dan PPS resmi
    # memperpanjang kerja sama ...") name its parties too.
    context = [s for s in [title, *opening] if s in reporting or reports_signing(s, SIGNING)]
    witnessing = [
        s
        for s in sentences(text)
        if s not in context and WITNESSED.search(s) and (SIGNING.search(s) or MOU_TERM.search(s))
    ]
    signed_on, raw, disagrees = _signed_on(signing, opening, published, fetched)
    if disagrees:
        logger.warning("MoU %r: %r is not that day's weekday; %s kept", title, raw, signed_on)
    return MouRecord(
        signed_on,
        raw,
        weekday_disagrees=disagrees,
        place=_place(signing, text),
        document_type=_document(" ".join(reporting)),
        renewal=any(RENEWAL.search(s) for s in context),
        **_duration(text),
        scope=_scope(" ".join(reporting)),
        parties=_parties(context, witnessing, title),
    )


def _signed_on(
    signing: str, opening: list[str], published: date | None, fetched: date | None
) -> tuple[str | None, str | None, bool]:
    """The date in the signing sentence; failing that, in a lead sentence about the signing.
    Not the day a release says it was issued."""
    others = [s for s in opening if s != signing and SIGNING.search(s) and not EARLIER.search(s)]
    latest = published or fetched  # a page reports no signing after it was written or fetched
    for sentence in [signing, *others]:
        if QUOTED_SOURCE.search(sentence) and sentence is not signing:
            continue
        text = _without_quotes(sentence)
        found = [
            d
            for d in find_event_dates(text, published, fetched)
            if (not d.value or not latest or d.value <= latest)
            and not REPORTED_BEFORE.search(text[: d.start])
            and not REPORTED_AFTER.match(text[d.end :])
        ]
        if found:
            first = found[0]
            value = first.value.isoformat() if first.value else None
            return value, first.raw, first.weekday_disagrees
    return None, None, False


def _without_quotes(sentence: str) -> str:
    """Drop the clause that cites a source ("seperti dikutip dari ..., Senin (5/3)")."""
    match = QUOTED_SOURCE.search(sentence)
    return sentence[: match.start()] if match else sentence


def _place(signing: str, text: str) -> str | None:
    """A venue and/or an area after "di"/"in" in the signing sentence; the dateline's city
    only when the sentence names no place."""
    venue = VENUE.search(signing)
    names = []
    if venue:
        names.append(venue["venue"].strip())
        # its area: just after it ("Gedung KPK, Jakarta") or later ("..., Jumat (2/10) di Jakarta")
        after = AREA_AFTER.match(signing, venue.end())
        areas = [after] if after else []
        areas += AREA.finditer(signing, venue.end())
        names.extend(a for m in areas if (a := _known_area(m["area"])))
        names = names[:2]
    if not names:
        names.extend(area for m in AREA.finditer(signing) if (area := _known_area(m["area"])))
        names = names[:1]
    dateline = DATELINE.match(text)
    if not names and dateline:
        names.append(dateline["city"].title())
    return ", ".join(names) or None


def _known_area(phrase: str) -> str | None:
    """The longest start of `phrase` that names an area here or a city abroad."""
    words = phrase.split()
    places = place_names()
    for n in range(len(words), 0, -1):
        candidate = " ".join(words[:n])
        if candidate in places or candidate in FOREIGN_CITIES:
            return candidate
    return None


def _document(text: str) -> str | None:
    match = MOU_TERM.search(text)
    if not match:
        return None
    found = match.group(0).lower()
    return {"mou": "MoU"}.get(found, found[:1].upper() + found[1:])


def _duration(text: str) -> dict[str, Any]:
    match = DURATION.search(text)
    if not match:
        return {"duration_text": None, "duration_months": None}
    raw_n = (match["n"] or match["n2"]).lower()
    unit = (match["unit"] or match["unit2"]).lower()
    n = int(raw_n) if raw_n.isdigit() else NUMBERS[raw_n]
    return {"duration_text": match.group(0), "duration_months": n * 12 if unit == "tahun" else n}


def _scope(text: str) -> str | None:
    match = SCOPE.search(text)
    return match["scope"].strip() if match else None


def _parties(reporting: list[str], witnessing: list[str], title: str) -> list[Party]:
    """Parties and their signatories from the sentences reporting the signing; witnesses from
    their witness clauses and from any other sentence of the article that names them."""
    names = gazetteer()
    parties: dict[str, Party] = {}
    witnesses: dict[str, Party] = {}
    for sentence in reporting + witnessing:
        clause = WITNESS_CLAUSE.search(sentence)
        if sentence in witnessing:
            clause = WITNESSED.search(sentence)
        cut = clause.start() if clause else len(sentence)
        for mention in names.mentions(sentence):
            role = "witness" if mention.start >= cut else "party"
            target = witnesses if role == "witness" else parties
            target.setdefault(mention.agency, Party(mention.agency, role))
        if sentence == title and _is_title_case(title):  # capitalises every word: no names
            continue
        for organisation in _organisations(sentence[:cut], names):
            parties.setdefault(organisation, Party(organisation, "party", in_gazetteer=False))
        for organisation in _organisations(sentence[cut:], names):
            witnesses.setdefault(organisation, Party(organisation, "witness", in_gazetteer=False))
    found = list(parties.values()) + [w for name, w in witnesses.items() if name not in parties]
    # A name found once more with words after it is the same organisation, then its head's
    # name or its place: "PT Bank ... (Bank Jateng)" and "Direktur Utama Bank Jateng Supriyatno".
    found = [p for p in found if not any(p.agency.startswith(o.agency + " ") for o in found)]
    return found + _signatories([s for s in reporting if s != title], names)


def _organisations(text: str, names: Gazetteer) -> list[str]:
    """Organisations the gazetteer does not know, as the text abbreviates or names them."""
    found: list[str] = []
    for match in ORGANISATION.finditer(text):
        org = " ".join(match["org"].split()).removesuffix(" dan")
        if len(org.split()) < 2 or names.mentions(org):
            continue
        if org.split()[0] in ("Badan", "Lembaga", "Komisi") and not match["short"]:
            continue
        if org.startswith(FULL_NAMED) or not match["short"]:
            found.append(org)
        else:
            found.append(" ".join(filter(None, [match["short"], match["place"]])))
    for match in ENGLISH_ORG.finditer(text):
        if not names.mentions(match["org"]) and not (
            match["short"] and names.mentions(match["short"])
        ):
            found.append(match["short"] or match["org"])
    known = [f.split()[0] for f in found]
    found += [a for a in _acronymed(text, names) if a not in known]
    return found + [k for k in _korean_parties(text) if not names.mentions(k)]


def _korean_parties(text: str) -> list[str]:
    """The subject (before the date: "조달청과 동반성장위원회는 11일 ...") and the first partner
    of a Korean signing sentence, before its MoU term. A head's title names the organisation
    before it ("한국수자원공사(K-water) 사장은"), by its acronym where it has one."""
    if not HANGUL.search(text):
        return []
    term = MOU_TERM.search(text)
    words = (text[: term.start()] if term else text).split()
    found: list[str] = []
    subject = partner = False
    for i, word in enumerate(words):
        subject = subject or any(c.isdigit() for c in word)  # the subject comes before the date
        is_subject = not subject and KOREAN_SUBJECT.match(word)
        is_partner = not partner and KOREAN_PARTNER.match(word.strip(",."))
        match = is_subject or is_partner
        if not match:
            continue
        subject, partner = subject or bool(is_subject), partner or bool(is_partner)
        name, before = match["org"], words[i - 1] if i else ""
        if name in KOREAN_HEADS:
            name = before
        elif HANGUL.search(before) and before.isalpha() and not before.endswith(KOREAN_ENDINGS):
            name = f"{before} {name}"
        if acronym := ACRONYM_AFTER_NAME.search(name):
            name = acronym["short"]
        if name:
            found.append(name)
    return found


def _acronymed(text: str, names: Gazetteer) -> list[str]:
    """Acronyms of organisations named in full that the gazetteer does not know."""
    found = []
    for match in NAMED_WITH_ACRONYM.finditer(text):
        words, short = match["words"].split(), match["short"]
        if names.mentions(short) or MOU_TERM.search(short) or AGREEMENT_TERM.search(short):
            continue
        # the short name of what the gazetteer knows: "Bupati Lampung Utara (Lampura)"
        before = match["words"].rstrip()
        if any(m.end == len(before) for m in names.mentions(before)):
            continue
        for start in range(len(words)):  # the longest run of words whose initials spell it
            full = words[start:]
            if full[0] in CONNECTORS or not _spells(short, full):
                continue
            if full[0] in NOT_ORGANISATIONS:
                break
            if full[0] in FULL_NAMED:  # left to ORGANISATION, which keeps the name
                break
            if not names.mentions(" ".join(full)):
                found.append(short)
            break
    return found


def _spells(short: str, words: list[str]) -> bool:
    """Do the capitalised words' initials appear in order in the acronym, the first first?"""
    letters = [c for c in short.upper() if c.isalpha()]
    initials = [w[0].upper() for w in words if w not in CONNECTORS]
    if len(initials) < 2 or initials[0] != letters[0]:
        return False
    rest = iter(letters[1:])
    return all(any(c == i for c in rest) for i in initials[1:])


def _is_title_case(text: str) -> bool:
    words = [w for w in text.split() if w[:1].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) > 0.7 * len(words)


def _signatories(reporting: list[str], names: Gazetteer) -> list[Party]:
    """Who signed for each party, where the sentence names them by office."""
    found: dict[tuple[str, str], Party] = {}
    for sentence in reporting:
        clause = WITNESS_CLAUSE.search(sentence)
        part = sentence[: clause.start() if clause else len(sentence)]
        for mention in names.mentions(part):
            office = OFFICE_BEFORE.search(part[: mention.start])
            if office:
                start = office.start()
            elif HEAD_ALIAS.match(part, mention.start):
                acting = ACTING_BEFORE.search(part[: mention.start])
                start = acting.start() if acting else mention.start
            else:
                continue
            name = _person(part, mention.end, names)
            if not name:
                continue
            acting_for = ACTING_FOR.search(sentence[mention.end : mention.end + 120])
            found.setdefault(
                (mention.agency, name),
                Party(mention.agency, "signatory", person=name,
                      person_title=" ".join(part[start : mention.end].split()),
                      acting_for=acting_for["head"].strip() if acting_for else None),
            )  # fmt: skip
    return list(found.values())


def _person(text: str, position: int, names: Gazetteer) -> str | None:
    """The person's name just after an office, less any area it names first ("Kepala
    Perwakilan BPKP Jawa Tengah Bambang Sutrisno"); it ends at a sentence's full stop, a
    weekday or month, another office or an organisation."""
    match = NAME_AFTER.match(text, position)
    if not match:
        return None
    words: list[str] = []
    for word in match["name"].split():
        if word.lower().rstrip(".") in WEEKDAYS or word.lower() in MONTHS or HEAD_ALIAS.match(word):
            break
        words.append(word.rstrip(".") if len(word) > 3 else word)
        if word.endswith(".") and len(word) > 3:  # a full stop, not an initial's
            break
    name = " ".join(words)
    if area := _known_area(name):
        name = name[len(area) :].strip()
    for mention in names.mentions(name):
        name = name[: mention.start].strip()
    if not name or MOU_TERM.search(name) or SIGNING.search(name):
        return None
    return name
