"""SPSE 3 pages (Tapestry, under `/eproc/`), which LPSE sites ran before SPSE 4: the tender
and non-e-procurement listings, and a tender's information page (`lelang/view/<code>`),
schedule (`lelang/tahap/<code>`) and evaluation (`rekanan/lelangpeserta/<code>`). Fields are
named as in `spse`, so both versions land in the same columns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from parsel import Selector, SelectorList

from scrapers.extract.amounts import parse_amount
from scrapers.extract.dates import WIB, parse_date
from scrapers.extract.spse import (
    AMOUNT_FIELDS,
    BIDDER,
    DATE_FIELDS,
    LABELS,
    NPWP_SUFFIX,
    Notice,
    NotSpse,
    is_person,
)

# Every SPSE 3 page loads its scripts and styles from here; SPSE 4 pages never do.
LEGACY_MARKER = b"/eproc/assets/"

# SPSE 3 spellings of the information page's labels; spse.LABELS covers the shared ones.
LEGACY_LABELS = {
    "kode lelang": "package_code", "nama lelang": "name", "tahap lelang saat ini": "stage",
    "agency": "agency", "instansi": "agency", "kategori": "procurement_type",
    "metode kualifikasi": "qualification_method", "metode dokumen": "document_method",
    "metode evaluasi": "evaluation_method", "cara pembayaran": "contract_type",
    "pembebanan tahun anggaran": "contract_years", "sumber pendanaan": "contract_funding",
    "anggaran": "budget_year", "peserta lelang": "participants",
}  # fmt: skip
# A Tapestry grid names each cell after the property it shows (`pkt_nama`, `pkt_hps`).
LISTING_GRID = "//table[contains(concat(' ', @class, ' '), ' t-data-grid ')][thead]"
# Exact class: nested tables use a lowercase `titleLeft` for their column heads.
INFO_LABEL_CELLS = "//td[@class='TitleLeft']"
# Its heads are `td class="titleTop"` cells, not th as in SPSE 4.
SCHEDULE_TABLE = (
    "//table[tr[1]/*[normalize-space()='Tahap'] and tr[1]/*[normalize-space()='Mulai']]"
)
PAGER_NEXT = (
    "//div[contains(@class, 't-data-grid-pager')]/span[@class='current']"
    "/following-sibling::a[1]/@href"
)
EVALUATION_COLUMNS = {
    "nama peserta": "supplier_name", "administrasi": "passed_administration",
    "kualifikasi": "passed_qualification", "pembuktian": "passed_verification",
    "teknis": "passed_technical", "harga penawaran": "offer",
    "harga terkoreksi": "corrected_price", "pemenang": "winner", "alasan": "reason",
}  # fmt: skip
# A tender's pages under the host's /eproc root, in the order read: (part, path with {code}).
# The evaluation page lists every participant with its marks: it is the participants page too.
LISTING_PATH = "lelang"
PAGES = (
    ("announcement", "lelang/view/{code}"), ("schedule", "lelang/tahap/{code}"),
    ("evaluation", "rekanan/lelangpeserta/{code}"),
)  # fmt: skip
# What the evaluation page stands for among SPSE 4's pages.
EVALUATION_PARTS = ("participants", "evaluation", "awards")
BIDDER_KEYS = ("supplier_name", "npwp", "offer", "corrected_price", "supplier_is_person")
PASS_COLUMNS = tuple(
    column for column in EVALUATION_COLUMNS.values() if column.startswith("passed_")
)
TRAILING_ID = re.compile(r"/(\d+)/?$")

Node = Selector | SelectorList[Selector]


def parse_legacy_listing(html: str, base_url: str) -> list[dict[str, Any]]:
    """The rows of a tender listing or search result (`/eproc/lelang`), or of the
    non-e-procurement listing (`/eproc/publiclelangumum`). Listing amounts are rounded
    ("271,34 jt"); the information page has them to the rupiah."""
    grids = Selector(text=html).xpath(LISTING_GRID)
    if not grids:
        raise NotSpse("no SPSE 3 listing grid on the page")
    packages = []
    for row in grids.xpath("./tbody/tr[td]"):
        if _cell(row, "pkt_nama"):
            packages.append(_tender_row(row, base_url))
        elif _cell(row, "plp_nama_paket"):
            packages.append(_non_eproc_row(row, base_url))
    return packages


def legacy_next_page(html: str, base_url: str) -> str | None:
    """The absolute URL of the listing page after the current one, if any."""
    href = Selector(text=html).xpath(PAGER_NEXT).get()
    return urljoin(base_url, href) if href else None


def parse_legacy_notice(html: str, offset: str = WIB) -> Notice:
    """The labelled fields of a tender's information page; amounts in rupiah."""
    notice = Notice()
    for label_cell in Selector(text=html).xpath(INFO_LABEL_CELLS):
        value_cell = label_cell.xpath("following-sibling::td[1]")
        if not value_cell or value_cell.xpath(".//table"):
            continue  # the nested table's own labelled rows come up in turn
        label = _text(label_cell).lower()
        qualifier = re.search(r"\(([^)]*)\)$", label)
        label = label[: qualifier.start()].strip() if qualifier else label
        name = LEGACY_LABELS.get(label) or LABELS.get(label)
        if not name or name in notice.fields:
            continue
        if qualifier and "ulang" in qualifier[1]:  # "Nama Lelang (Lelang Ulang)"
            notice.fields["retender"] = True
        notice.fields.update(_info_value(name, value_cell[0], offset))
    if "package_code" not in notice.fields and "name" not in notice.fields:
        raise NotSpse("no SPSE 3 tender fields on the page")
    return notice


