"""SPSE 3 pages: real captures from ../shared/realdata/spse3-legacy, and our own snippets."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from scrapers.extract.spse import NotSpse
from scrapers.extract.spse3 import (
    legacy_bidders,
    legacy_next_page,
    parse_legacy_evaluation,
    parse_legacy_listing,
    parse_legacy_notice,
    parse_legacy_schedule,
)
from tests.conftest import realdata

BASE = "https://lpse.jakarta.go.id/eproc/lelang"


def legacy_page(number: int) -> str:
    return (realdata("spse3-legacy") / f"lelang-{number}.html").read_text(encoding="utf-8")


def test_tender_listing() -> None:
    html = legacy_page(1)
    rows = parse_legacy_listing(html, BASE)
    assert len(rows) == 50
    assert rows[0] == {
        "category": "tender",
        "package_code": "29900127",
        "name": "Belanja Modal Pengadaan Radio UHF Dinas Kesehatan Provinsi DKI Jakarta Tahun 2015",
        "url": "https://lpse.jakarta.go.id/eproc/lelang/view/29900127",
        "agency": "UPPBJ Jakarta Pusat",
        "stage": "Pengumuman Pascakualifikasi; Download Dokumen Pengadaan",
        "hps": 271_340_000,
        "procurement_type": "Pengadaan Barang",
        "method": "e-Lelang Sederhana",
        "selection_method": "Pascakualifikasi Satu File - Sistem Gugur",
        "schedule_url": "https://lpse.jakarta.go.id/eproc/lelang/tahap/29900127",
        "participants_url": "https://lpse.jakarta.go.id/eproc/rekanan/lelangpeserta/29900127",
    }
    assert (rows[1]["hps"], rows[-1]["package_code"], rows[-1]["hps"]) == (
        3_530_000_000,
        "29548127",
        1_120_000_000,
    )
    assert legacy_next_page(html, BASE) == (
        "https://lpse.jakarta.go.id/eproc/lelang.gridtable.pager/2?s=5"
    )


def test_search_results_carry_exact_amounts() -> None:
    rows = parse_legacy_listing(legacy_page(3), BASE)
    assert len(rows) == 30
    assert [(row["package_code"], row["hps"]) for row in rows[:2]] == [
        ("29931127", 699_631_130),
        ("29926127", 1_247_896_308),
    ]
    assert rows[0]["name"] == "Belanja Pemeliharaan Alat Pendingin (Perbaikan Chiller 500TR)"
    assert rows[0]["agency"] == "UPPBJ BALAIKOTA"


def test_non_eproc_listing() -> None:
    rows = parse_legacy_listing(legacy_page(2), BASE)
    assert len(rows) == 50
    assert rows[0] == {
        "category": "non_eproc",
        "package_code": None,
        "announcement_id": "307905127",
        "name": "Audit laporan keuangan, evaluasi kinerja dan kepatuhan PD Pembangunan "
        "Sarana Jaya Tahun Buku 2013",
        "url": "https://lpse.jakarta.go.id/eproc/panitia/pengumumanview/307905127",
        "work_unit": "Perusahaan Daerah Pembangunan Sarana Jaya",
        "hps": 200_690_000,
        "documents_from": "2013-12-18",
        "documents_until": "2013-12-27",
    }
    shared = [row["name"] for row in rows if row["announcement_id"] == "307900127"]
    assert shared == ["Pembangunan Pasar Kota Maba Tahap V", "Pembangunan Pasar Subaim Tahap II"]


def test_information_page() -> None:
    fields = parse_legacy_notice(legacy_page(6)).fields
    assert fields == {
        "package_code": "566153",
        "name": "Lanjutan Pengecoran Jalan Sp. Lubuk Lancang - Pulau Rimau",
        "retender": True,
        "stage": "Pembukaan Dokumen Penawaran; Evaluasi penawaran; Evaluasi Dokumen Kualifikasi",
        "agency": "setda pemerintah kabupaten banyuasin",
        "work_unit": "Sekretariat Daerah Kabupaten Banyuasin",
        "procurement_type": "Pekerjaan Konstruksi",
        "method": "e-Lelang Umum",
        "qualification_method": "Pascakualifikasi",
        "document_method": "Satu File",
        "evaluation_method": "Sistem Gugur",
        "budget_year": 2016,
        "funding_source": "APBD",
        "pagu": 15_000_000_000,
        "hps": 15_000_000_000,
        "contract_type": "Lump Sum",
        "contract_years": "Tahun Tunggal",
        "contract_funding": "Pengadaan Tunggal",
        "qualification": "Perusahaan Non Kecil",
        "location": "Dalam Kab. Banyuasin - Banyuasin (Kab.)",
        "participants": 21,
    }


def test_schedule_page() -> None:
    stages = parse_legacy_schedule(legacy_page(4))
    assert len(stages) == 14
    assert stages[0] == {
        "stage": "Pengumuman Pascakualifikasi",
        "starts_at": "2015-10-30T11:00:00+07:00",
        "ends_at": "2015-11-03T16:00:00+07:00",
        "changes": 0,
    }
    assert (stages[-1]["stage"], stages[-1]["ends_at"]) == (
        "Penandatanganan Kontrak",
        "2015-11-18T16:00:00+07:00",
    )


def test_evaluation_page() -> None:
    bidders = parse_legacy_evaluation(legacy_page(5))
    assert len(bidders) == 24
    winners = [bidder for bidder in bidders if bidder["role"] == "winner"]
    assert len(winners) == 1
    assert winners[0]["supplier_name"].startswith("CV.")
    assert (winners[0]["offer"], winners[0]["corrected_price"]) == (1_881_060_000, 1_881_060_000)
    assert winners[0]["passed_administration"] and winners[0]["passed_technical"]
    assert all(re.fullmatch(r"[\d.]{12}-\d{3}\.\d{3}", bidder["npwp"]) for bidder in bidders)
    assert not any(re.search(r"\d{2}\.\d{3}", bidder["supplier_name"]) for bidder in bidders)
    rejected = bidders[13]
    assert (rejected["passed_administration"], rejected["passed_technical"]) == (True, False)
    assert rejected["reason"].startswith("Surat dukungan tidak memenuhi syarat")


@pytest.mark.parametrize(
    ("parse", "other_pages"),
    [
        (lambda html: parse_legacy_listing(html, BASE), (4, 5, 6)),
        (parse_legacy_notice, (1, 2, 3, 4, 5)),
        (parse_legacy_schedule, (1, 2, 3, 5, 6)),
        (parse_legacy_evaluation, (1, 2, 3, 4, 6)),
    ],
)
def test_other_pages_are_refused(parse: Callable[[str], Any], other_pages: tuple[int, ...]) -> None:
    for number in other_pages:
        with pytest.raises(NotSpse):
            parse(legacy_page(number))


def test_spse4_announcement_is_not_legacy() -> None:
    html = (realdata("spse") / "nonspk_pengumuman.html").read_text(encoding="utf-8")
    with pytest.raises(NotSpse):
        parse_legacy_notice(html)


# Our own page in the SPSE 3 style: a re-tendered package with two budget lines.
OWN_INFORMATION_PAGE = """<html><body><div class="header1">Informasi Lelang</div>
<table class="border">
<tr><td class="TitleLeft">Kode Lelang</td><td colspan="3" class="horizLine"><b>1234127</b></td></tr>
<tr><td class="TitleLeft">Nama Lelang (Lelang Ulang)</td>
 <td colspan="3" class="horizLine"><b>Rehabilitasi Saluran Air Kelurahan Contoh</b></td></tr>
