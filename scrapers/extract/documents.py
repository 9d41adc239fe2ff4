"""Text of downloaded attachments: PDF (pypdf), DOCX and XLSX (zipfile + ElementTree).

Never raises on a bad body: every failure becomes a short `problem` code.
  encrypted               a PDF that does not open with the empty password
  corrupt                 the body does not parse as its kind
  corrupt_pages           a PDF whose pages partly failed to extract (the rest is kept)
  too_many_pages          a PDF longer than max_pages: the text covers the first max_pages
  too_large_uncompressed  a zip part (or a PDF stream) past the decompression cap
  html_page               an HTML page (login, error) served where a document was expected
  unsupported_format      legacy binary .doc/.xls (OLE2) or an unknown kind: no text is read
  empty                   a zero-length body
  no_text                 parsed fine but holds no text (a scan, an empty sheet)
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from posixpath import dirname, join, normpath, splitext
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

from parsel import Selector
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, LimitReachedError, PyPdfError

# A text layer thinner than this, in non-space characters per page on average, is treated as
# a scan: a stamped page number or a header line survives on scanned letters, a typed page
# of an SPSE document holds well over a thousand.
OCR_CHARS_PER_PAGE = 20
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
SNIFF_BYTES = 8192

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# OLE2 directory entries name their streams in NUL-terminated UTF-16LE.
OLE2_WORD_STREAM = "WordDocument\0".encode("utf-16-le")
OLE2_EXCEL_STREAMS = ("Workbook\0".encode("utf-16-le"), "Book\0".encode("utf-16-le"))

KIND_BY_CONTENT_TYPE = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
}
KIND_BY_EXTENSION = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".doc": "doc", ".xls": "xls"}

PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CELL_REF = re.compile(r"([A-Z]+)(\d+)")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
BLANKS = re.compile(r"[ \t\xa0\u2000-\u200b\u3000]+")


@dataclass(frozen=True)
class DocumentText:
    kind: str  # "pdf", "docx", "xlsx", "doc", "xls", "unknown"
    text: str  # "" when none
    pages: int | None  # PDFs: page count; others None
    needs_ocr: bool  # a PDF with pages but (almost) no text layer
    problem: str | None  # None when fine; else one of the codes in the module docstring


class ExtractionProblem(Exception):
    """A failure with its problem code, raised inside this module and caught at its edge."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def document_kind(content_type: str | None, url: str, body_head: bytes) -> str:
    """Magic bytes first, then the Content-Type, then the URL's extension.

    Servers often send attachments as application/octet-stream, or under a URL without an
    extension, so the body decides whenever it can. Pass the whole body where available: a
    zip's member list lives at its end.
    """
    sniffed = _sniff_kind(body_head)
    if sniffed:
        return sniffed
    hinted = _hinted_kind(content_type, url)
    if body_head.startswith((ZIP_MAGIC, OLE2_MAGIC)):
        # A zip or OLE2 file the magic could not place: trust a hint of the same family only.
        family = ("docx", "xlsx") if body_head.startswith(ZIP_MAGIC) else ("doc", "xls")
        return hinted if hinted in family else "unknown"
    return hinted or "unknown"


def extract_document(
    body: bytes, content_type: str | None, url: str, max_pages: int = 200
) -> DocumentText:
    kind = document_kind(content_type, url, body)
    if not body:
        return DocumentText(kind, "", None, False, "empty")
    if _looks_like_html(body):
        return DocumentText(kind, "", None, False, "html_page")
    if kind in ("doc", "xls", "unknown"):
        return DocumentText(kind, "", None, False, "unsupported_format")
    if kind == "pdf":
        return _extract_pdf(body, max_pages)
    try:
        text = _docx_text(body) if kind == "docx" else _xlsx_text(body)
    except ExtractionProblem as problem:
        return DocumentText(kind, "", None, False, problem.code)
    except RecursionError:  # absurdly deep XML nesting
        return DocumentText(kind, "", None, False, "corrupt")
    return DocumentText(kind, text, None, False, None if text else "no_text")


# Kind sniffing


def _sniff_kind(head: bytes) -> str | None:
    if PDF_MAGIC in head[:1024]:  # the spec tolerates junk before the header
        return "pdf"
    if head.startswith(OLE2_MAGIC):
        if OLE2_WORD_STREAM in head:
            return "doc"
        if any(stream in head for stream in OLE2_EXCEL_STREAMS):
            return "xls"
        return None
    if head.startswith(ZIP_MAGIC):
        return _ooxml_kind(head)
    return None


