"""HTML of the sample SPSE 4 pages, in the shape of the real templates: bgwarning label rows,
nav tabs, the nested RUP and supplier tables, the participants list, and a footer naming the
LPSE's time zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from html import escape

from samples.render import BULAN
from samples.spse_content import Bidder, Lpse, Package, Supplier, vocabulary
from samples.spse_evaluation import MARK_COLUMNS, marks

# Fixed seed for the footer clock: bodies change only when their data does (stable ETags).
CLOCK_SEED_MS = 1781226000000
LISTING_TITLES = {
    "lelang": "Tender", "nontender": "Non Tender", "pencatatan": "Pencatatan Non Tender",
    "swakelola": "Swakelola", "darurat": "Pengadaan Darurat",
}  # fmt: skip
LISTING_HEADS = {
    "lelang": ("Kode", "Nama Paket", "K/L/PD", "Tahapan", "HPS", "Jenis Pengadaan", "Metode",
               "Tahun Anggaran", "Versi SPSE"),
    "pencatatan": ("Kode", "Nama Paket", "K/L/PD", "Pagu", "Metode", "Jenis Pengadaan",
                   "Tahun Anggaran", "Versi", "Status"),
    "swakelola": ("Kode", "Nama Paket", "K/L/PD", "Pagu", "Tipe Swakelola", "Tahun Anggaran",
                  "Versi", "Status"),
    "darurat": ("Kode", "Nama Paket", "K/L/PD", "Pagu", "Metode", "Tahun Anggaran", "Versi",
                "Status"),
}  # fmt: skip
LISTING_HEADS["nontender"] = LISTING_HEADS["lelang"]


def rupiah(amount: int) -> str:
    """3800000 -> 'Rp. 3.800.000,00'."""
    return f"Rp. {amount:,}".replace(",", ".") + ",00"


def short_amount(amount: int) -> str:
    """The listings' abbreviation: '3,8 Jt', '271,34 Jt', '1,2 M'."""
    scale, unit = (10**9, "M") if amount >= 10**9 else (10**6, "Jt")
    number = f"{amount / scale:.2f}".rstrip("0").rstrip(".")
    return f"{number.replace('.', ',')} {unit}"


def tanggal(day: date) -> str:
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def waktu(moment: datetime) -> str:
    return f"{tanggal(moment)} {moment:%H:%M}"


def urls(slug: str, package: Package) -> dict[str, str]:
    """The package's pages by role: announcement, and schedule, participants and winner where
    it has them."""
    code, root = package.code, f"/{slug}"
    return {
        "tender": {
            "announcement": f"{root}/lelang/{code}/pengumumanlelang",
            "participants": f"{root}/lelang/{code}/peserta",
            "schedule": f"{root}/lelang/{code}/jadwal",
            "winner": f"{root}/evaluasi/{code}/pemenang",
        },
        "nontender": {
            "announcement": f"{root}/nontender/{code}/pengumumanpl",
            "participants": f"{root}/nontender/{code}/peserta",
            "schedule": f"{root}/nontender/{code}/jadwal",
            "winner": f"{root}/evaluasinontender/{code}/pemenang",
        },
        "pencatatan": {
            "announcement": f"{root}/pencatatan/pengumumannonspk?id={code}",
            "winner": f"{root}/pencatatan/pengumumannonspkpemenang?id={code}",
        },
        "swakelola": {"announcement": f"{root}/swakelola/{code}/pengumuman"},
        "darurat": {
            "announcement": f"{root}/darurat/pengumumandarurat?id={code}",
            "winner": f"{root}/darurat/pengumumandaruratpemenang?id={code}",
        },
    }[package.category]


def listing_row(package: Package) -> list[str]:
    """One DataTables row, in the column order of the package's listing."""
    p = package
    head = [p.code, p.name, p.agency]
    year = str(p.budget_year)
    if p.category in ("tender", "nontender"):
        return [*head, p.stage, short_amount(p.hps), p.procurement_type, p.method, year, "4.5"]
    if p.category == "pencatatan":
        return [*head, short_amount(p.pagu), p.method, p.procurement_type, year, "5", p.status]
    if p.category == "swakelola":
        return [*head, short_amount(p.pagu), p.swakelola_type, year, "5", p.status]
    return [*head, short_amount(p.pagu), "Darurat", year, "5", p.status]