<tr><td class="TitleLeft">Tahap Lelang Saat ini</td><td colspan="3" class="horizLine">
 <a href="/eproc/lelang/tahap/1234127">Upload Dokumen Penawaran<br/>
 Pemberian Penjelasan</a></td></tr>
<tr><td class="TitleLeft">Metode Pengadaan</td><td class="horizLine">e-Lelang Sederhana</td>
 <td class="TitleLeft">Metode Evaluasi</td><td class="horizLine">Sistem Gugur</td></tr>
<tr><td class="TitleLeft">Anggaran</td><td colspan="3" class="horizLine">
 <div>2014 - APBD</div><div>2014 - APBN</div></td></tr>
<tr><td class="TitleLeft">Nilai Pagu Paket</td><td class="horizLine">Rp 480.500.000,00</td>
 <td class="TitleLeft">Nilai HPS Paket</td><td class="horizLine">Rp 475.125.250,00</td></tr>
<tr valign="top"><td class="TitleLeft">Jenis Kontrak</td><td colspan="3" class="horizLine">
 <table class="border"><tr><td class="TitleLeft">Cara Pembayaran</td>
 <td class="horizLine">Harga Satuan</td></tr></table></td></tr>
<tr><td class="TitleLeft">Keterangan</td><td colspan="3" class="horizLine"><b></b></td></tr>
</table></body></html>"""


def test_own_information_page() -> None:
    assert parse_legacy_notice(OWN_INFORMATION_PAGE).fields == {
        "package_code": "1234127",
        "name": "Rehabilitasi Saluran Air Kelurahan Contoh",
        "retender": True,
        "stage": "Upload Dokumen Penawaran; Pemberian Penjelasan",
        "method": "e-Lelang Sederhana",
        "evaluation_method": "Sistem Gugur",
        "budget_year": 2014,
        "funding_source": "APBD, APBN",
        "pagu": 480_500_000,
        "hps": 475_125_250,
        "contract_type": "Harga Satuan",
    }


OWN_LISTING = """<html><body><table class="t-data-grid"><thead><tr>
<th class="lls_id t-first">No</th><th class="pkt_nama">Nama Lelang</th>
<th class="agc_nama">Agency</th>
<th class="tahap">Tahap</th><th class="pkt_hps t-last">HPS</th></tr></thead><tbody>
<tr class="horizLineTop t-first"><td class="lls_id">1</td><td class="pkt_nama">
 <b><a href="/eproc/lelang/view/1234127">Rehabilitasi Saluran Air Kelurahan Contoh</a></b><br/>
 <a href="/eproc/rekanan/lelangpeserta/1234127">Peserta</a>
 <div class="list"><span>Kategori</span><span>:</span><span>Pekerjaan Konstruksi</span><br/>
 <span>Jenis Lelang</span><span>:</span><span>e-Lelang Sederhana</span></div></td>
 <td class="agc_nama">UPPBJ Contoh</td>
 <td class="tahap"><a href="/eproc/lelang/tahap/1234127">Pengumuman Pascakualifikasi</a></td>
 <td class="pkt_hps"><span>475,13 jt</span></td></tr>
