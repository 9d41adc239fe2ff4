"""SPSE 4 (the LPSE e-procurement system) pages: a package's announcement, schedule,
participants or winner page, and the DataTables JSON of its listings. Labels are read from
the page, so the tender, non-tender, swakelola and darurat variants share one parser.

SPSE 4 ran on each LPSE's own host (`lpse.jakarta.go.id/eproc4/lelang/<code>/...`) before
the move to spse.inaproc.id/{slug}/...: the pages are the same under either prefix."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector

from scrapers.extract.amounts import parse_amount
from scrapers.extract.dates import WIB, parse_date

# Page label -> field. Variants name the same thing differently ("Kode Swakelola").
LABELS = {
    "kode paket": "package_code", "kode tender": "package_code", "kode swakelola": "package_code",
    "kode non tender": "package_code", "nama paket": "name", "nama tender": "name",
    "nama swakelola": "name", "tanggal pembuatan": "created_on",
    "k/l/pd/instansi lainnya": "agency", "k/l/pd": "agency", "satuan kerja": "work_unit",
    "jenis pengadaan": "procurement_type", "metode pengadaan": "method",
    "tipe pelaksana swakelola": "method", "tahun anggaran": "budget_year",
    "nilai pagu paket": "pagu", "nilai hps paket": "hps", "nilai hps": "hps",
    "nilai total realisasi": "realised", "tanggal paket selesai": "completed_on",
    "jenis kontrak": "contract_type", "kualifikasi usaha": "qualification",
    "lokasi pekerjaan": "location", "tahap paket saat ini": "stage", "tahap tender saat ini": "stage",
    "keterangan": "note", "alasan pembatalan": "cancel_reason", "peserta tender": "participants",
}  # fmt: skip
AMOUNT_FIELDS = frozenset({"pagu", "hps", "realised"})
DATE_FIELDS = frozenset({"created_on", "completed_on"})
# DataTables columns of the listings, by listing (/dt/nonspk, /dt/swakelola).
# The tender and non-tender listings carry HPS and the stage; the others pagu and a status.
LISTING_COLUMNS = {
    "lelang": ("package_code", "name", "agency", "stage", "hps", "procurement_type", "method", "budget_year", "version"),
    "nontender": ("package_code", "name", "agency", "stage", "hps", "procurement_type", "method", "budget_year", "version"),
    "nonspk": ("package_code", "name", "agency", "pagu", "method", "procurement_type", "budget_year", "version", "stage"),
    "swakelola": ("package_code", "name", "agency", "pagu", "swakelola_type", "budget_year", "version", "stage"),
    "darurat": ("package_code", "name", "agency", "pagu", "method", "budget_year", "version", "stage"),
}  # fmt: skip
LISTING_COLUMNS["pencatatan"] = LISTING_COLUMNS["nonspk"]
# Winner and realisation tables: column header -> award field.
AWARD_COLUMNS = {
    "nama pemenang": "supplier_name", "nama penyedia": "supplier_name", "npwp": "npwp",
    "alamat": "address", "harga penawaran": "offer", "harga terkoreksi": "corrected_price",
    "harga negosiasi": "negotiated_price", "keterangan": "role",
}  # fmt: skip
AWARD_AMOUNTS = frozenset({"offer", "corrected_price", "negotiated_price"})
# The participants page (`peserta`): column header -> bidder field, award-style as in spse3.
PARTICIPANT_COLUMNS = {
    "nama peserta": "supplier_name", "npwp": "npwp", "alamat": "address",
    "harga penawaran": "offer", "harga terkoreksi": "corrected_price",
}  # fmt: skip
BIDDER = "bidder"  # the role of a participants page's rows among a notice's awards
PARTICIPANTS_TABLE = "//table[.//th[normalize-space()='Nama Peserta']]"
# The evaluation page (`hasil`): No | Nama Peserta | K | B | A | T | Penawaran | Penawaran
# Terkoreksi | H | P | PK | Alasan. Marks are icons; keys as spse3's evaluation has them.
EVALUATION_TABLE = (
    "//table[.//th[normalize-space()='Nama Peserta'] and .//th[normalize-space()='Alasan']]"
)
EVALUATION_COLUMNS = {
    "nama peserta": "supplier_name", "k": "passed_qualification", "b": "passed_verification",
    "a": "passed_administration", "t": "passed_technical", "penawaran": "offer",
    "harga penawaran": "offer", "penawaran terkoreksi": "corrected_price",
    "harga terkoreksi": "corrected_price", "h": "passed_price", "p": "is_winner",
    "pk": "is_contract_winner", "alasan": "fail_reason",
}  # fmt: skip
PASS_ICON = "fa-check"
FAIL_ICONS = ("fa-close", "fa-times", "fa-remove")
WINNER_ICONS = ("fa-check", "fa-star", "fa-trophy")  # P and PK: any of these is a yes
# "PT CONTOH - 01.234.567.8-901.000": the name cell of an evaluation page may carry the NPWP.
NPWP_SUFFIX = re.compile(r"\s+-\s+(\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3})$")
SCHEDULE_TABLE = "//table[.//th[normalize-space()='Tahap'] and .//th[normalize-space()='Mulai']]"
# Labels after the name ("Evaluasi Ulang", "Tender Ulang"): kept apart, not in the name.
BADGE = "span[contains(concat(' ', normalize-space(@class), ' '), ' badge ')]"
# What marks an SPSE 4 page whatever its host: the footer (national host), the assets of an
# LPSE's own host, or the label cells of the package tables.
SPSE4_MARKUP = re.compile(rb"Aplikasi SPSE|/eproc4/public/|<th[^>]*class=[\"']bgwarning[\"']")
LEGACY_PREFIX = "eproc4"  # SPSE 4 on an LPSE's own host: /eproc4/lelang/<code>/...
NATIONAL_HOST = "spse.inaproc.id"
# Sole traders win small packages under their own names; these words mark an organisation.
ORGANISATION_MARKERS = re.compile(
    r"^(pt|cv|ud|pd|fa|firma|koperasi|kop|perum|perseroan|yayasan|toko|tb|kso|konsorsium|persekutuan)\b"
    r"|\b(tbk|persero|kso|jo|joint operation|konsultan|consultant|engineering|group)\b"
    r"|\b(pt|cv)\.|[\s.,](pt|cv)\.?$",  # "PT. Contoh", "Contoh Jaya, CV"
    re.IGNORECASE,
)


CATEGORIES = ("tender", "nontender", "pencatatan", "swakelola", "darurat")
# category -> (listing and DataTables path, LISTING_COLUMNS key)
LISTINGS = {
    "tender": "lelang", "nontender": "nontender", "pencatatan": "pencatatan",
    "swakelola": "swakelola", "darurat": "darurat",
}  # fmt: skip
# category -> the package's pages, in the order read: (part, path with {code})
PAGES = {
    "tender": (
        ("announcement", "lelang/{code}/pengumumanlelang"), ("schedule", "lelang/{code}/jadwal"),
        ("participants", "lelang/{code}/peserta"), ("evaluation", "evaluasi/{code}/hasil"),
        ("awards", "evaluasi/{code}/pemenang"),
    ),
    "nontender": (
        ("announcement", "nontender/{code}/pengumumanpl"), ("schedule", "nontender/{code}/jadwal"),
        ("participants", "nontender/{code}/peserta"),
        ("evaluation", "evaluasinontender/{code}/hasil"),
        ("awards", "evaluasinontender/{code}/pemenang"),
    ),
    "pencatatan": (
        ("announcement", "pencatatan/pengumumannonspk?id={code}"),
        ("awards", "pencatatan/pengumumannonspkpemenang?id={code}"),
    ),
    "swakelola": (("announcement", "swakelola/{code}/pengumuman"),),
    "darurat": (
        ("announcement", "darurat/pengumumandarurat?id={code}"),
        ("awards", "darurat/pengumumandaruratpemenang?id={code}"),
    ),
}  # fmt: skip


def locate(
    url: str, legacy_hosts: Mapping[str, str] | None = None
) -> tuple[str, str, str, str] | None:
    """(lpse, category, part, package code) of a package page's URL, or None. On an LPSE's
    own host (/eproc4/...) the LPSE is the slug `legacy_hosts` gives the host, else the host."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    for category, pages in PAGES.items():
        for part, pattern in pages:
            regex = re.escape(pattern).replace(re.escape("{code}"), r"(\d+)")
            page_path, _, query = regex.partition(re.escape("?"))
            match = re.search(rf"(?:^|/)([\w-]+)/{page_path}$", path)
            if not match:
                continue
            code = match[2] if not query else re.fullmatch(query, parts.query or "")
            if code is None:
                continue
            lpse = match[1]
            if lpse == LEGACY_PREFIX:
                host = (parts.hostname or "").removeprefix("www.")
                lpse = (legacy_hosts or {}).get(host) or host or lpse
            return lpse, category, part, code if isinstance(code, str) else code[1]
    return None


