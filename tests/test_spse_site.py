"""The sample SPSE site over HTTP: the session-token handshake, DataTables paging, package
pages, attachments, and the changes a night brings."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from http.cookiejar import CookieJar
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from parsel import Selector

from samples.server import SampleServer
from samples.spse_content import MIX, sample_lpses, sample_packages
from samples.spse_pages import urls
from samples.spse_site import UNCOUNTED, SpseSite
from scrapers.extract.spse import parse_notice_page, parse_participants

CATALOGUE = "Pengembangan Sistem Katalog Elektronik Nasional Tahap II"
EVALUATION = "Jasa Konsultansi Evaluasi Pengadaan Barang/Jasa Pemerintah 2026"


class Client:
    """A browser's view of the site: one cookie jar, the token read from the listing page."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self._open(Request(self.base + path))

    def token(self, slug: str = "lkpp", listing: str = "lelang") -> str:
        _, _, body = self.get(f"/{slug}/{listing}")
        match = re.search(r"var authenticityToken = '(\w+)';", body.decode())
        assert match
        return match[1]

    def post(
        self, path: str, form: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        return self._open(Request(self.base + path, urlencode(form).encode(), headers))

    def rows(
        self, slug: str, listing: str, query: str = "", **form: str
    ) -> tuple[int, dict[str, Any]]:
        """One DataTables call as the page's script makes it (DataTables noise included)."""
        fields = {"draw": "3", "start": "0", "length": "25", "columns[0][data]": "0",
                  "order[0][column]": "0", "search[value]": "", **form}  # fmt: skip
        fields.setdefault("authenticityToken", self.token(slug, listing))
        headers = {"X-Requested-With": "XMLHttpRequest", "Referer": f"{self.base}/{slug}/{listing}"}
        status, _, body = self.post(f"/{slug}/dt/{listing}{query}", fields, headers)
        return status, json.loads(body) if status == 200 else {}

    def all_rows(self, slug: str, listing: str, query: str = "") -> list[list[str]]:
        """Page until a short page, as a client must when the total is not counted."""
        rows: list[list[str]] = []
        while True:
            status, data = self.rows(slug, listing, query, start=str(len(rows)), length="100")
            assert status == 200
            rows += data["data"]
            if len(data["data"]) < 100:
                return rows

    def _open(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        try:
            with self.opener.open(request) as response:
                return response.status, dict(response.headers), response.read()
        except HTTPError as error:
            return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[SpseSite, str]]:
    """A sample that no test advances."""
    site = SpseSite.sample()
    with SampleServer({"spse": site}) as server:
        yield site, server.urls["spse"]


@pytest.fixture
def client(served: tuple[SpseSite, str]) -> Client:
    return Client(served[1])


def test_listing_page_starts_a_session_and_prints_its_token(client: Client) -> None:
    status, headers, body = client.get("/kotamakassar/nontender")
    cookie = headers["Set-Cookie"]
    assert status == 200
    match = re.fullmatch(
        r"SPSE_SESSION=([0-9a-f]+)-___AT=(\w+)&___TS=(\d{13}); Path=/; HttpOnly", cookie
    )
    assert match
    page = Selector(text=body.decode())
    assert f"var authenticityToken = '{match[2]}';" in body.decode()
    assert page.css("select[name=tahun] option::attr(value)").getall() == ["2026", "2025"]
    assert page.css("select[name=tahun] option[selected]::attr(value)").get() == "2026"
    status, headers, _ = client.get("/jatengprov/lelang")
    assert "Set-Cookie" not in headers and client.token("jatengprov") == match[2]


def test_datatables_refuses_what_spse_refuses(client: Client) -> None:
    token, referer, path = client.token(), f"{client.base}/lkpp/lelang", "/lkpp/dt/lelang"
    ajax = {"X-Requested-With": "XMLHttpRequest", "Referer": referer}
    assert client.post(path, {"authenticityToken": token}, ajax)[0] == 200
    refused = {
        "no session": Client(client.base).post(path, {"authenticityToken": token}, ajax),
        "wrong token": client.post(path, {"authenticityToken": "f" * 40}, ajax),
        "no token": client.post(path, {"draw": "1"}, ajax),
        "no XHR header": client.post(path, {"authenticityToken": token}, {"Referer": referer}),
        "another LPSE's referer": client.post(
            path, {"authenticityToken": token}, {**ajax, "Referer": f"{client.base}/jatengprov/"}
        ),
    }
    assert {reason: answer[0] for reason, answer in refused.items()} == dict.fromkeys(refused, 403)
    assert all(json.loads(answer[2])["error"] for answer in refused.values())
    assert client.get(path)[0] == 405


def test_tender_listing_counts_and_orders_newest_first(
    served: tuple[SpseSite, str], client: Client
) -> None:
    site = served[0]
    status, data = client.rows("lkpp", "lelang", "?tahun=2026", draw="7", length="10")
    tenders = [p for p in site.packages if p.lpse == "lkpp" and p.category == "tender"]
    this_year = [p for p in tenders if p.budget_year == 2026]
    assert status == 200 and data["draw"] == "7"
    assert data["recordsTotal"] == data["recordsFiltered"] == len(this_year)
    assert len(data["data"]) == 10 and all(len(row) == 9 for row in data["data"])
    newest = max(this_year, key=lambda p: (p.created, int(p.code)))
    row = data["data"][0]
    assert (row[0], row[1], row[3], row[7], row[8]) == (
        newest.code, newest.name, newest.stage, "2026", "4.5",
    )  # fmt: skip
    assert re.fullmatch(r"\d+(,\d+)? (Jt|M)", row[4])
    every_year = client.all_rows("lkpp", "lelang")
    assert len(every_year) == len(tenders)


def test_length_is_capped_at_100() -> None:
    site = SpseSite(sample_lpses(), sample_packages(per_lpse=300))  # 120 tenders an LPSE
    with SampleServer({"spse": site}) as server:
        client = Client(server.urls["spse"])
        assert len(client.rows("lkpp", "lelang", length="500")[1]["data"]) == 100
        assert len(client.rows("lkpp", "lelang", length="-1")[1]["data"]) == 100
        assert len(client.rows("lkpp", "lelang", start="100", length="100")[1]["data"]) == 20


def test_uncounted_listings_page_to_the_end(served: tuple[SpseSite, str], client: Client) -> None:
    site = served[0]
    page = client.rows("jatengprov", "pencatatan", start="10", length="10")[1]
    assert page["recordsTotal"] == UNCOUNTED and len(page["data"]) == 5
    for listing, category in (("swakelola", "swakelola"), ("darurat", "darurat")):
        rows = client.all_rows("kotamakassar", listing)
        expected = {
            p.code for p in site.packages if (p.lpse, p.category) == ("kotamakassar", category)
        }
        assert {row[0] for row in rows} == expected and len(rows) == len(expected)
    darurat = client.rows("kotamakassar", "darurat")[1]["data"][0]
    assert darurat[4] == "Darurat" and darurat[7] in (
        "Paket Sedang Berjalan",
        "Paket Selesai",
        "Paket Dibatalkan",
    )


def test_year_filter(served: tuple[SpseSite, str], client: Client) -> None:
    old = client.all_rows("lkpp", "pencatatan", "?tahun=2025")
    new = client.all_rows("lkpp", "pencatatan", "?tahun=2026")
    assert (
        old and new and {row[6] for row in old} == {"2025"} and {row[6] for row in new} == {"2026"}
    )
    assert len(client.all_rows("lkpp", "pencatatan")) == len(old) + len(new) == 15


def test_sample_mix_codes_and_named_tenders(served: tuple[SpseSite, str]) -> None:
    site = served[0]
    assert [lpse.slug for lpse in site.lpses] == ["lkpp", "jatengprov", "kotamakassar"]
    assert [lpse.timezone for lpse in site.lpses] == ["+07:00", "+07:00", "+08:00"]
    counts = Counter((p.lpse, p.category) for p in site.packages)
    assert counts == {
        (lpse.slug, category): share for lpse in site.lpses for category, share in MIX.items()
    }
    for lpse in site.lpses:
        codes = [p.code for p in site.packages if p.lpse == lpse.slug]
        assert len(set(codes)) == len(codes)
        assert all(code.isdigit() and 8 <= len(code) <= 11 for code in codes)
    assert all(re.fullmatch(r"\d{8}", p.rup_code) for p in site.packages)
    named = {p.name: (p.code, p.rup_code) for p in site.packages if p.lpse == "lkpp"}
    assert named[CATALOGUE] == ("10938471000", "52746113")
    assert named[EVALUATION] == ("10939152000", "52811904")
    people = [w for p in site.packages if p.winner_shown for w in p.winners if w.supplier.is_person]
    assert len(people) >= 5


def test_sample_is_the_same_every_time() -> None:
    first, second = SpseSite.sample(), SpseSite.sample()
    for package in first.packages[::17]:
        for url in urls(package.lpse, package).values():
            path, _, code = url.partition("?id=")
            query = {"id": code} if code else {}
            assert first.route(path, query).body == second.route(path, query).body


def test_tender_pages(client: Client) -> None:
    status, _, body = client.get("/lkpp/lelang/10938471000/pengumumanlelang")
    notice = parse_notice_page(body.decode())
    assert status == 200 and notice.fields["name"] == CATALOGUE
    assert notice.fields["stage"] == "Masa Sanggah" and notice.fields["budget_year"] == 2026
    assert notice.rup == [{"kode rup": "52746113", "nama paket": CATALOGUE, "sumber dana": "APBN"}]
    page = Selector(text=body.decode())
    assert page.xpath("//th[.='Dokumen Pemilihan']/following-sibling::td/a/@href").getall()
    schedule = Selector(text=client.get("/lkpp/lelang/10938471000/jadwal")[2].decode())
    heads = schedule.css("table#jadwal th::text").getall()
    assert heads == ["No", "Tahap", "Mulai", "Sampai", "Perubahan"]
    first = schedule.css("table#jadwal tr")[1].css("td::text").getall()
    assert first[:4] == [
        "1",
        "Pengumuman Pascakualifikasi",
        "23 April 2026 08:00",
        "29 April 2026 23:59",
    ]
    winner = Selector(text=client.get("/lkpp/evaluasi/10938471000/pemenang")[2].decode())
    cells = winner.css("table#pemenang tr")[1].css("td::text").getall()
    assert cells[0] == "PT Nusa Data Integrasi" and cells[-1] == "Pemenang"
    pending = client.get("/lkpp/evaluasi/10939152000/pemenang")[2].decode()
    assert "Belum ada pemenang" in pending and 'id="pemenang"' not in pending


def test_participants_pages(served: tuple[SpseSite, str], client: Client) -> None:
    site = served[0]
    catalogue = site.package("lkpp", "tender", "10938471000")
    assert catalogue and catalogue.offers_opened
    status, _, body = client.get("/lkpp/lelang/10938471000/peserta")
    page = Selector(text=body.decode())
    heads = page.css("div.content table thead th::text").getall()
    assert status == 200 and heads == [
        "No", "Nama Peserta", "NPWP", "Harga Penawaran", "Harga Terkoreksi",
    ]  # fmt: skip
    bidders = parse_participants(body.decode())
    winner = catalogue.winners[0]
    assert (bidders[0]["supplier_name"], bidders[0]["offer"]) == (
        winner.supplier.name,
        winner.offer,
    )
    assert len(bidders) == len(catalogue.bidders) >= 3
    assert any(b["offer"] is None for b in bidders)  # registered, made no offer
    waiting = next(p for p in site.packages if p.category == "tender" and not p.offers_opened)
    early = parse_participants(client.get(urls(waiting.lpse, waiting)["participants"])[2].decode())
    assert early and all(b["offer"] is None and b["corrected_price"] is None for b in early)
    invited = next(p for p in site.packages if p.category == "nontender")
    (only,) = parse_participants(
        client.get(urls(invited.lpse, invited)["participants"])[2].decode()
    )
    assert only["supplier_name"] == invited.winners[0].supplier.name
    assert client.get("/lkpp/lelang/99999999/peserta")[0] == 404


def test_other_package_pages_and_time_zones(served: tuple[SpseSite, str], client: Client) -> None:
    site = served[0]
    for package in site.packages:
        if package.lpse == "kotamakassar" and package.category in ("pencatatan", "swakelola"):
            status, _, body = client.get(urls("kotamakassar", package)["announcement"])
            text = body.decode()
            assert status == 200 and "<span>WITA</span>" in text
            assert parse_notice_page(text).fields["package_code"] == package.code
    paid = next(p for p in site.packages if p.category == "darurat" and p.realisations)
    text = client.get(urls(paid.lpse, paid)["winner"])[2].decode()
    assert parse_notice_page(text).fields["realised"] == paid.realised
    assert "<th>Nama Penyedia</th>" in text and "<span>WIB</span>" in text
    assert client.get("/lkpp/lelang/99999999/pengumumanlelang")[0] == 404
    assert client.get("/lkpp/pencatatan/pengumumannonspk?id=1")[0] == 404
    assert client.get("/nowhere/lelang")[0] == 404
    _, _, robots = client.get("/robots.txt")
    assert b"Disallow: /__control/" in robots


def test_documents(served: tuple[SpseSite, str], client: Client) -> None:
    documents = [(p, d) for p in served[0].packages for d in p.documents]
    assert len({p.code for p, _ in documents}) >= 20
    kinds = Counter(d.kind for _, d in documents)
    assert kinds == {
        "pdf": 25,
        "docx": 3,
        "xlsx": 2,
        "scanned": 2,
        "large": 1,
        "missing": 1,
        "octet": 1,
    }
    seen = {}
    for package, document in documents:
        status, headers, body = client.get(
            f"/{package.lpse}/lelang/{package.code}/dokumen/{document.number}/{document.filename}"
        )
        if document.kind == "missing":
            assert status == 404
            continue
        assert status == 200 and document.filename in headers["Content-Disposition"]
        seen[document.kind] = (headers["Content-Type"], body)
    assert seen["pdf"][0] == "application/pdf" and seen["pdf"][1].startswith(b"%PDF")
    assert seen["octet"][0] == "application/octet-stream" and seen["octet"][1].startswith(b"%PDF")
    assert seen["docx"][1].startswith(b"PK") and seen["xlsx"][1].startswith(b"PK")
    assert len(seen["large"][1]) > 2_500_000


def test_a_night_changes_exactly_what_it_reports() -> None:
    site = SpseSite.sample()
    with SampleServer({"spse": site}) as server:
        client = Client(server.urls["spse"])
        before = {
            url: client.get(url)[2] for p in site.packages for url in urls(p.lpse, p).values()
        }
        _, _, body = client.get("/__control/advance")
        changes = json.loads(body)["changes"]
        after = {url: client.get(url)[2] for url in before}
        listed = {
            lpse.slug: {row[0]: row for row in client.all_rows(lpse.slug, "pencatatan")}
            for lpse in site.lpses
        }
        listings = {"tender": "lelang", "nontender": "nontender", "pencatatan": "pencatatan"}
        new = [c for c in changes if c["what"] == "new"]
        new_listed = [
            c["code"] in {row[0] for row in client.all_rows(c["lpse"], listings[c["category"]])}
            for c in new
        ]
    assert Counter(c["what"] for c in changes) == {
        "stage": 20, "hps": 3, "schedule": 4, "cancelled": 2, "new": 5, "completed": 3,
    }  # fmt: skip
    changed = {(c["lpse"], c["code"]) for c in changes}
    assert len(changed) == len(changes)  # one change a package a night
    differing = {url for url in before if before[url] != after[url]}
    codes = {(url.split("/")[1], re.findall(r"\d{8,}", url)[0]) for url in differing}
    assert codes == changed - {(c["lpse"], c["code"]) for c in changes if c["what"] == "new"}
    by_what = {c["what"]: c for c in reversed(changes)}

    def page(change: dict[str, str], role: str) -> str:
        package = site.package(change["lpse"], change["category"], change["code"])
        assert package
        return after[urls(change["lpse"], package)[role]].decode()

    cancelled = page(by_what["cancelled"], "announcement")
    assert parse_notice_page(cancelled).fields["stage"] == "Tender Batal"
    assert "Alasan Pembatalan" in cancelled
    assert "Addendum" in page(by_what["hps"], "announcement")
    assert "1 kali perubahan" in page(by_what["schedule"], "schedule")
    announced = [c for c in changes if c["detail"].endswith("-> Pengumuman Pemenang")]
    assert len(announced) >= 2
    assert all('id="pemenang"' in page(c, "winner") for c in announced)
    completed = [c for c in changes if c["what"] == "completed"]
    assert all(listed[c["lpse"]][c["code"]][8] == "Paket Selesai" for c in completed)
    assert len(new_listed) == 5 and all(new_listed)
    second = site.advance()
    assert len(second) == len(changes) and {(c.lpse, c.code) for c in second} != changed
