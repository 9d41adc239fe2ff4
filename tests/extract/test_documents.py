"""Attachment text extraction, on documents made by samples.documents."""

from __future__ import annotations

import io
import zipfile
from typing import cast

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject

from samples.documents import make_docx, make_pdf, make_scanned_pdf, make_xlsx
from scrapers.extract import documents
from scrapers.extract.documents import DocumentText, document_kind, extract_document

HPS = "Nilai HPS Rp 1.234.567.890,00 (termasuk PPN 11%) untuk paket Rehabilitasi Gedung C:\\Dinas."
PARAGRAPHS = [
    "Pokja Pemilihan mengumumkan tender pekerjaan konstruksi dengan pascakualifikasi.",
    HPS,
    "Dokumen Pemilihan dapat diunduh melalui aplikasi SPSE sampai batas waktu yang ditentukan.",
]
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole2_file(stream_name: str) -> bytes:
    """The start of a compound file whose directory names one stream, as .doc and .xls are."""
    return OLE2_MAGIC + bytes(504) + f"{stream_name}\0".encode("utf-16-le") + bytes(512)


def encrypted_pdf(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("Dokumen Pemilihan", [HPS]))))
    writer.encrypt(user_password=user_password, owner_password="pokja-rahasia", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ooxml(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def replace_part(package: bytes, name: str, text: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        parts = {member: archive.read(member).decode() for member in archive.namelist()}
    return ooxml({**parts, name: text})


def test_text_pdf_round_trips_indonesian_text() -> None:
    result = extract_document(make_pdf("Dokumen Pemilihan", PARAGRAPHS), "application/pdf", "x.pdf")

    assert (result.kind, result.pages, result.needs_ocr, result.problem) == ("pdf", 1, False, None)
    assert result.text.startswith("Dokumen Pemilihan\n")
    assert "Nilai HPS Rp 1.234.567.890,00 (termasuk PPN 11%)" in result.text
    assert "C:\\Dinas." in result.text


def test_long_pdf_spans_pages_and_is_capped_at_max_pages() -> None:
    numbered = [f"Pasal {n}. Ketentuan nomor {n} dalam Rancangan Kontrak." for n in range(1, 101)]
    body = make_pdf("Rancangan Kontrak", numbered)

    full = extract_document(body, "application/pdf", "kontrak.pdf")
    capped = extract_document(body, "application/pdf", "kontrak.pdf", max_pages=2)

    assert full.pages == capped.pages == 5
    assert "Pasal 100. Ketentuan nomor 100" in full.text and full.problem is None
    assert capped.problem == "too_many_pages"
    assert "Pasal 1. " in capped.text and "Pasal 100." not in capped.text


def test_scanned_pdf_needs_ocr() -> None:
    result = extract_document(make_scanned_pdf(), "application/pdf", "surat.pdf")

    assert result == DocumentText("pdf", "", 1, needs_ocr=True, problem="no_text")


def test_truncated_pdf_is_corrupt_not_an_exception() -> None:
    body = make_pdf("Dokumen Pemilihan", PARAGRAPHS)

    for cut in (10, len(body) // 2, len(body) - 40):
        result = extract_document(body[:cut], "application/pdf", "x.pdf")
        assert (result.kind, result.text, result.problem) == ("pdf", "", "corrupt"), cut


def test_encrypted_pdf_opens_with_empty_user_password_only() -> None:
    locked = extract_document(encrypted_pdf("rahasia"), "application/pdf", "x.pdf")
    open_to_read = extract_document(encrypted_pdf(""), "application/pdf", "x.pdf")

    assert (locked.text, locked.problem) == ("", "encrypted")
    assert open_to_read.problem is None
    assert "Rp 1.234.567.890,00" in open_to_read.text


def test_docx_round_trips_paragraphs() -> None:
    body = make_docx("Dokumen Pemilihan", [*PARAGRAPHS, "  "])

    result = extract_document(body, DOCX_TYPE, "dokumen.docx")

    assert result == DocumentText(
        "docx", "\n\n".join(["Dokumen Pemilihan", *PARAGRAPHS]), None, False, None
    )


def test_docx_reads_tables_and_text_boxes_once() -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    text_box = "<w:txbxContent><w:p><w:r><w:t>Lampiran I</w:t></w:r></w:p></w:txbxContent>"
    document = (
        f"<w:document {w} {mc}><w:body>"
        "<w:p><w:r><w:t>Jadwal</w:t></w:r><w:r><w:tab/><w:t>Tahap</w:t></w:r>"
        f"<w:r><mc:AlternateContent><mc:Choice>{text_box}</mc:Choice>"
        f"<mc:Fallback>{text_box}</mc:Fallback></mc:AlternateContent></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Pembukaan</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>12 Maret 2026</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:p><w:r><w:delText>dihapus</w:delText></w:r></w:p>"
        "</w:body></w:document>"
    )
    body = replace_part(make_docx("x", []), "word/document.xml", document)

    assert extract_document(body, None, "x.docx").text == (
        "Jadwal Tahap\n\nLampiran I\n\nPembukaan\n\n12 Maret 2026"
    )


def test_xlsx_round_trips_rows_as_tab_separated_lines() -> None:
    rows: list[list[str | int]] = [
        ["Nama Paket", "Nilai HPS"],
        ["Rehabilitasi Gedung C", 1234567890],
        ["Pengadaan ATK", 75000000],
    ]

    result = extract_document(make_xlsx(rows), "application/octet-stream", "rekap")

    assert result == DocumentText(
        "xlsx",
        "Nama Paket\tNilai HPS\nRehabilitasi Gedung C\t1234567890\nPengadaan ATK\t75000000",
        None,
        False,
        None,
    )


def test_xlsx_keeps_column_positions_and_reads_inline_and_rich_strings() -> None:
    s = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (
        f"<worksheet {s}><sheetData>"
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>Satuan</t></is></c></row>'
        '<row r="2"/>'
        '<row r="3"><c r="B3" t="s"><v>1</v></c><c r="C3" t="b"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    strings = (
        f"<sst {s}><si><t>Uraian</t></si><si><r><t>Semen </t></r><r><t>50 kg</t></r>"
        "<rPh><t>furigana</t></rPh></si></sst>"
    )
    body = make_xlsx([["x"]])
    body = replace_part(body, "xl/worksheets/sheet1.xml", sheet)
    body = replace_part(body, "xl/sharedStrings.xml", strings)

    assert extract_document(body, None, "rab.xlsx").text == "Uraian\t\tSatuan\n\tSemen 50 kg\tTRUE"


def test_legacy_office_files_are_named_but_not_read() -> None:
    doc = extract_document(ole2_file("WordDocument"), "application/octet-stream", "https://x/dl")
    xls = extract_document(ole2_file("Workbook"), None, "https://x/dl")

    assert doc == DocumentText("doc", "", None, False, "unsupported_format")
    assert xls == DocumentText("xls", "", None, False, "unsupported_format")


@pytest.mark.parametrize(
    ("body", "content_type", "url", "kind"),
    [
        (
            make_pdf("a", ["b"]),
            "application/octet-stream",
            "https://lpse.example/download/91",
            "pdf",
        ),
        (make_docx("a", ["b"]), "application/octet-stream", "https://x/dl?id=5", "docx"),
        (make_xlsx([["a"]]), "application/pdf", "https://x/rab.pdf", "xlsx"),
        (make_docx("a", ["b"])[:1024], None, "https://x/dl", "docx"),  # only the head
        (ole2_file("Book"), "application/pdf", "https://x/a.pdf", "xls"),
        (OLE2_MAGIC + bytes(600), None, "https://x/lampiran.DOC", "doc"),
        (OLE2_MAGIC + bytes(600), "application/pdf", "https://x/a", "unknown"),
        (ooxml({"a.pdf": "x"}), "application/zip", "https://x/dokumen.zip", "unknown"),
        (b"", "application/vnd.ms-excel; charset=binary", "https://x/a", "xls"),
        (b"plain", None, "https://x/Dokumen%20Pemilihan.PDF", "pdf"),
        (b"plain", "text/plain", "https://x/catatan.txt", "unknown"),
    ],
)
def test_document_kind_trusts_magic_bytes_over_headers(
    body: bytes, content_type: str | None, url: str, kind: str
) -> None:
    assert document_kind(content_type, url, body) == kind


@pytest.mark.parametrize(
    ("body", "content_type", "url", "problem"),
    [
        (b"", "application/pdf", "x.pdf", "empty"),
        (b"\n<!DOCTYPE html><html><title>Login</title>", "application/pdf", "x.pdf", "html_page"),
        (b"PK\x03\x04 not really a zip", DOCX_TYPE, "x.docx", "corrupt"),
        (ooxml({"a.pdf": "x"}), "application/zip", "dokumen.zip", "unsupported_format"),
        (make_docx("", []), DOCX_TYPE, "x.docx", "no_text"),
        (make_xlsx([]), None, "x.xlsx", "no_text"),
    ],
)
def test_problem_codes(body: bytes, content_type: str | None, url: str, problem: str) -> None:
    result = extract_document(body, content_type, url)

    assert (result.text, result.problem) == ("", problem)


def test_docx_missing_its_document_part_is_corrupt() -> None:
    with zipfile.ZipFile(io.BytesIO(make_docx("a", ["b"]))) as archive:
        parts = {name: archive.read(name).decode() for name in archive.namelist()}
    del parts["word/document.xml"]

    assert extract_document(ooxml(parts), DOCX_TYPE, "x.docx").problem == "corrupt"


def test_entity_declarations_are_refused() -> None:
    bomb = '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]><d>&a;&a;</d>'
    body = replace_part(make_docx("a", ["b"]), "word/document.xml", bomb)

    assert extract_document(body, DOCX_TYPE, "x.docx").problem == "corrupt"


def test_zip_parts_are_read_only_up_to_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_UNCOMPRESSED_BYTES", 2000)
    body = make_docx("Dokumen Pemilihan", [HPS] * 40)  # about 4 KB of document.xml

    assert extract_document(body, DOCX_TYPE, "x.docx").problem == "too_large_uncompressed"


def test_generators_are_deterministic() -> None:
    rows: list[list[str | int]] = [["a", 1]]

    assert make_pdf("a", PARAGRAPHS) == make_pdf("a", PARAGRAPHS)
    assert make_scanned_pdf() == make_scanned_pdf()
    assert make_docx("a", PARAGRAPHS) == make_docx("a", PARAGRAPHS)
    assert make_xlsx(rows) == make_xlsx(rows)


def test_scanned_pdf_is_one_image_and_no_text_operators() -> None:
    page = PdfReader(io.BytesIO(make_scanned_pdf(40, 60))).pages[0]
    content = page.get_contents()

    assert content is not None and b"/Im1 Do" in content.get_data()
    resources = cast(DictionaryObject, page["/Resources"])
    assert b"Tj" not in content.get_data() and "/Font" not in resources
    images = cast(DictionaryObject, resources["/XObject"].get_object())
    image = cast(DictionaryObject, images["/Im1"].get_object())
    assert (image["/Width"], image["/Height"], image["/ColorSpace"]) == (40, 60, "/DeviceGray")