def is_spse4_page(body: bytes, url: str) -> bool:
    """Whether a page is an SPSE 4 package page: by its markup, or by its URL's shape on an
    SPSE host (a news site's /lelang/2024/jadwal is not one)."""
    if SPSE4_MARKUP.search(body):
        return True
    parts = urlsplit(url)
    on_spse = parts.path.startswith(f"/{LEGACY_PREFIX}/") or parts.hostname == NATIONAL_HOST
    return on_spse and locate(url) is not None


def page_part(html: str) -> str:
    """What a package page is, read from the page where its URL does not say."""
    page = Selector(text=html)
    if page.xpath(EVALUATION_TABLE):
        return "evaluation"
    if page.xpath(PARTICIPANTS_TABLE):
        return "participants"
    return "schedule" if page.xpath(SCHEDULE_TABLE) else "announcement"


class NotSpse(ValueError):
    pass


@dataclass
class Notice:
    fields: dict[str, Any] = field(default_factory=dict)
    rup: list[dict[str, str]] = field(default_factory=list)  # Rencana Umum Pengadaan rows
    awards: list[dict[str, Any]] = field(default_factory=list)  # winners or realisations
    documents: list[tuple[str, str]] = field(default_factory=list)  # (href, link text)


def parse_notice_page(html: str, offset: str = WIB) -> Notice:
    """The labelled fields of a package page; amounts in rupiah, dates in ISO."""
    page = Selector(text=html)
    notice = Notice()
    # A row may pair two labels with their values (Nilai Pagu Paket | Nilai HPS Paket).
    for head in page.xpath("//tr[th and td]/th"):
        name = LABELS.get(_text(head).lower())
        cell = head.xpath("following-sibling::*[1][self::td]")
        if not name or name in notice.fields or not cell:
            continue
        value = " ".join(
            " ".join(cell.xpath(f".//text()[not(ancestor::{BADGE})]").getall()).split()
        )
        notice.fields[name] = _value(name, value, offset)
        if name == "name" and (labels := [_text(b) for b in cell.xpath(f".//{BADGE}")]):
            notice.fields["labels"] = [label for label in labels if label]
    for table in page.xpath("//table[.//th[normalize-space()='Kode RUP']]"):
        heads = [
            " ".join(t.split()).lower()
            for t in table.xpath(".//tr[th][1]/th//text()").getall()
            if t.strip()
        ]
        for cells in table.xpath(".//tr[td]"):
            values = [
                " ".join(" ".join(td.xpath(".//text()").getall()).split())
                for td in cells.xpath("./td")
            ]
            if len(values) == len(heads):
                notice.rup.append(dict(zip(heads, values, strict=True)))
    if "package_code" not in notice.fields and "name" not in notice.fields:
        raise NotSpse("no SPSE package fields on the page")
    notice.awards = _awards(page, offset)
    notice.documents = [
        (href, " ".join(" ".join(link.xpath(".//text()").getall()).split()))
        for link in page.xpath("//tr[th[contains(normalize-space(), 'Dokumen')]]/td//a[@href]")
        if (href := link.attrib["href"].strip())
        and not href.startswith(("#", "javascript:", "mailto:"))
    ]
    return notice


