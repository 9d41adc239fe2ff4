"""HTML of the sample SPSE 3 pages (Tapestry, under /eproc/), in the shape of the real
templates: the `t-data-grid` tender listing and its pager, the `TitleLeft` information page,
the `titleTop` schedule and the evaluation table whose passes and winner are images."""

from __future__ import annotations

from html import escape

from samples.spse_content import Bidder, Lpse, Package
from samples.spse_evaluation import marks
from samples.spse_pages import rupiah, short_amount, waktu

ASSETS = "/eproc/assets/5a3c0e8d11b2f407"  # every SPSE 3 page loads its assets from here
# Evaluation page columns: head -> the sample's mark column (samples.spse_evaluation).
MARK_HEADS = (("Administrasi", "A"), ("Kualifikasi", "K"), ("Pembuktian", "B"), ("Teknis", "T"))
PASSED = f'<img class="botBold" height="14" width="13" src="{ASSETS}/ctx/assets/images/check-green.gif"/>'
# The sample's methods (SPSE 4's names) as SPSE 3 named them.
METHODS = {"Tender": "e-Lelang Umum", "Tender Cepat": "e-Lelang Cepat", "Seleksi": "e-Seleksi Umum"}
WINNER = f'<img class="botBold" src="{ASSETS}/ctx/assets/images/star.gif"/>'


def legacy_stage(package: Package) -> str:
    """SPSE 3 said "Lelang" where SPSE 4 says "Tender"."""
    return package.stage.replace("Tender", "Lelang")


def listing_page(packages: list[Package], page: int, pages: int, first: int) -> str:
    rows = "".join(_listing_row(number, p) for number, p in enumerate(packages, start=first))
    pager = "".join(
        f'<span class="current">{n}</span>'
        if n == page
        else f'<a title="Go to page {n}" href="/eproc/lelang.gridtable.pager/{n}?s=5">{n}</a>'
        for n in range(1, pages + 1)
    )
    heads = (
        '<th class="lls_id t-first">No</th><th class="pkt_nama">Nama Lelang</th>'
        '<th class="agc_nama">Agency</th><th class="tahap">Tahap</th>'
        '<th class="pkt_hps t-last">HPS</th>'
    )
    body = f"""<div class="header1">Lelang</div>
<div class="t-data-grid"><table width="100%" class="t-data-grid"><thead><tr>{heads}</tr></thead>
<tbody>{rows}</tbody></table><div class="t-data-grid-pager">{pager}</div></div>"""
    return layout("Lelang", body)


def _listing_row(number: int, p: Package) -> str:
    view, code = f"/eproc/lelang/view/{p.code}", p.code
    details = (("Kategori", p.procurement_type), ("Jenis Lelang", METHODS[p.method]))
    spans = "".join(
        f'<span style="padding:2px;width:60px;">{label}</span><span>:</span>'
        f"<span>{escape(value)}</span><br/>"
        for label, value in details
    )
    return f"""<tr class="horizLineTop"><td class="lls_id">{number}</td><td class="pkt_nama">
<b><a class="jpopup" href="{view}">{escape(p.name)}</a></b><br/>
<a class="jpopup" href="{view}">Pengumuman</a> -
<a class="jpopup" href="/eproc/rekanan/lelangpeserta/{code}">Peserta</a><br/>
<div class="list">{spans}</div></td><td class="agc_nama">{escape(p.work_unit)}</td>
<td class="tahap"><a class="jpopup" href="/eproc/lelang/tahap/{code}">{escape(legacy_stage(p))}</a></td>
<td class="pkt_hps"><span align="right" style="white-space:nowrap;">{short_amount(p.hps)}</span></td></tr>"""