def _ooxml_kind(head: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(head)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        # Only the head of the body: local file headers still carry the member names.
        found = re.findall(rb"word/|xl/|\[Content_Types\]\.xml", head[:SNIFF_BYTES])
        names = {name.decode() for name in found}
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return None


def _hinted_kind(content_type: str | None, url: str) -> str | None:
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type in KIND_BY_CONTENT_TYPE:
        return KIND_BY_CONTENT_TYPE[media_type]
    extension = splitext(unquote(urlsplit(url).path))[1].lower()
    return KIND_BY_EXTENSION.get(extension)


def _looks_like_html(body: bytes) -> bool:
    start = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


# PDF

# pypdf surfaces damage in broken files as these too, not only as its own errors.
PDF_ERRORS: tuple[type[Exception], ...] = (
    PyPdfError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    RecursionError,
    OverflowError,
    zlib.error,
)


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs a warning for every repair it makes; the problem code reports the outcome."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _extract_pdf(body: bytes, max_pages: int) -> DocumentText:
    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(body))
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                return DocumentText("pdf", "", None, False, "encrypted")
            page_count = len(reader.pages)
        except (DependencyError, NotImplementedError):
            # An encryption scheme pypdf cannot open (or lacks the crypto library for).
            return DocumentText("pdf", "", None, False, "encrypted")
        except LimitReachedError:
            return DocumentText("pdf", "", None, False, "too_large_uncompressed")
        except PDF_ERRORS:
            return DocumentText("pdf", "", None, False, "corrupt")
        try:
            page_texts, failed = _pdf_page_texts(reader, min(page_count, max_pages))
        except LimitReachedError:
            return DocumentText("pdf", "", page_count, False, "too_large_uncompressed")
    text = "\n\n".join(t for t in page_texts if t)
    examined = len(page_texts)
    non_space = sum(len(t) - t.count(" ") - t.count("\n") for t in page_texts)
    needs_ocr = examined > failed and non_space < OCR_CHARS_PER_PAGE * examined
    problem = None
    if failed == examined > 0:
        problem = "corrupt"
    elif failed:
        problem = "corrupt_pages"
    elif page_count > max_pages:
        problem = "too_many_pages"
    elif not text:
        problem = "no_text"
    return DocumentText("pdf", text, page_count, needs_ocr, problem)


def _pdf_page_texts(reader: PdfReader, count: int) -> tuple[list[str], int]:
    """Normalised text of the first `count` pages, and how many pages failed to extract."""
    texts, failed = [], 0
    for index in range(count):
        try:
            texts.append(_normalise(reader.pages[index].extract_text()))
        except LimitReachedError:
            raise  # a decompression bomb condemns the whole file, not one page
        except PDF_ERRORS:
            texts.append("")
            failed += 1
    return texts, failed