def parse_schedule(html: str, offset: str = WIB) -> list[dict[str, Any]]:
    """The stages of a package's schedule page (`jadwal`), with local times made ISO."""
    page = Selector(text=html)
    table = page.xpath(SCHEDULE_TABLE)
    if not table:
        raise NotSpse("no schedule table on the page")
    heads = [_text(th).lower() for th in table[0].xpath(".//tr[th][1]/th")]
    stages = []
    for row in table[0].xpath(".//tr[td]"):
        cells = dict(zip(heads, [_text(td) for td in row.xpath("./td")], strict=False))
        if not cells.get("tahap"):
            continue
        changed = re.match(r"(\d+)", cells.get("perubahan", ""))
        stages.append(
            {
                "stage": cells["tahap"],
                "starts_at": parse_date(cells.get("mulai"), offset),
                "ends_at": parse_date(cells.get("sampai"), offset),
                "changes": int(changed[1]) if changed else 0,
            }
        )
    return stages


def parse_participants(html: str) -> list[dict[str, Any]]:
    """The bidders of a participants page (`peserta`), award-style with role "bidder": name,
    NPWP, offer and corrected price (whole rupiah; None where the page shows none, as for
    those who registered but made no offer). Columns a page lacks are None."""
    bidders = []
    for cells in _bidder_rows(html, PARTICIPANTS_TABLE, PARTICIPANT_COLUMNS, "participants"):
        found = {column: _text(cell) for column, cell in cells.items()}
        name = found.get("supplier_name")
        if not name:
            continue  # a "no participants yet" row
        bidder: dict[str, Any] = {
            "role": BIDDER,
            "supplier_name": name,
            "npwp": found["npwp"] if _has_digits(found.get("npwp")) else None,
            "offer": parse_amount(found.get("offer")),
            "corrected_price": parse_amount(found.get("corrected_price")),
        }
        if "address" in found:
            bidder["address"] = found["address"] or None
        bidder["supplier_is_person"] = is_person(name)
        bidders.append(bidder)
    return bidders


