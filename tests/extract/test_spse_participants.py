"""SPSE 4 on an LPSE's own host (/eproc4/...) and the participants page (peserta): the real
pages of one Jakarta tender (../shared/realdata/real-sites/spse4-legacy-host), our own
snippets in the same shape, and `procarchive extract` reading them as SPSE, not articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from procarchive.cli import main
from procarchive.extract import spse_records
from samples.spse_site import LegacyHost, SpseSite
from scrapers.extract.spse import (
    NotSpse,
    is_spse4_page,
    locate,
    page_part,
    parse_notice_page,
    parse_participants,
)
from tests.conftest import realdata

LEGACY = "https://lpse.jakarta.go.id/eproc4/lelang/52349127"
HOSTS = {"lpse.jakarta.go.id": "jakarta"}


def real_page(name: str) -> Path:
    return realdata("real-sites") / "spse4-legacy-host" / name


def test_real_announcement_on_a_legacy_host() -> None:
    notice = parse_notice_page(real_page("pengumumanlelang.html").read_text(encoding="utf-8"))
    fields = notice.fields
    assert (fields["package_code"], fields["name"], fields["labels"]) == (
        "52349127",
        "Pembangunan Waduk Marunda Tahap I",  # its "Evaluasi Ulang" badge kept apart
        ["Evaluasi Ulang"],
    )
    # Pagu and HPS share a row, a label-value pair each.
    assert (fields["pagu"], fields["hps"]) == (59_000_000_000, 58_938_321_000)
    assert (fields["budget_year"], fields["created_on"], fields["participants"]) == (
        2022,
        "2022-04-28",
        137,
    )
    assert (fields["stage"], fields["work_unit"], fields["qualification"]) == (
        "Penandatanganan Kontrak",
        "DINAS SUMBER DAYA AIR",
        "Besar",
    )
    assert notice.rup == [
        {"kode rup": "35746423", "nama paket": fields["name"], "sumber dana": "APBD"}
    ]


def test_real_participants_page() -> None:
    bidders = parse_participants(real_page("peserta.html").read_text(encoding="utf-8"))
    assert len(bidders) == 137
    assert bidders[0] == {
        "role": "bidder",
        "supplier_name": "PT. BUMI SELATAN PERKASA",
        "npwp": "01.513.583.3-915.000",
        "offer": 47_150_656_800,
        "corrected_price": 47_150_656_800,
        "supplier_is_person": False,
    }
    assert bidders[1]["offer"] == 49_802_888_461  # Rp. 49.802.888.461,02: whole rupiah
    offered = [b for b in bidders if b["offer"] is not None]
    assert len(offered) == 6 and all(b["corrected_price"] for b in offered)
    # The others registered and made no offer: no numbers, but their name and NPWP.
    assert all(b["corrected_price"] is None and b["npwp"] for b in bidders[6:])
    assert sorted(b["offer"] for b in offered) == [b["offer"] for b in offered]


def test_real_pages_are_recognised_without_a_url() -> None:
    for name, part in (("pengumumanlelang.html", "announcement"), ("peserta.html", "participants")):
        body = real_page(name).read_bytes()
        # The saved copies lost SPSE's footer: the /eproc4/ assets and the markup tell.
        assert b"Aplikasi SPSE" not in body
        assert is_spse4_page(body, "file:///tmp/page.html")
        assert page_part(body.decode()) == part


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_procarchive_extract_reads_the_legacy_host_pages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [str(real_page("pengumumanlelang.html")), str(real_page("peserta.html"))]
    urls = [f"{LEGACY}/pengumumanlelang", f"{LEGACY}/peserta"]
    assert main(["extract", *files, "--url", urls[0], "--url", urls[1]]) == 0
    announcement, participants = lines(capsys)
    assert announcement["spider"] == "spse_notices" and "article" not in announcement
    notice = announcement["notice"]
    assert isinstance(notice, dict)
    # The LPSE from the host, through lpse.yml's legacy_host.
    assert notice["id"] == "jakarta-tender-52349127"
    assert (notice["name"], notice["hps"], notice["rup_codes"]) == (
        "Pembangunan Waduk Marunda Tahap I",
        58_938_321_000,
        ["35746423"],
    )
    assert notice["announced_at"] == "2022-04-28" and notice["status"] == "active"
    assert participants["notice_id"] == "jakarta-tender-52349127"
    bidders = participants["bidders"]
    assert isinstance(bidders, list) and len(bidders) == 137


@pytest.mark.parametrize(
    ("url", "located"),
    [
        (f"{LEGACY}/pengumumanlelang", ("jakarta", "tender", "announcement", "52349127")),
        (f"{LEGACY}/peserta", ("jakarta", "tender", "participants", "52349127")),
        (
            "https://lpse.contoh.go.id/eproc4/nontender/123456/peserta",
            ("lpse.contoh.go.id", "nontender", "participants", "123456"),  # not registered
        ),
        (
            "https://spse.inaproc.id/kemenkeu/lelang/10011000/peserta",
            ("kemenkeu", "tender", "participants", "10011000"),
        ),
        (
            "https://spse.inaproc.id/kemenkeu/evaluasi/10011000/pemenang",
            ("kemenkeu", "tender", "awards", "10011000"),
        ),
        ("https://lpse.jakarta.go.id/eproc4/berita/1", None),
    ],
)
def test_locate_on_any_host(url: str, located: tuple[str, str, str, str] | None) -> None:
    assert locate(url, HOSTS) == located


def test_an_article_linking_to_a_tender_is_no_spse_page() -> None:
    article = (
        b"<html><body><article><p>Tender Waduk Marunda diumumkan di "
        b'<a href="https://lpse.jakarta.go.id/eproc4/lelang/52349127/pengumumanlelang">LPSE</a>'
        b"</p></article></body></html>"
    )
    assert not is_spse4_page(article, "https://berita.contoh.id/waduk-marunda")
    assert not is_spse4_page(article, "https://berita.contoh.id/kabar/lelang/2024/jadwal")
    # A page that lost its markup is still known by its address on an SPSE host.
    assert is_spse4_page(b"<html></html>", f"{LEGACY}/peserta")
    assert is_spse4_page(b"<html></html>", "https://spse.inaproc.id/pu/lelang/1001/jadwal")


# Our own participants page in the real shape, a column short: no corrected price.
OWN_PARTICIPANTS = """<html><body><div class="content"><table class="table table-sm">
<thead><tr><th width="10">No</th><th>Nama Peserta</th><th width="200">NPWP</th>
<th width="auto">Harga Penawaran</th></tr></thead>
<tbody>
<tr><td>1</td><td nowrap> CV Tirta Bening Sejahtera </td><td>02.345.678.9-012.000</td>
<td nowrap>Rp. 812.400.000,00</td></tr>
<tr><td>2</td><td nowrap> Sulastri Wahyuningsih </td><td>-</td><td nowrap></td></tr>
<tr><td colspan="4">Tidak ada data</td></tr>
</tbody></table></div></body></html>"""


def test_own_participants_page_missing_a_column() -> None:
    assert parse_participants(OWN_PARTICIPANTS) == [
        {
            "role": "bidder", "supplier_name": "CV Tirta Bening Sejahtera",
            "npwp": "02.345.678.9-012.000", "offer": 812_400_000, "corrected_price": None,
            "supplier_is_person": False,
        },
        {
            "role": "bidder", "supplier_name": "Sulastri Wahyuningsih", "npwp": None,
            "offer": None, "corrected_price": None, "supplier_is_person": True,
        },
    ]  # fmt: skip
    # Columns are found by their heads, in any order; an address where a page shows one.
    reordered = """<table><tr><th>Harga Terkoreksi</th><th>Alamat</th><th>Nama Peserta</th></tr>
    <tr><td>Rp 99.500.000,00</td><td>Jl. Contoh No. 3</td><td>PT Karya Contoh</td></tr></table>"""
    assert parse_participants(reordered) == [
        {
            "role": "bidder", "supplier_name": "PT Karya Contoh", "npwp": None, "offer": None,
            "corrected_price": 99_500_000, "address": "Jl. Contoh No. 3",
            "supplier_is_person": False,
        }
    ]  # fmt: skip
    with pytest.raises(NotSpse):
        parse_participants("<html><body><table><tr><th>Nama</th></tr></table></body></html>")


def test_sample_pages_served_in_the_legacy_host_shape() -> None:
    site = SpseSite.sample()
    package = next(p for p in site.packages if p.lpse == "jatengprov" and p.offers_opened)
    host = LegacyHost(site, "jatengprov")
    url = f"https://lpse.jatengprov.go.id/eproc4/lelang/{package.code}"
    announcement = host.route(f"/eproc4/lelang/{package.code}/pengumumanlelang", {})
    page = announcement.body.decode()
    assert announcement.status == 200 and f'"/eproc4/lelang/{package.code}/peserta"' in page
    assert '"/jatengprov/' not in page
    record = spse_records(announcement.body, f"{url}/pengumumanlelang")
    assert record is not None and record["notice"]["id"] == f"jatengprov-tender-{package.code}"
    assert record["notice"]["hps"] == package.hps
    participants = host.route(f"/eproc4/lelang/{package.code}/peserta", {})
    read = spse_records(participants.body, f"{url}/peserta")
    assert read is not None
    assert [(b["supplier_name"], b["offer"]) for b in read["bidders"]] == [
        (b.supplier.name, b.offer) for b in package.bidders
    ]
    assert host.route("/jatengprov/lelang", {}).status == 404


# Our own announcement in the legacy host's shape: two label-value pairs in a row, a badge.
OWN_ANNOUNCEMENT = """<html><head><link rel="stylesheet" href="/eproc4/public/css/application.css">
</head><body><div class="content"><table class="table table-sm table-bordered">
<tr><th class="bgwarning" width="200">Kode Tender</th><td colspan="3"><strong>7712345</strong></td></tr>
<tr><th class="bgwarning">Nama Tender</th><td colspan="3"><strong>Rehabilitasi Pasar Contoh</strong>
 <span class="badge  badge-info">Tender Ulang</span></td></tr>
<tr><th class="bgwarning">Tahun Anggaran</th><td colspan="3"> APBD 2021&nbsp;&nbsp;&nbsp;</td></tr>
<tr><th class="bgwarning">Nilai Pagu Paket</th><td width="200">Rp. 2.500.000.000,00</td>
 <th class="bgwarning" width="200">Nilai HPS Paket</th><td>Rp. 2.480.125.000,00</td></tr>
<tr><th class="bgwarning">Peserta Tender</th><td colspan="3">12 peserta</td></tr>
</table></div></body></html>"""


def test_own_announcement_in_the_legacy_shape() -> None:
    assert is_spse4_page(OWN_ANNOUNCEMENT.encode(), "file:///tmp/page.html")
    assert parse_notice_page(OWN_ANNOUNCEMENT).fields == {
        "package_code": "7712345", "name": "Rehabilitasi Pasar Contoh", "labels": ["Tender Ulang"],
        "budget_year": 2021, "pagu": 2_500_000_000, "hps": 2_480_125_000, "participants": 12,
    }  # fmt: skip
