"""The attachments linked from sample tender pages: our own text about each package, made into
PDF, DOCX or XLSX by samples/documents.py."""

from __future__ import annotations

from samples.documents import make_docx, make_pdf, make_scanned_pdf, make_xlsx
from samples.spse_content import Document, Package
from samples.spse_pages import rupiah

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "scanned": "application/pdf",
    "large": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "octet": "application/octet-stream",  # a PDF the server does not name
}
LARGE_SHEETS = 8800  # about 3 MB of PDF: above the size cap the tests give the crawl
BOQ_ITEMS = (
    ("Pekerjaan persiapan dan mobilisasi", "ls"),
    ("Pengukuran dan pemasangan bowplank", "m'"),
    ("Galian tanah pondasi", "m3"),
    ("Pasangan batu kali", "m3"),
    ("Beton mutu fc' 25 MPa", "m3"),
    ("Pembesian dan bekisting", "kg"),
    ("Pekerjaan finishing dan pengecatan", "m2"),
    ("Pembersihan akhir dan demobilisasi", "ls"),
)


def title_of(document: Document) -> str:
    """'Kerangka_Acuan_Kerja_10938471000.pdf' -> 'Kerangka Acuan Kerja'."""
    return document.filename.rsplit("_", 1)[0].replace("_", " ")


def document_bytes(package: Package, document: Document) -> bytes:
    title = title_of(document)
    if document.kind == "scanned":
        return make_scanned_pdf()
    if document.kind == "xlsx":
        return make_xlsx(bill_of_quantity(package, title))
    paragraphs = document_text(package, title)
    if document.kind == "docx":
        return make_docx(title, paragraphs)
    if document.kind == "large":
        paragraphs += [drawing_sheet(package, sheet) for sheet in range(1, LARGE_SHEETS)]
    return make_pdf(title, paragraphs)


def document_text(package: Package, title: str) -> list[str]:
    p = package
    days = 60 + len(p.name) % 5 * 30
    return [
        f"{title} ini disusun untuk paket {p.name} dengan kode tender {p.code} dan kode RUP "
        f"{p.rup_code}, yang dilaksanakan oleh {p.work_unit}, {p.agency}, dengan sumber dana "
        f"{p.funding} tahun anggaran {p.budget_year}.",
        f"Latar belakang. Kebutuhan atas pekerjaan ini muncul dari rencana kerja {p.work_unit} "
        "untuk meningkatkan mutu layanan kepada masyarakat. Pekerjaan dipilih melalui metode "
        f"{p.method} dengan jenis pengadaan {p.procurement_type}.",
        f"Ruang lingkup. Pekerjaan dilaksanakan di {p.location}. Penyedia menyiapkan tenaga, "
        "peralatan dan bahan sesuai spesifikasi, menyusun laporan kemajuan mingguan, dan "
        "menyerahkan hasil pekerjaan setelah diperiksa oleh pejabat penandatangan kontrak.",
        f"Nilai. Harga perkiraan sendiri (HPS) ditetapkan sebesar {rupiah(p.hps)} dari pagu "
        f"{rupiah(p.pagu)}, sudah termasuk pajak, keuntungan dan biaya umum. Jenis kontrak: "
        f"{p.contract_type}.",
        f"Jangka waktu. Pekerjaan diselesaikan dalam {days} hari kalender sejak tanggal surat "
        f"perintah mulai kerja. Kualifikasi usaha yang disyaratkan: {p.qualification}.",
    ]


def drawing_sheet(package: Package, sheet: int) -> str:
    return (
        f"Lembar {sheet}. Gambar teknis paket {package.code}: denah, potongan dan detail "
        f"struktur bagian {sheet % 12 + 1}, skala 1:{50 * (sheet % 4 + 1)}. Ukuran dalam "
        f"sentimeter kecuali dinyatakan lain; elevasi mengacu pada titik tetap BM-{sheet % 9 + 1}. "
        "Setiap perubahan gambar dicatat dalam berita acara dan disetujui direksi teknis."
    )


def bill_of_quantity(package: Package, title: str) -> list[list[str | int]]:
    rows: list[list[str | int]] = [
        [f"{title} - {package.name}"],
        [f"Kode tender {package.code}"],
        ["No", "Uraian Pekerjaan", "Volume", "Satuan", "Harga Satuan (Rp)", "Jumlah (Rp)"],
    ]
    share = package.hps // len(BOQ_ITEMS)
    for number, (item, unit) in enumerate(BOQ_ITEMS, start=1):
        volume = 1 if unit == "ls" else 10 * number + len(item)
        price = share // volume
        rows.append([number, item, volume, unit, price, price * volume])
    rows.append(["", "Jumlah", "", "", "", sum(int(r[5]) for r in rows[3:])])
    return rows