def _normalise(text: str) -> str:
    """Blanks collapsed within lines, at most one empty line between blocks."""
    lines = [BLANKS.sub(" ", CONTROL_CHARS.sub("", line)).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Office Open XML


def _docx_text(body: bytes) -> str:
    """Paragraphs (table cells included, in document order) separated by blank lines."""
    with _open_zip(body) as archive:
        root = _read_xml(archive, _main_part(archive, "word/document.xml"))
    paragraphs = (_normalise(p) for p in _paragraph_texts(root))
    return "\n\n".join(p for p in paragraphs if p)


def _paragraph_texts(elements: Iterable[ElementTree.Element]) -> Iterator[str]:
    """Paragraphs in document order; those of a text box follow the paragraph anchoring it.

    Word writes a text box twice (mc:Choice and a legacy mc:Fallback): the fallback is skipped.
    """
    for element in elements:
        if element.tag == MC_FALLBACK:
            continue
        if element.tag == f"{W}p":
            nested: list[str] = []
            yield _run_text(element, nested)
            yield from nested
        else:
            yield from _paragraph_texts(element)


def _run_text(element: ElementTree.Element, nested: list[str]) -> str:
    """The text of one paragraph; paragraphs found inside it are appended to `nested`."""
    parts = []
    for child in element:
        if child.tag == MC_FALLBACK:
            continue
        if child.tag == f"{W}p":
            nested.extend(_paragraph_texts([child]))
        elif child.tag == f"{W}t":
            parts.append(child.text or "")
        elif child.tag == f"{W}tab":
            parts.append("\t")
        elif child.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        else:
            parts.append(_run_text(child, nested))
    return "".join(parts)


def _xlsx_text(body: bytes) -> str:
    """Every sheet in workbook order: rows as tab-separated lines, sheets apart by a blank line.

    Cells keep their stored value: numbers as written in the file (dates stay serial numbers).
    """
    with _open_zip(body) as archive:
        workbook_path = _main_part(archive, "xl/workbook.xml")
        workbook = _read_xml(archive, workbook_path)
        targets = _relationship_targets(archive, workbook_path)
        strings_path = next((t for t in targets.values() if t.endswith("sharedStrings.xml")), None)
        shared = _shared_strings(_read_xml(archive, strings_path)) if strings_path else []
        sheets = []
        for sheet in workbook.iter(f"{S}sheet"):
            target = targets.get(sheet.get(f"{{{DOC_RELS}}}id", ""))
            if target:
                sheets.append(_sheet_text(_read_xml(archive, target), shared))
    return "\n\n".join(s for s in sheets if s)


def _shared_strings(root: ElementTree.Element) -> list[str]:
    # Rich text splits a string into runs (<r><t>); phonetic hints (<rPh>) are not text.
    return [
        "".join(t.text or "" for t in [*item.findall(f"{S}t"), *item.findall(f"{S}r/{S}t")])
        for item in root.findall(f"{S}si")
    ]


def _sheet_text(root: ElementTree.Element, shared: list[str]) -> str:
    lines = []
    for row in root.iter(f"{S}row"):
        cells: dict[int, str] = {}
        for position, cell in enumerate(row.findall(f"{S}c")):
            match = CELL_REF.match(cell.get("r", ""))
            column = _column_index(match[1]) if match else position
            cells[column] = BLANKS.sub(" ", _cell_value(cell, shared)).strip()
        values = [cells.get(column, "") for column in range(max(cells, default=-1) + 1)]
        line = "\t".join(values).rstrip("\t")
        if line.strip():
            lines.append(line)
    return "\n".join(lines)


def _cell_value(cell: ElementTree.Element, shared: list[str]) -> str:
    cell_type = cell.get("t", "n")
    if cell_type == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{S}t"))
    value = cell.findtext(f"{S}v") or ""
    if cell_type == "s":
        index = int(value) if value.isdigit() else -1
        return shared[index] if 0 <= index < len(shared) else ""
    if cell_type == "b":
        return "TRUE" if value == "1" else "FALSE"
    return value


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


@contextmanager
def _open_zip(body: bytes) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ExtractionProblem("corrupt") from error
    with archive:
        yield archive


def _read_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """A part parsed, reading at most MAX_UNCOMPRESSED_BYTES whatever its header declares."""
    try:
        with archive.open(name) as part:
            data = part.read(MAX_UNCOMPRESSED_BYTES + 1)
    except KeyError as error:
        raise ExtractionProblem("corrupt") from error
    except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, RuntimeError) as error:
        # RuntimeError: an encrypted zip member; NotImplementedError: an unknown compression.
        raise ExtractionProblem("corrupt") from error
    if len(data) > MAX_UNCOMPRESSED_BYTES:
        raise ExtractionProblem("too_large_uncompressed")
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise ExtractionProblem("corrupt")  # OOXML never declares a DTD; entities only harm
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise ExtractionProblem("corrupt") from error


def _main_part(archive: zipfile.ZipFile, default: str) -> str:
    """The package's main part as its root relationships name it (word/document2.xml exists)."""
    return _relationship_targets(archive, "").get("officeDocument", default)


def _relationship_targets(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> zip member path for `part` ('' for the package itself).

    The package's officeDocument relationship is also filed under the key "officeDocument".
    """
    rels_path = join(dirname(part), "_rels", f"{part.rsplit('/', 1)[-1]}.rels")
    if rels_path not in archive.namelist():
        return {}
    targets = {}
    for relationship in _read_xml(archive, rels_path).iter(f"{{{PACKAGE_RELS}}}Relationship"):
        target = relationship.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else join(dirname(part), target)
        path = normpath(path)
        targets[relationship.get("Id", "")] = path
        if relationship.get("Type") == OFFICE_DOCUMENT:
            targets["officeDocument"] = path
    return targets


DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx")
# Where a page's own attachments are, on the templates we read; elsewhere the whole page.
CONTENT_CONTAINERS = (
    "//article | //*[contains(@class, 'post-body')] | //*[contains(@class, 'entry-content')]"
    " | //*[contains(@class, 'news-detail')] | //*[contains(@class, 'bbs_view')]"
    " | //*[@itemprop='articleBody']"
)


def attachment_links(html: str, base_url: str) -> list[tuple[str, str]]:
    """(absolute URL, link text) of the documents a page links to: links whose path or text
    ends in a document extension (boards serve files from download URLs without one),
    inside the page's content where the template marks it."""
    page = Selector(text=html)
    scopes = page.xpath(CONTENT_CONTAINERS) or [page]
    found: dict[str, str] = {}
    for scope in scopes:
        for link in scope.xpath(".//a[@href]"):
            href = (link.attrib.get("href") or "").strip()
            text = " ".join(" ".join(link.xpath(".//text()").getall()).split())
            if not href or href.startswith(("#", "javascript:", "mailto:")):
                continue
            url = urljoin(base_url, href)
            if urlsplit(url).path.lower().endswith(DOCUMENT_EXTENSIONS) or text.lower().endswith(
                DOCUMENT_EXTENSIONS
            ):
                found.setdefault(url, text)
    return list(found.items())
