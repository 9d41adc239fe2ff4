"""SPSE 4 (the LPSE e-procurement system) pages: a package's announcement or winner page,
and the DataTables JSON of its listings. Labels are read from the page, so the tender,
non-tender, swakelola and darurat variants share one parser."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

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
}  # fmt: skip
AMOUNT_FIELDS = frozenset({"pagu", "hps", "realised"})
DATE_FIELDS = frozenset({"created_on", "completed_on"})
# DataTables columns of the listings, by listing (/dt/nonspk, /dt/swakelola).
LISTING_COLUMNS = {
    "nonspk": ("package_code", "name", "agency", "pagu", "method", "procurement_type", "budget_year", "version", "stage"),
    "swakelola": ("package_code", "name", "agency", "pagu", "swakelola_type", "budget_year", "version", "stage"),
}  # fmt: skip


class NotSpse(ValueError):
    pass


@dataclass
class Notice:
    fields: dict[str, Any] = field(default_factory=dict)
    rup: list[dict[str, str]] = field(default_factory=list)  # Rencana Umum Pengadaan rows


def parse_notice_page(html: str, offset: str = WIB) -> Notice:
    """The labelled fields of a package page; amounts in rupiah, dates in ISO."""
    page = Selector(text=html)
    notice = Notice()
    for row in page.xpath("//tr[th and td]"):
        label = " ".join(row.xpath("./th[1]//text()").getall()).strip().lower()
        name = LABELS.get(" ".join(label.split()))
        if not name or name in notice.fields:
            continue
        value = " ".join(" ".join(row.xpath("./td[1]//text()").getall()).split())
        notice.fields[name] = _value(name, value, offset)
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
    return notice


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
        record["pagu"] = parse_amount(str(record.get("pagu") or ""))
        parsed.append(record)
    total = data.get("recordsFiltered")
    return parsed, total if isinstance(total, int) and total < 2**31 - 1 else None


def _value(name: str, value: str, offset: str) -> Any:
    if name in AMOUNT_FIELDS:
        return parse_amount(value)
    if name in DATE_FIELDS:
        return parse_date(value, offset)
    if name == "budget_year":
        digits = [token for token in value.split() if token.isdigit() and len(token) == 4]
        return int(digits[0]) if digits else None
    return value