def row(label: str, value: str, colspan: int = 3, raw: bool = False) -> str:
    cell = value if raw else escape(value)
    return (
        f'<tr>\n    <th class="bgwarning">{escape(label)}</th>\n'
        f'    <td colspan="{colspan}">{cell}</td>\n</tr>'
    )


def rup_table(package: Package) -> str:
    return f"""<table class="table table-sm" style="margin-bottom:0.1rem">
    <tr><th width="120">Kode RUP</th><th>Nama Paket</th><th width="200">Sumber Dana</th></tr>
    <tr><td>{package.rup_code}</td><td>{escape(package.name)}</td><td>{package.funding}</td></tr>
</table>"""


def evaluation_url(slug: str, package: Package) -> str:
    """A tender's or non-tender's evaluation page (published once it is evaluated)."""
    first = "evaluasi" if package.category == "tender" else "evaluasinontender"
    return f"/{slug}/{first}/{package.code}/hasil"


def tabs(slug: str, package: Package, active: str) -> str:
    labels = {
        "announcement": "Pengumuman",
        "participants": "Peserta",
        "schedule": "Jadwal",
        "evaluation": "Hasil Evaluasi",
        "winner": "Pemenang"
        if package.category in ("tender", "nontender")
        else "Pemenang Berkontrak",
    }
    pages = urls(slug, package)
    if package.category in ("tender", "nontender") and package.evaluated:
        pages = {**pages, "evaluation": evaluation_url(slug, package)}
    items = "".join(
        f'<li class="nav-item">\n    <a class="nav-link {" active " if role == active else ""}" '
        f'href="{escape(href)}">{labels[role]}</a>\n</li>\n'
        for role, href in pages.items()
    )
    return f'<ul class="nav nav-tabs" role="tablist">\n{items}</ul>'


def announcement_page(lpse: Lpse, package: Package) -> str:
    p, slug = package, lpse.slug
    word = {"tender": "Tender", "swakelola": "Swakelola"}.get(p.category, "Paket")
    rows = [
        row(f"Kode {word}", f"<strong>{p.code}</strong>", raw=True),
        row(f"Nama {word}", f"<strong>{escape(p.name)}</strong>", raw=True),
        row("Rencana Umum Pengadaan", rup_table(p), raw=True),
        row("Tanggal Pembuatan", tanggal(p.created)),
    ]
    selection = p.category in ("tender", "nontender")
    if selection:
        schedule = escape(urls(slug, p)["schedule"])
        rows.append(row("Keterangan", p.note))
        stage = f'<a href="{schedule}">{escape(p.stage)}</a>'
        rows.append(row(f"Tahap {word} Saat Ini", stage, raw=True))
    agency_label = "K/L/PD" if p.category == "swakelola" else "K/L/PD/Instansi Lainnya"
    rows += [row(agency_label, p.agency), row("Satuan Kerja", p.work_unit)]
    if p.category == "swakelola":
        rows.append(row("Tipe Pelaksana Swakelola", _swakelola_type(p)))
    else:
        rows += [row("Jenis Pengadaan", p.procurement_type), row("Metode Pengadaan", p.method)]
    funding = f" {p.funding} {p.budget_year}&nbsp;&nbsp;&nbsp;"
    rows += [row("Tahun Anggaran", funding, raw=True), row("Nilai Pagu Paket", rupiah(p.pagu))]
    if selection:
        rows += [
            row("Nilai HPS Paket", rupiah(p.hps)),
            row("Jenis Kontrak", p.contract_type),
            row("Lokasi Pekerjaan", p.location),
            row("Kualifikasi Usaha", p.qualification),
        ]
        if p.documents:
            rows.append(row("Dokumen Pemilihan", _document_links(slug, p), raw=True))
        if p.cancel_reason:
            rows.append(row("Alasan Pembatalan", p.cancel_reason))
    table = '<table class="table table-sm table-bordered">\n' + "\n".join(rows) + "\n</table>"
    body = f'{tabs(slug, p, "announcement")}\n<div class="content">\n{table}\n</div>'
    return layout(lpse, "Informasi Paket", body)