def parse_evaluation(html: str) -> list[dict[str, Any]]:
    """The bidders of an evaluation page (`hasil`), award-style with role "bidder": name and
    NPWP (from "NAME - NPWP" in the name cell), offer and corrected price, each evaluation's
    mark (True passed, False failed, None not evaluated), whether the bidder won (P) and
    signed the contract (PK), and the reason it failed."""
    bidders = []
    for cells in _bidder_rows(html, EVALUATION_TABLE, EVALUATION_COLUMNS, "evaluation"):
        name = _text(cells["supplier_name"]) if "supplier_name" in cells else ""
        if not name:
            continue  # a "no evaluation yet" row
        npwp = NPWP_SUFFIX.search(name)
        bidder: dict[str, Any] = {
            "role": BIDDER,
            "supplier_name": name[: npwp.start()] if npwp else name,
            "npwp": npwp[1] if npwp else None,
        }
        for column, cell in cells.items():
            if column in ("offer", "corrected_price"):
                bidder[column] = parse_amount(_text(cell))
            elif column.startswith("passed_"):
                bidder[column] = _mark(cell)
            elif column.startswith("is_"):
                bidder[column] = _icon(cell, WINNER_ICONS)
            elif column == "fail_reason":
                bidder[column] = _text(cell) or None
        bidder["supplier_is_person"] = is_person(bidder["supplier_name"])
        bidders.append(bidder)
    return bidders


def _bidder_rows(
    html: str, table_xpath: str, columns: dict[str, str], what: str
) -> Iterator[dict[str, Selector]]:
    """Each body row of a page's bidder table as {column: cell}, by its header's names."""
    tables = Selector(text=html).xpath(table_xpath)
    if not tables:
        raise NotSpse(f"no {what} table on the page")
    table = tables[0]
    heads = [
        columns.get(_text(th).lower())
        for th in table.xpath("(./thead/tr[th] | ./tr[th] | ./tbody/tr[th])[1]/th")
    ]
    for row in table.xpath("./tr[td] | ./tbody/tr[td]"):
        yield {
            column: cell for column, cell in zip(heads, row.xpath("./td"), strict=False) if column
        }


def _mark(cell: Selector) -> bool | None:
    if _icon(cell, (PASS_ICON,)):
        return True
    return False if _icon(cell, FAIL_ICONS) else None


def _icon(cell: Selector, names: tuple[str, ...]) -> bool:
    classes = " ".join(cell.xpath(".//i/@class | .//span/@class").getall()).split()
    return any(name in classes for name in names)