def parse_legacy_schedule(html: str, offset: str = WIB) -> list[dict[str, Any]]:
    """The stages of a tender's schedule page, keyed as spse.parse_schedule keys them."""
    page = Selector(text=html)
    tables = page.xpath(SCHEDULE_TABLE)
    if not tables:
        raise NotSpse("no SPSE 3 schedule table on the page")
    heads = [_text(cell).lower() for cell in tables[0].xpath("./tr[1]/*")]
    stages = []
    for row in tables[0].xpath("./tr[position() > 1]"):
        cells = dict(zip(heads, [_text(td) for td in row.xpath("./td")], strict=False))
        if not cells.get("tahap"):
            continue
        stages.append(
            {
                "stage": cells["tahap"],
                "starts_at": parse_date(cells.get("mulai"), offset),
                "ends_at": parse_date(cells.get("sampai"), offset),
                "changes": _changes(cells.get("history perubahan", "")),
            }
        )
    return stages


def parse_legacy_evaluation(html: str) -> list[dict[str, Any]]:
    """Every bidder of a tender's evaluation page, with award-style keys; the winner's role
    is "winner", the others' "bidder". Passes and the winner are shown as images."""
    page = Selector(text=html)
    tables = page.xpath("//table[tr[1]/th[normalize-space()='Nama Peserta']]")
    if not tables:
        raise NotSpse("no SPSE 3 evaluation table on the page")
    heads = [EVALUATION_COLUMNS.get(_text(th).lower()) for th in tables[0].xpath("./tr[1]/th")]
    bidders = []
    for row in tables[0].xpath("./tr[td]"):
        bidder: dict[str, Any] = {}
        for column, cell in zip(heads, row.xpath("./td"), strict=False):
            if column is None:
                continue
            if column in ("offer", "corrected_price"):
                bidder[column] = parse_amount(_text(cell))
            elif column == "winner" or column.startswith("passed_"):
                bidder[column] = bool(cell.xpath(".//img"))
            else:
                bidder[column] = _text(cell) or None
        if not bidder.get("supplier_name"):
            continue
        npwp = NPWP_SUFFIX.search(bidder["supplier_name"])
        if npwp:
            bidder["supplier_name"] = bidder["supplier_name"][: npwp.start()]
        bidder["npwp"] = npwp[1] if npwp else None
        bidder["role"] = "winner" if bidder.pop("winner", False) else "bidder"
        bidder["supplier_is_person"] = is_person(bidder["supplier_name"])
        bidders.append(bidder)
    return bidders


@dataclass
class LegacyBidders:
    """An evaluation page's rows as SPSE 4's pages give them: the participants (role
    "bidder"), their marks (spse.parse_evaluation's keys) and the winners (role "winner")."""

    bidders: list[dict[str, Any]] = field(default_factory=list)
    evaluation: list[dict[str, Any]] = field(default_factory=list)
    awards: list[dict[str, Any]] = field(default_factory=list)


def legacy_bidders(rows: list[dict[str, Any]]) -> LegacyBidders:
    """parse_legacy_evaluation's rows split as SPSE 4 pages would show them. The page shows
    a pass as an image and nothing else: a blank is a failure where the row gives a reason
    for one, else not evaluated (None). No evaluation at all (no mark, no winner, no reason
    on any row) is no evaluation rows, as a page not yet published would be."""
    found = LegacyBidders()
    for row in rows:
        bidder = {"role": BIDDER, **{key: row.get(key) for key in BIDDER_KEYS}}
        found.bidders.append(bidder)
        failed = bool(row.get("reason"))
        marks = {
            column: True if row.get(column) else (False if failed else None)
            for column in PASS_COLUMNS
            if column in row
        }
        won = row.get("role") == "winner"
        found.evaluation.append(
            {**bidder, **marks, "is_winner": won, "fail_reason": row.get("reason")}
        )
        if won:
            found.awards.append({**bidder, "role": "winner"})
    evaluated = any(
        row["is_winner"] or row["fail_reason"] or any(row.get(c) for c in PASS_COLUMNS)
        for row in found.evaluation
    )
    if not evaluated:
        found.evaluation = []
    return found