def schedule_page(lpse: Lpse, package: Package) -> str:
    word = "Tender" if package.category == "tender" else "Paket"
    head = _labelled_table(
        [(f"Kode {word}", package.code), (f"Nama {word}", package.name)], "table-bordered"
    )
    rows = "\n".join(
        f"<tr><td>{number}</td><td>{escape(stage.name)}</td><td>{waktu(stage.start)}</td>"
        f"<td>{waktu(stage.end)}</td>"
        f"<td>{f'{stage.changes} kali perubahan' if stage.changes else 'Tidak Ada'}</td></tr>"
        for number, stage in enumerate(package.schedule, start=1)
    )
    table = f"""<table class="table table-sm table-bordered" id="jadwal">
<tr><th width="30">No</th><th>Tahap</th><th width="160">Mulai</th><th width="160">Sampai</th><th>Perubahan</th></tr>
{rows}
</table>"""
    body = f'{tabs(lpse.slug, package, "schedule")}\n<div class="content">\n{head}\n{table}\n</div>'
    return layout(lpse, "Jadwal Tahapan", body)


def participants_page(lpse: Lpse, package: Package) -> str:
    """Who registered for the package, and what each offered once the offers are opened."""
    opened = package.offers_opened
    rows = "".join(
        f"""
<tr>
    <td>{number}</td>
    <td nowrap>
        {escape(b.supplier.name)}
    </td>
    <td>{escape(b.supplier.npwp)}</td>
    <td nowrap style="text-align:left">{rupiah(b.offer) if opened and b.offer else ""}</td>
    <td nowrap style="text-align:left">{rupiah(b.corrected) if opened and b.corrected else ""}</td>
</tr>"""
        for number, b in enumerate(package.bidders, start=1)
    )
    table = f"""<table class="table table-sm">
<thead>
<tr>
    <th width="10">No</th>
    <th>Nama Peserta</th>
    <th width="200">NPWP</th>
    <th width="auto" style="text-align: left;">Harga Penawaran</th>
    <th width="auto" style="text-align: left;">Harga Terkoreksi</th>
</tr>
</thead>
<tbody>{rows}
</tbody>
</table>"""
    body = f'{tabs(lpse.slug, package, "participants")}\n<div class="content">\n{table}\n</div>'
    return layout(lpse, "Peserta", body)


def evaluation_page(lpse: Lpse, package: Package) -> str:
    """The evaluation results: a row per offer, its marks as icons (K B A T, then H), the
    winner (P) once announced and the contract winner (PK) once the package is done; the
    name cell carries an organisation's NPWP, as SPSE prints it."""
    winner = package.winners[0].supplier if package.winner_shown and package.winners else None
    signed = winner is not None and package.stage_index >= len(package.schedule)

    def icon(value: bool | None) -> str:
        if value is None:
            return ""
        return '<i class="fa fa-check"></i>' if value else '<i class="fa fa-close"></i>'

    def cells(b: Bidder) -> str:
        given = marks(package, b)
        name = b.supplier.name
        if any(ch.isdigit() for ch in b.supplier.npwp):
            name = f"{name} - {b.supplier.npwp}"
        won = b.supplier == winner
        return f"""
    <td nowrap>{escape(name)}</td>
    {"".join(f'<td class="text-center">{icon(given[c])}</td>' for c in MARK_COLUMNS[:4])}
    <td nowrap style="text-align:left">{rupiah(b.offer) if b.offer else ""}</td>
    <td nowrap style="text-align:left">{rupiah(b.corrected) if b.corrected else ""}</td>
    <td class="text-center">{icon(given["H"])}</td>
    <td class="text-center">{icon(True) if won else ""}</td>
    <td class="text-center">{icon(True) if won and signed else ""}</td>
    <td>{escape(b.reason)}</td>"""

    offers = [b for b in package.bidders if b.offer is not None]
    rows = "".join(
        f"\n<tr>\n    <td>{number}</td>{cells(b)}\n</tr>"
        for number, b in enumerate(offers, start=1)
    )
    heads = "".join(
        f"<th>{head}</th>"
        for head in ("Nama Peserta", "K", "B", "A", "T", "Penawaran", "Penawaran Terkoreksi",
                     "H", "P", "PK", "Alasan")
    )  # fmt: skip
    table = f"""<table class="table table-sm table-bordered">
<thead>
<tr><th width="10">No</th>{heads}</tr>
</thead>
<tbody>{rows}
</tbody>
</table>"""
    body = f'{tabs(lpse.slug, package, "evaluation")}\n<div class="content">\n{table}\n</div>'
    return layout(lpse, "Hasil Evaluasi", body)