def is_person(name: str | None) -> bool:
    """Whether a supplier looks like a person (a sole trader) rather than an organisation."""
    return bool(name) and not ORGANISATION_MARKERS.search(name or "")


def parse_listing(body: bytes, listing: str) -> tuple[list[dict[str, Any]], int | None]:
    """The rows of a DataTables listing as fields, and the total it reports."""
    try:
        data = json.loads(body)
        rows = data["data"]
    except (ValueError, KeyError, TypeError) as exc:
        raise NotSpse(f"not a DataTables listing: {exc}") from exc
    columns = LISTING_COLUMNS[listing]
    parsed = []
    for row in rows:
        record = dict(zip(columns, row, strict=False))
        for amount in ("pagu", "hps"):
            if amount in record:
                record[amount] = parse_amount(str(record[amount] or ""))
        parsed.append(record)
    total = data.get("recordsFiltered")
    return parsed, total if isinstance(total, int) and total < 2**31 - 1 else None


def _awards(page: Selector, offset: str) -> list[dict[str, Any]]:
    """Winner rows (tender, non-tender) or the suppliers of each realisation (pencatatan,
    darurat). A realisation's amount and date come from the row above its supplier table."""
    awards: list[dict[str, Any]] = []
    realisation: dict[str, Any] = {}
    for row in page.xpath("//tr[td]"):
        heads = [
            _text(th).lower()
            for th in row.xpath("ancestor::table[1]/tr[th]/th | ancestor::table[1]/thead/tr/th")
        ]
        cells = [_text(td) for td in row.xpath("./td")]
        if "jenis realisasi" in heads and len(cells) == len(heads):
            values = dict(zip(heads, cells, strict=True))
            realisation = {
                "contract_value": parse_amount(values.get("nilai realisasi")),
                "realised_on": parse_date(values.get("tanggal realisasi"), offset),
                "realisation_type": values.get("jenis realisasi"),
            }
            continue
        if not ({"nama pemenang", "nama penyedia"} & set(heads)) or len(cells) != len(heads):
            continue
        award: dict[str, Any] = {}
        for head, value in zip(heads, cells, strict=True):
            name = AWARD_COLUMNS.get(head)
            if name in AWARD_AMOUNTS:
                award[name] = parse_amount(value)
            elif name:
                award[name] = value or None
        if not award.get("supplier_name"):
            continue
        if "nama penyedia" in heads:
            award.update(realisation, role="realisation")
        else:
            role = (award.get("role") or "pemenang").lower()
            award["role"] = "reserve" if "cadangan" in role else "winner"
        award["npwp"] = award.get("npwp") if _has_digits(award.get("npwp")) else None
        award["supplier_is_person"] = is_person(award["supplier_name"])
        awards.append(award)
    return awards


def _has_digits(value: str | None) -> bool:
    return bool(value) and any(ch.isdigit() for ch in value or "")


def _text(node: Selector) -> str:
    return " ".join(" ".join(node.xpath(".//text()").getall()).split())


def _value(name: str, value: str, offset: str) -> Any:
    if name in AMOUNT_FIELDS:
        return parse_amount(value)
    if name in DATE_FIELDS:
        return parse_date(value, offset)
    if name == "budget_year":
        digits = [token for token in value.split() if token.isdigit() and len(token) == 4]
        return int(digits[0]) if digits else None
    if name == "participants":  # "137 peserta"
        count = re.match(r"\d+", value)
        return int(count[0]) if count else None
    return value


TOKEN_IN_PAGE = re.compile(r"authenticityToken\s*[=:]\s*['\"]([0-9A-Za-z_-]+)['\"]")
TOKEN_IN_COOKIE = re.compile(r"___AT=([0-9A-Za-z_-]+)")


def session(set_cookies: list[str], html: str) -> tuple[str | None, str | None]:
    """The SPSE_SESSION cookie (as a Cookie header value) and the authenticity token that the
    DataTables POSTs must carry: from the cookie, or else from the listing page's script."""
    cookie = next(
        (header.split(";", 1)[0] for header in set_cookies if header.startswith("SPSE_SESSION=")),
        None,
    )
    token = TOKEN_IN_COOKIE.search(cookie or "") or TOKEN_IN_PAGE.search(html)
    return cookie, token[1] if token else None
