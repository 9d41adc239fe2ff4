"""SPSE package pages and listings (real captures from ../shared/realdata/spse), and amounts."""

from __future__ import annotations

import pytest

from scrapers.extract.amounts import parse_amount
from scrapers.extract.spse import NotSpse, parse_listing, parse_notice_page
from tests.conftest import realdata


@pytest.mark.parametrize(
    ("text", "rupiah"),
    [
        ("Rp. 3.800.000,00", 3_800_000),
        ("Rp 699.631.130,00", 699_631_130),
        ("3,8 Jt", 3_800_000),
        ("271,34 jt", 271_340_000),
        ("1,2 M", 1_200_000_000),
        ("Rp 2,5 miliar", 2_500_000_000),
        ("1,5 T", 1_500_000_000_000),
        ("Rp 150 juta", 150_000_000),
        ("-", None),
    ],
)
def test_parse_amount(text: str, rupiah: int | None) -> None:
    assert parse_amount(text) == rupiah


def test_non_tender_announcement() -> None:
    page = realdata("spse") / "nonspk_pengumuman.html"
    notice = parse_notice_page(page.read_text(encoding="utf-8"))
    assert notice.fields["package_code"] == "10942236000"
    assert notice.fields["agency"] == "Kementerian Imigrasi dan Pemasyarakatan"
    assert (notice.fields["method"], notice.fields["procurement_type"]) == (
        "Pengadaan Langsung",
        "Jasa Lainnya",
    )
    assert (notice.fields["pagu"], notice.fields["budget_year"], notice.fields["created_on"]) == (
        3_800_000,
        2026,
        "2026-06-10",
    )
    assert notice.rup == [
        {"kode rup": "62075727", "nama paket": notice.fields["name"], "sumber dana": "APBN"}
    ]


@pytest.mark.parametrize(
    ("name", "pagu", "realised"),
    [
        ("nonspk_pemenang_berkontrak.html", 3_800_000, 266_400),
        ("darurat_pemenang.html", 500_000_000, 0),
    ],
)
def test_winner_pages(name: str, pagu: int, realised: int) -> None:
    notice = parse_notice_page((realdata("spse") / name).read_text(encoding="utf-8"))
    assert (notice.fields["pagu"], notice.fields["realised"]) == (pagu, realised)
    assert notice.fields["completed_on"].startswith("2026-")


def test_swakelola_announcement_uses_its_own_labels() -> None:
    notice = parse_notice_page(
        (realdata("spse") / "swakelola_pengumuman.html").read_text(encoding="utf-8")
    )
    assert (notice.fields["package_code"], notice.fields["name"]) == (
        "10336514000",
        "Seleksi Pengisian Jabatan",
    )
    assert notice.fields["pagu"] == 176_320_000


@pytest.mark.parametrize(
    ("name", "listing"), [("dt_nonspk.json", "nonspk"), ("dt_swakelola.json", "swakelola")]
)
def test_datatables_listings(name: str, listing: str) -> None:
    rows, total = parse_listing((realdata("spse") / name).read_bytes(), listing)
    assert len(rows) == 25 and total is None  # SPSE reports 2^31-1 when it does not count
    assert all(row["package_code"].isdigit() and row["pagu"] and row["agency"] for row in rows)


def test_not_spse() -> None:
    with pytest.raises(NotSpse):
        parse_notice_page(
            "<html><body><table><tr><th>Nama</th><td>x</td></tr></table></body></html>"
        )
    with pytest.raises(NotSpse):
        parse_listing(b"<html>", "nonspk")