def winner_page(lpse: Lpse, package: Package) -> str:
    p = package
    word = "Tender" if p.category == "tender" else "Paket"
    head = _labelled_table(
        [
            (f"Kode {word}", p.code),
            (f"Nama {word}", p.name),
            ("K/L/PD/Instansi Lainnya", p.agency),
            ("Satuan Kerja", p.work_unit),
            ("Nilai Pagu Paket", rupiah(p.pagu)),
            ("Nilai HPS Paket", rupiah(p.hps)),
        ],
        "table-bordered",
    )
    if p.winner_shown:
        rows = "\n".join(
            f"<tr><td>{escape(w.supplier.name)}</td><td>{escape(w.supplier.address)}</td>"
            f"<td>{escape(w.supplier.npwp)}</td><td>{rupiah(w.offer)}</td>"
            f"<td>{rupiah(w.corrected)}</td><td>{rupiah(w.negotiated)}</td>"
            f"<td>{escape(w.note)}</td></tr>"
            for w in p.winners
        )
        result = f"""<table class="table table-sm table-bordered" id="pemenang">
<tr><th>Nama Pemenang</th><th>Alamat</th><th>NPWP</th><th>Harga Penawaran</th><th>Harga Terkoreksi</th><th>Harga Negosiasi</th><th>Keterangan</th></tr>
{rows}
</table>"""
    else:
        result = '<div class="alert alert-info">Belum ada pemenang</div>'
    body = f'{tabs(lpse.slug, p, "winner")}\n<div class="content">\n{head}\n{result}\n</div>'
    return layout(lpse, "Pemenang", body)


def realisation_page(lpse: Lpse, package: Package) -> str:
    """Pencatatan and darurat: what was paid, to whom (the real 'Pemenang Berkontrak' tab)."""
    p = package
    small = any(r.supplier.is_person or r.supplier.name.startswith("CV") for r in p.realisations)
    darurat = p.category == "darurat"
    head = _labelled_table(
        [
            ("Nama Paket", p.name),
            ("Metode Pengadaan", p.method),
            ("K/L/PD/Instansi Lainnya", p.agency),
            ("Satuan Kerja", p.work_unit),
            ("Nilai Pagu Paket", rupiah(p.pagu)),
            ("Nilai Total Realisasi", rupiah(p.realised)),
            ("Nilai PDN", "" if darurat else rupiah(p.realised)),
            ("Nilai UMK", "" if darurat else rupiah(p.realised if small else 0)),
            ("Tanggal Paket Selesai", tanggal(p.completed_on) if p.completed_on else ""),
        ],
        colspan=4,
    )
    rows = "".join(
        f"""
                <tr>
                    <td align="center">{number}</td>
                    <td>{escape(r.kind)}
                    </td>
                    <td>{rupiah(r.amount)}</td>
                    <td>{r.on:%d-%m-%Y}</td>
                    <tr>
                        <td></td>
                        <td colspan="3">{_supplier_table(r.supplier)}</td>
                    </tr>
                </tr>"""
        for number, r in enumerate(p.realisations, start=1)
    )
    realisations = f"""
    <tr>
        <td colspan="2">
            <div class="bs-callout bs-callout-info"><strong>Realisasi</strong></div>
            <table class="table table-sm">
                <tr>
                    <th width="30">No.</th>
                    <th>Jenis Realisasi</th>
                    <th>Nilai Realisasi</th>
                    <th>Tanggal Realisasi</th>
                </tr>{rows}
            </table>
        </td>
    </tr>"""
    body = f'{tabs(lpse.slug, p, "winner")}\n<div class="content">\n{head}\n{realisations}\n</div>'
    return layout(lpse, "Informasi Paket", body)