</tbody></table><div class="t-data-grid-pager"><span class="current">1</span>
<a href="/eproc/lelang.gridtable.pager/2">2</a></div></body></html>"""


def test_own_listing() -> None:
    base = "http://lpse.contoh.go.id/eproc/lelang"
    [row] = parse_legacy_listing(OWN_LISTING, base)
    assert (row["package_code"], row["hps"], row["selection_method"]) == (
        "1234127",
        475_130_000,
        None,
    )
    assert row["url"] == "http://lpse.contoh.go.id/eproc/lelang/view/1234127"
    assert row["participants_url"] == "http://lpse.contoh.go.id/eproc/rekanan/lelangpeserta/1234127"
    assert (row["agency"], row["procurement_type"], row["method"]) == (
        "UPPBJ Contoh",
        "Pekerjaan Konstruksi",
        "e-Lelang Sederhana",
    )
    assert (
        legacy_next_page(OWN_LISTING, base)
        == "http://lpse.contoh.go.id/eproc/lelang.gridtable.pager/2"
    )


def _evaluation_page(rows: str) -> str:
    heads = "".join(
        f'<th class="titleTop">{head}</th>'
        for head in ("No", "Nama Peserta", "Administrasi", "Teknis", "Harga Penawaran", "Pemenang",
                     "Alasan")
    )  # fmt: skip
    return f'<table class="border"><tr>{heads}</tr>{rows}</table>'


PASS = '<img src="/eproc/assets/x/ctx/assets/images/check-green.gif"/>'
STAR = '<img src="/eproc/assets/x/ctx/assets/images/star.gif"/>'


def test_evaluation_rows_as_spse4_pages_give_them() -> None:
    page = _evaluation_page(
        f"<tr><td>1</td><td>PT Satu - 01.234.567.8-901.000</td><td>{PASS}</td><td>{PASS}</td>"
        f"<td>Rp 100.000.000,00</td><td>{STAR}</td><td></td></tr>"
        f"<tr><td>2</td><td>CV Dua</td><td>{PASS}</td><td></td><td>Rp 90.000.000,00</td>"
        "<td></td><td>Metode tidak memenuhi</td></tr>"
        "<tr><td>3</td><td>Budi Santoso</td><td></td><td></td><td></td><td></td><td></td></tr>"
    )
    read = legacy_bidders(parse_legacy_evaluation(page))
    assert [b["role"] for b in read.bidders] == ["bidder"] * 3
    assert read.bidders[0]["npwp"] == "01.234.567.8-901.000"
    marks = [
        (r["passed_administration"], r["passed_technical"], r["is_winner"], r["fail_reason"])
        for r in read.evaluation
    ]
    assert marks == [
        (True, True, True, None),
        (True, False, False, "Metode tidak memenuhi"),  # a blank with a reason: failed
        (None, None, False, None),  # a blank without one: not evaluated
    ]
    assert [(a["role"], a["supplier_name"], a["offer"]) for a in read.awards] == [
        ("winner", "PT Satu", 100_000_000)
    ]


def test_participants_before_the_evaluation_have_no_marks() -> None:
    page = _evaluation_page(
        "<tr><td>1</td><td>PT Satu</td><td></td><td></td><td></td><td></td><td></td></tr>"
    )
    read = legacy_bidders(parse_legacy_evaluation(page))
    assert (len(read.bidders), read.evaluation, read.awards) == (1, [], [])