def information_page(lpse: Lpse, p: Package) -> str:
    rows = [
        ("Kode Lelang", f"<b>{p.code}</b>"),
        ("Nama Lelang", f"<b>{escape(p.name)}</b>"),
        ("Tahap Lelang Saat ini",
         f'<a class="jpopup" href="/eproc/lelang/tahap/{p.code}">{escape(legacy_stage(p))}</a>'),
        ("Agency", escape(lpse.agency)),
        ("Satuan Kerja", escape(p.work_unit)),
        ("Kategori", escape(p.procurement_type)),
        ("Metode Pengadaan", METHODS[p.method]),
        ("Anggaran", f"<div>{p.budget_year} - {p.funding}</div>"),
        ("Nilai Pagu Paket", rupiah(p.pagu).replace("Rp.", "Rp")),
        ("Nilai HPS Paket", rupiah(p.hps).replace("Rp.", "Rp")),
        ("Jenis Kontrak", '<table class="border" width="100%"><tr><td class="TitleLeft">'
         f'Cara Pembayaran</td><td class="horizLine">{escape(p.contract_type)}</td></tr></table>'),
        ("Kualifikasi Usaha", escape(p.qualification)),
        ("Lokasi Pekerjaan", f"<div>{escape(p.location)}</div>"),
        ("Peserta Lelang", f'{len(p.bidders)} peserta <a class="jpopup" '
         f'href="/eproc/rekanan/lelangpeserta/{p.code}">[Detil...]</a>'),
    ]  # fmt: skip
    table = "".join(
        f'<tr><td class="TitleLeft">{label}</td><td colspan="3" class="horizLine">{value}</td></tr>'
        for label, value in rows
    )
    body = f'<div class="header1">Informasi Lelang</div><table class="border" width="100%">{table}</table>'
    return layout("Informasi Lelang", body)


def schedule_page(p: Package) -> str:
    heads = "".join(
        f'<td class="titleTop" align="middle">{head}</td>'
        for head in (" ", "Tahap", "Mulai ", "Sampai", "History Perubahan")
    )
    rows = "".join(
        f'<tr><td class="horizLine"> </td><td class="horizLine">{escape(stage.name)}</td>'
        f'<td class="horizLineSel" nowrap="nowrap">{waktu(stage.start)} </td>'
        f'<td class="horizLine" nowrap="nowrap">{waktu(stage.end)} </td>'
        f'<td class="horizLineSel">{f"{stage.changes} kali" if stage.changes else "Tidak ada"}</td></tr>'
        for stage in p.schedule
    )
    body = (
        '<div class="header1">Tahap Lelang Saat Ini</div>'
        f'<table class="border" width="100%"><tr>{heads}</tr>{rows}</table>'
    )
    return layout("Tahap Lelang", body)


def evaluation_page(p: Package) -> str:
    """Every participant: passes once evaluated, prices once the offers are opened, the
    winner's star once announced, a failure's reason."""
    heads = "".join(
        f'<th class="titleTop">{head}</th>'
        for head in ("No", "Nama Peserta", *(h for h, _ in MARK_HEADS), "Harga Penawaran",
                     "Harga Terkoreksi", "Pemenang", "Alasan")
    )  # fmt: skip
    rows = "".join(_evaluation_row(number, p, b) for number, b in enumerate(p.bidders, start=1))
    body = (
        '<div class="header1">Hasil Evaluasi</div>'
        f'<table class="border" width="100%"><tr>{heads}</tr>{rows}</table>'
    )
    return layout("Peserta Lelang", body)


def _evaluation_row(number: int, p: Package, b: Bidder) -> str:
    given = marks(p, b) if p.evaluated and b.offer is not None else {}
    won = p.winner_shown and any(w.supplier == b.supplier for w in p.winners[:1])
    name = b.supplier.name
    if any(ch.isdigit() for ch in b.supplier.npwp):
        name = f"{name} - {b.supplier.npwp}"

    def price(amount: int | None) -> str:
        return rupiah(amount).replace("Rp.", "Rp") if p.offers_opened and amount else ""

    cells = [
        f'<td class="horizLineTop">{number}</td>',
        f'<td class="horizLineTop">{escape(name)}</td>',
        *(f'<td align="center" class="horizLineTop">{PASSED if given.get(c) else ""} </td>'
          for _, c in MARK_HEADS),
        f'<td nowrap="true" align="right" class="horizLineTop">{price(b.offer)} </td>',
        f'<td nowrap="true" align="right" class="horizLineTop">{price(b.corrected)} </td>',
        f'<td align="center" class="horizLineTop">{WINNER if won else ""} </td>',
        f'<td class="horizLineTop">{escape(b.reason) if p.evaluated else ""} </td>',
    ]  # fmt: skip
    return f"<tr>{''.join(cells)}</tr>"


def layout(title: str, body: str) -> str:
    return f"""<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8"/><title>{title}</title>
<link type="text/css" rel="stylesheet" href="{ASSETS}/assets-eproc/default.css"/>
<script src="{ASSETS}/stack/en_GB/core.js" type="text/javascript"></script></head>
<body><div class="border">{body}</div></body></html>"""