def listing_page(lpse: Lpse, listing: str, token: str, years: Iterable[int]) -> str:
    """The empty DataTables page whose script fetches the rows with the session's token."""
    year_options = "".join(
        f'<option value="{year}"{" selected" if year == 2026 else ""}>{year}</option>'
        for year in sorted(years, reverse=True)
    )
    heads = "".join(f"<th>{escape(h)}</th>" for h in LISTING_HEADS[listing])
    body = f"""<h4>Daftar Paket {LISTING_TITLES[listing]}</h4>
<form class="form-inline" method="get">
  <label for="tahun">Tahun Anggaran</label>
  <select name="tahun" id="tahun" class="form-control form-control-sm">{year_options}</select>
</form>
<table id="tbl{listing}" class="table table-sm table-bordered table-striped" style="width:100%">
  <thead><tr>{heads}</tr></thead>
</table>
<script>var authenticityToken = '{token}';</script>
<script>
$(function () {{
  $('#tbl{listing}').DataTable({{
    serverSide: true, pageLength: 25,
    ajax: {{ url: '/{lpse.slug}/dt/{listing}?tahun=' + $('#tahun').val(), type: 'POST',
            data: {{ authenticityToken: authenticityToken }} }}
  }});
}});
</script>"""
    return layout(lpse, f"Daftar Paket {LISTING_TITLES[listing]}", body, navbar=True)


def home_page(lpse: Lpse) -> str:
    links = "".join(
        f'<li><a href="/{lpse.slug}/{listing}">{title}</a></li>'
        for listing, title in LISTING_TITLES.items()
    )
    body = f'<h4>{escape(lpse.name)}</h4>\n<ul class="list-unstyled">{links}</ul>'
    return layout(lpse, "Beranda", body, navbar=True)


def layout(lpse: Lpse, title: str, body: str, navbar: bool = False) -> str:
    offset = int(lpse.timezone[1:3])
    menu = "".join(
        f'<li class="nav-item"><a class="nav-link" href="/{lpse.slug}/{listing}">{name}</a></li>'
        for listing, name in LISTING_TITLES.items()
    )
    header = (
        f'<ul class="navbar-nav">{menu}</ul>'
        if navbar
        else '<div class="navbar-header">Informasi Paket</div>'
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<title>{escape(lpse.name)} - {escape(title)}</title>
<meta http-equiv="Content-Type" content="text/html;charset=UTF-8"/>
<meta name="viewport" content="width=1024">
<link rel="stylesheet" href="/{lpse.slug}/public/css/application.css">
</head>
<body class="">
<div class="navbar navbar-primary fixed-top">
  <div class="container-fluid">{header}</div>
</div>
<div id="border-popup-wrapper">
  <div id="main">
{body}
  </div>
</div>
<div id="footer">
  <div class="container-fluid">
    <div id="footerInfo">
      <div id="infoLeft" class="float-left">
        <span id="realtime"></span> <span>{lpse.zone}</span>
      </div>
      <div id="infoRight">
        <p>&copy; 2006-2026 {escape(lpse.name)}</p>
        <p>Aplikasi SPSE v4.5</p>
      </div>
    </div>
  </div>
</div>
<script>
  $('#realtime').jclock({{ format: '%d %B %Y %H:%M', seedTime: parseInt({CLOCK_SEED_MS}),
                          utc: true, utc_offset: {offset} }});
</script>
</body>
</html>"""


def _labelled_table(rows: list[tuple[str, str]], css: str = "", colspan: int = 3) -> str:
    body = "\n".join(row(label, value, colspan) for label, value in rows)
    classes = f"table table-sm {css}".strip()
    return f'<table class="{classes}">\n{body}\n</table>'


def _supplier_table(supplier: Supplier) -> str:
    return f"""
                            <table class="table table-sm table-bordered">
                                <thead><tr><th width="5">No</th><th>Nama Penyedia</th><th>NPWP</th><th>Email</th><th>Telp</th><th>Alamat</th></tr></thead>
                                <tbody><tr><td>1</td><td>{escape(supplier.name)}</td><td>{escape(supplier.npwp)}</td><td>{escape(supplier.email)}</td><td>{escape(supplier.phone)}</td><td>{escape(supplier.address)}</td></tr></tbody>
                            </table>
                        """


def _document_links(slug: str, package: Package) -> str:
    return "<br>".join(
        f'<a href="/{slug}/lelang/{package.code}/dokumen/{d.number}/{escape(d.filename)}">'
        f"{escape(d.filename)}</a>"
        for d in package.documents
    )


def _swakelola_type(package: Package) -> str:
    types: dict[str, str] = vocabulary()["swakelola_types"]
    return types[package.swakelola_type]