def _tender_row(row: Selector, base_url: str) -> dict[str, Any]:
    name_cell = _cell(row, "pkt_nama")
    title = name_cell.xpath(".//b//a[@href]")
    href = title.attrib.get("href", "")
    spans = [_text(span) for span in name_cell.xpath(".//div[@class='list']/span")]
    details = {spans[i].lower(): spans[i + 2] for i in range(0, len(spans) - 2, 3)}
    links = {_text(a).lower(): a.attrib["href"] for a in row.xpath(".//a[@href]")}
    schedule = _cell(row, "tahap").xpath(".//a/@href").get()
    return {
        "category": "tender",
        "package_code": _trailing_id(href),
        "name": _text(title),
        "url": urljoin(base_url, href),
        "agency": _text(_cell(row, "agc_nama")) or None,
        "stage": _lines(_cell(row, "tahap")),
        "hps": parse_amount(_text(_cell(row, "pkt_hps"))),
        "procurement_type": details.get("kategori"),
        "method": details.get("jenis lelang"),
        # qualification, document and evaluation methods in one phrase
        "selection_method": details.get("metode"),
        "schedule_url": urljoin(base_url, schedule) if schedule else None,
        "participants_url": urljoin(base_url, links["peserta"]) if "peserta" in links else None,
    }


def _non_eproc_row(row: Selector, base_url: str) -> dict[str, Any]:
    """A tender held outside the system and recorded afterwards. The link names the
    announcement, which several packages can share, so it is no package code."""
    link = _cell(row, "plp_nama_paket").xpath(".//a[@href]")
    href = link.attrib.get("href", "")
    period = _text(_cell(row, "ambil_dok")).split(" - ", 1)
    return {
        "category": "non_eproc",
        "package_code": None,
        "announcement_id": _trailing_id(href),
        "name": _text(link),
        "url": urljoin(base_url, href),
        "work_unit": _text(_cell(row, "stk_nama")) or None,
        "hps": parse_amount(_text(_cell(row, "plp_hps"))),
        "documents_from": parse_date(period[0]),
        "documents_until": parse_date(period[-1]) if len(period) == 2 else None,
    }


def _info_value(name: str, cell: Selector, offset: str) -> dict[str, Any]:
    text = _text(cell)
    if not text:
        return {}
    if name == "stage":
        return {"stage": _lines(cell)}
    if name == "budget_year":  # "2016 - APBD", a line per budget
        budgets = [re.match(r"(\d{4})\s*-?\s*(.*)", line) for line in _lines(cell).split("; ")]
        found = [match for match in budgets if match]
        if not found:
            return {}
        sources = dict.fromkeys(match[2] for match in found if match[2])
        return {"budget_year": int(found[0][1]), "funding_source": ", ".join(sources) or None}
    if name == "participants":  # "21 peserta [Detil...]"
        count = re.match(r"\d+", text)
        return {"participants": int(count[0])} if count else {}
    if name in AMOUNT_FIELDS:
        return {name: parse_amount(text)}
    if name in DATE_FIELDS:
        return {name: parse_date(text, offset)}
    return {name: text}


def _changes(text: str) -> int | None:
    """A count of changes, 0 for "Tidak ada" (none); None where the page says neither."""
    count = re.search(r"\d+", text)
    if count:
        return int(count[0])
    return 0 if text.lower() in ("", "tidak ada") else None


def _cell(row: Selector, name: str) -> SelectorList[Selector]:
    return row.xpath(f"./td[contains(concat(' ', @class, ' '), ' {name} ')]")


def _lines(node: Node) -> str:
    """Text whose lines are separate values (concurrent stages), joined with "; "."""
    lines = (" ".join(t.split()) for t in node.xpath(".//text()").getall())
    return "; ".join(line for line in lines if line)


def _trailing_id(href: str) -> str | None:
    match = TRAILING_ID.search(href)
    return match[1] if match else None


def _text(node: Node) -> str:
    return " ".join(" ".join(node.xpath(".//text()").getall()).split())
