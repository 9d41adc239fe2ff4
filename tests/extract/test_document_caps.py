"""Hostile attachments end quickly, with a reason, inside extract_document's own caps."""

from __future__ import annotations

import io
import zipfile

import pytest

from samples.documents import make_docx, make_pdf, make_xlsx
from samples.hostile_documents import amplifying_xlsx, many_elements_docx, many_pages_pdf
from scrapers.extract import documents
from scrapers.extract.documents import DEFAULT_MAX_CHARS, extract_document
from tests.extract.test_documents import replace_part

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_shared_string_shown_by_many_cells_is_cut_at_max_chars() -> None:
    body = amplifying_xlsx(string_chars=1_000_000, cells=10)  # 5 KB reading to 10 M chars

    result = extract_document(body, XLSX_TYPE, "rekap.xlsx")

    assert (result.kind, result.problem) == ("xlsx", "truncated")
    assert len(result.text) == DEFAULT_MAX_CHARS and set(result.text) == {"A", "\t"}


def test_a_long_docx_keeps_its_first_max_chars() -> None:
    body = many_elements_docx(400_000, "kata")  # 2.4 M characters of text

    result = extract_document(body, None, "laporan.docx")

    assert result.problem == "truncated" and len(result.text) == DEFAULT_MAX_CHARS
    assert result.text.startswith("kata\n\nkata\n\n")


def test_pdf_text_stops_at_max_chars() -> None:
    paragraph = "Pokja Pemilihan mengumumkan tender pekerjaan konstruksi. " * 20
    body = make_pdf("Dokumen", [paragraph] * 30)  # several pages

    result = extract_document(body, "application/pdf", "x.pdf", max_chars=3000)

    assert (result.problem, len(result.text)) == ("truncated", 3000)
    assert result.pages is not None and result.pages > 2


@pytest.mark.parametrize("declared", [None, 10])
def test_a_pdf_of_150_000_pages_is_too_many_pages_without_its_tree_read(
    declared: int | None,
) -> None:
    """Whether its page tree declares its size or lies about it (pypdf's entry limit)."""
    body = many_pages_pdf(150_000, declared)

    result = extract_document(body, "application/pdf", "lampiran.pdf")

    assert (result.kind, result.problem, result.text) == ("pdf", "too_many_pages", "")
    assert result.pages == (150_000 if declared is None else 10)


def test_a_pdf_under_the_page_tree_cap_keeps_its_first_pages() -> None:
    body = make_pdf("Dokumen", ["Isi halaman."] * 200)  # 9 pages

    result = extract_document(body, "application/pdf", "x.pdf", max_pages=2)

    assert (result.problem, result.pages) == ("too_many_pages", 9) and result.text


def test_shared_strings_are_capped_in_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_SHARED_STRINGS", 2)
    body = make_xlsx([["Uraian", "Volume"], ["Semen", "Pasir"]])

    result = extract_document(body, XLSX_TYPE, "rab.xlsx")

    assert (result.text, result.problem) == ("Uraian\tVolume", "truncated")


def test_a_cell_reference_past_the_last_column_places_the_cell_by_position() -> None:
    s = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (
        f'<worksheet {s}><sheetData><row r="1"><c r="ZZZZ1" t="inlineStr"><is><t>Uraian</t></is>'
        '</c><c r="B1"><v>5</v></c></row></sheetData></worksheet>'
    )
    body = replace_part(make_xlsx([["x"]]), "xl/worksheets/sheet1.xml", sheet)

    assert extract_document(body, XLSX_TYPE, "rab.xlsx").text == "Uraian\t5"


def test_zip_parts_compressed_other_than_by_deflate_are_refused() -> None:
    """bzip2 and LZMA inflate a whole block at once, past any read cap; OOXML never uses them."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(make_docx("Judul", ["Isi."]))) as package,
        zipfile.ZipFile(out, "w") as copy,
    ):
        for name in package.namelist():
            method = zipfile.ZIP_BZIP2 if name == "word/document.xml" else zipfile.ZIP_DEFLATED
            copy.writestr(name, package.read(name), compress_type=method)

    assert extract_document(out.getvalue(), None, "x.docx").problem == "corrupt"
