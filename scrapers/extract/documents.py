"""Text of downloaded attachments: PDF (pypdf), DOCX and XLSX (zipfile + ElementTree).

Never raises on a bad body: every failure becomes a short `problem` code.
  encrypted               a PDF that does not open with the empty password
  corrupt                 the body does not parse as its kind
  corrupt_pages           a PDF whose pages partly failed to extract (the rest is kept)
  truncated               the text reached max_chars: the first max_chars are kept
  too_many_pages          a PDF longer than max_pages: the text covers the first max_pages
                          (none past MAX_PDF_PAGE_TREE pages, whose page tree is not read)
  too_large_uncompressed  a zip part (or a PDF stream) past the decompression cap
  too_large               reading it ran out of memory (the worker's limit): no text
  html_page               an HTML page (login, error) served where a document was expected
  unsupported_format      legacy binary .doc/.xls (OLE2) or an unknown kind: no text is read
  empty                   a zero-length body
  no_text                 parsed fine but holds no text (a scan, an empty sheet)
The reader's worker process (scrapers.documents) adds two of its own: `timeout`, a reading
killed at its time limit, and `worker_died`, a worker that ended without an answer.

Memory stays bounded whatever a file holds: XML parts are parsed as a stream and dropped
as they are read, text stops at max_chars (shared strings included), a zip part declaring
more than MAX_UNCOMPRESSED_BYTES is not opened.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from posixpath import dirname, join, normpath, splitext
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

from parsel import Selector
from pypdf import PasswordType, PdfReader, apply_configuration
from pypdf.errors import DependencyError, LimitReachedError, PyPdfError
from pypdf.generic import DictionaryObject

# A text layer thinner than this, in non-space characters per page on average, is treated as
# a scan: a stamped page number or a header line survives on scanned letters, a typed page
# of an SPSE document holds well over a thousand.
OCR_CHARS_PER_PAGE = 20
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
SNIFF_BYTES = 8192
DEFAULT_MAX_CHARS = 2_000_000
# pypdf lists every page (~60 µs and ~3 KB each) before giving the first one; a longer
# PDF is reported by the count its page tree declares, without being read.
MAX_PDF_PAGE_TREE = 10_000
MAX_SHARED_STRINGS = 1_000_000
MAX_COLUMNS = 16_384  # Excel's; a cell reference past it is not trusted to place a cell
XML_CHUNK = 64 * 1024
OOXML_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what a package may use

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
    body: bytes,
    content_type: str | None,
    url: str,
    max_pages: int = 200,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> DocumentText:
    kind = document_kind(content_type, url, body)
    if not body:
        return DocumentText(kind, "", None, False, "empty")
    if _looks_like_html(body):
        return DocumentText(kind, "", None, False, "html_page")
    if kind in ("doc", "xls", "unknown"):
        return DocumentText(kind, "", None, False, "unsupported_format")
    budget = TextBudget(max_chars)
    try:
        if kind == "pdf":
            read = _extract_pdf(body, max_pages, budget)
        else:
            text = _docx_text(body, budget) if kind == "docx" else _xlsx_text(body, budget)
            problem = "truncated" if budget.exhausted else None if text else "no_text"
            read = DocumentText(kind, text, None, False, problem)
    except ExtractionProblem as problem:
        return DocumentText(kind, "", None, False, problem.code)
    except RecursionError:  # absurdly deep XML nesting
        return DocumentText(kind, "", None, False, "corrupt")
    except MemoryError:  # past the worker's address-space limit
        return DocumentText(kind, "", None, False, "too_large")
    if len(read.text) > max_chars:  # the separators between blocks are not counted
        return replace(read, text=read.text[:max_chars], problem=read.problem or "truncated")
    return read


class TextBudget:
    """The characters a document's text may still take; what comes past them is dropped."""

    def __init__(self, chars: int) -> None:
        self.left = chars
        self.exhausted = False  # some text was dropped

    def take(self, text: str) -> str:
        if len(text) > self.left:
            self.exhausted = True
            text = text[: self.left]
        self.left -= len(text)
        return text

    def blocks(self, blocks: Iterator[str]) -> Iterator[str]:
        """The non-empty blocks until the budget runs out: `blocks` is read no further."""
        for block in blocks:
            if block:
                kept = self.take(block)
                if kept:
                    yield kept
                if self.exhausted:
                    return


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


def _extract_pdf(body: bytes, max_pages: int, budget: TextBudget) -> DocumentText:
    declared = None
    # The tree's inner nodes are entries too.
    with _quiet_pypdf(), apply_configuration(page_tree_maximum_entries=2 * MAX_PDF_PAGE_TREE):
        try:
            reader = PdfReader(io.BytesIO(body))
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                return DocumentText("pdf", "", None, False, "encrypted")
            declared = _declared_page_count(reader)
            if declared is not None and declared > MAX_PDF_PAGE_TREE:
                return DocumentText("pdf", "", declared, False, "too_many_pages")
            page_count = len(reader.pages)
        except (DependencyError, NotImplementedError):
            # An encryption scheme pypdf cannot open (or lacks the crypto library for).
            return DocumentText("pdf", "", None, False, "encrypted")
        except LimitReachedError as error:
            if "page tree" in str(error):  # more pages than its tree declares
                return DocumentText("pdf", "", declared, False, "too_many_pages")
            return DocumentText("pdf", "", None, False, "too_large_uncompressed")
        except PDF_ERRORS:
            return DocumentText("pdf", "", None, False, "corrupt")
        try:
            page_texts, failed = _pdf_page_texts(reader, min(page_count, max_pages), budget)
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
    elif budget.exhausted:
        problem = "truncated"
    elif page_count > max_pages:
        problem = "too_many_pages"
    elif not text:
        problem = "no_text"
    return DocumentText("pdf", text, page_count, needs_ocr, problem)


def _declared_page_count(reader: PdfReader) -> int | None:
    """The /Count of the page tree's root: read without walking the tree, and maybe a lie."""
    try:
        pages = reader.root_object["/Pages"]
        count = pages["/Count"] if isinstance(pages, DictionaryObject) else None
    except PDF_ERRORS:
        return None
    return int(count) if isinstance(count, int) else None


def _pdf_page_texts(reader: PdfReader, count: int, budget: TextBudget) -> tuple[list[str], int]:
    """Normalised text of the first `count` pages, or as many as the budget holds, and how
    many pages failed to extract."""
    texts, failed = [], 0
    for index in range(count):
        try:
            texts.append(budget.take(_normalise(reader.pages[index].extract_text())))
        except LimitReachedError:
            raise  # a decompression bomb condemns the whole file, not one page
        except PDF_ERRORS:
            texts.append("")
            failed += 1
        if budget.exhausted:
            break
    return texts, failed


def _normalise(text: str) -> str:
    """Blanks collapsed within lines, at most one empty line between blocks."""
    lines = [BLANKS.sub(" ", CONTROL_CHARS.sub("", line)).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Office Open XML


# (kind, tag, attributes, text): "start" or "end", "{namespace}name", and at the end of an
# element without children its text, else "". Plain tuples: a part may hold millions.
XmlEvent = tuple[str, str, dict[str, str], str]


def _docx_text(body: bytes, budget: TextBudget) -> str:
    """Paragraphs (table cells included, in document order) separated by blank lines."""
    with _open_zip(body) as archive:
        events = _xml_events(archive, _main_part(archive, "word/document.xml"))
        paragraphs = (_normalise(p) for p in _paragraph_texts(events) if p)
        return "\n\n".join(budget.blocks(paragraphs))


def _paragraph_texts(events: Iterator[XmlEvent]) -> Iterator[str]:
    """Paragraphs in document order; those of a text box follow the paragraph anchoring it.

    Word writes a text box twice (mc:Choice and a legacy mc:Fallback): the fallback is skipped.
    """
    # Each open paragraph: its text so far, and the paragraphs ended inside it.
    open_paragraphs: list[tuple[list[str], list[str]]] = []
    in_fallback = 0
    for kind, tag, _, text in events:
        if tag == MC_FALLBACK:
            in_fallback += 1 if kind == "start" else -1
        elif in_fallback:
            continue
        elif tag == f"{W}p":
            if kind == "start":
                open_paragraphs.append(([], []))
                continue
            parts, nested = open_paragraphs.pop()
            if open_paragraphs:
                open_paragraphs[-1][1].extend(["".join(parts), *nested])
            else:
                yield "".join(parts)
                yield from nested
        elif kind == "end" and open_paragraphs:
            parts = open_paragraphs[-1][0]
            if tag == f"{W}t":
                parts.append(text)
            elif tag == f"{W}tab":
                parts.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")


def _xlsx_text(body: bytes, budget: TextBudget) -> str:
    """Every sheet in workbook order: rows as tab-separated lines, sheets apart by a blank line.

    Cells keep their stored value: numbers as written in the file (dates stay serial numbers).
    """
    with _open_zip(body) as archive:
        workbook_path = _main_part(archive, "xl/workbook.xml")
        targets = _relationship_targets(archive, workbook_path)
        strings_path = next((t for t in targets.values() if t.endswith("sharedStrings.xml")), None)
        shared: list[str] = []
        cut = False
        if strings_path:
            shared, cut = _shared_strings(_xml_events(archive, strings_path), budget.left)
        sheet_ids = (
            attrib.get(f"{{{DOC_RELS}}}id", "")
            for kind, tag, attrib, _ in _xml_events(archive, workbook_path)
            if kind == "end" and tag == f"{S}sheet"
        )
        # A sheet named twice is read once.
        sheet_paths = dict.fromkeys(targets[i] for i in sheet_ids if i in targets)
        sheets = []
        for path in sheet_paths:
            if budget.exhausted:
                break
            lines = _sheet_lines(_xml_events(archive, path), shared, budget)
            sheets.append("\n".join(budget.blocks(lines)))
    # Cells may have shown what the table dropped.
    budget.exhausted = budget.exhausted or cut
    return "\n\n".join(s for s in sheets if s)


def _shared_strings(events: Iterator[XmlEvent], room: int) -> tuple[list[str], bool]:
    """The shared strings, as many as `room` characters (and MAX_SHARED_STRINGS) hold, and
    whether the table was cut short."""
    # Rich text splits a string into runs (<r><t>); phonetic hints (<rPh><t>) are not text.
    strings: list[str] = []
    parts: list[str] = []
    chars, phonetic = 0, False
    for kind, tag, _, text in events:
        if tag == f"{S}rPh":
            phonetic = kind == "start"
        elif kind == "start":
            continue
        elif tag == f"{S}t" and text and not phonetic and chars < room:
            parts.append(text[: room - chars])
            chars += len(parts[-1])
        elif tag == f"{S}si":
            strings.append("".join(parts))
            parts = []
            if chars >= room or len(strings) >= MAX_SHARED_STRINGS:
                return strings, True
    return strings, False


def _sheet_lines(
    events: Iterator[XmlEvent], shared: list[str], budget: TextBudget
) -> Iterator[str]:
    """Each row holding a value, as a tab-separated line; a row is read only as far as the
    budget could keep it."""
    cells: dict[int, str] = {}
    row_chars = position = 0
    value, inline = "", []
    for kind, tag, attrib, text in events:
        if kind == "start":
            continue
        if tag == f"{S}v":
            value = text
        elif tag == f"{S}t":
            inline.append(text)
        elif tag == f"{S}c":
            match = CELL_REF.match(attrib.get("r", ""))
            column = _column_index(match[1]) if match else MAX_COLUMNS
            if column >= MAX_COLUMNS:  # no reference, or one past the last column
                column = position
            if column < MAX_COLUMNS and row_chars <= budget.left:
                shown = _cell_value(attrib.get("t", "n"), value, inline, shared)
                cells[column] = BLANKS.sub(" ", shown[: budget.left + 1]).strip()
                row_chars += len(cells[column])
            position += 1
            value, inline = "", []
        elif tag == f"{S}row":
            values = [cells.get(column, "") for column in range(max(cells, default=-1) + 1)]
            line = "\t".join(values).rstrip("\t")
            if line.strip():
                yield line
            cells, row_chars, position = {}, 0, 0


def _cell_value(cell_type: str, value: str, inline: list[str], shared: list[str]) -> str:
    if cell_type == "inlineStr":
        return "".join(inline)
    if cell_type == "s":
        index = int(value) if value.isdigit() else -1
        return shared[index] if 0 <= index < len(shared) else ""
    if cell_type == "b":
        return "TRUE" if value == "1" else "FALSE"
    return value


def _column_index(letters: str) -> int:
    if len(letters) > 3:  # past XFD, the last column
        return MAX_COLUMNS
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


def _xml_events(archive: zipfile.ZipFile, name: str) -> Iterator[XmlEvent]:
    """A part's elements as they start and end, parsed in chunks with no tree built, and at
    most MAX_UNCOMPRESSED_BYTES of it whatever its header declares."""
    try:
        info = archive.getinfo(name)
    except KeyError as error:
        raise ExtractionProblem("corrupt") from error
    if info.file_size > MAX_UNCOMPRESSED_BYTES:
        raise ExtractionProblem("too_large_uncompressed")
    if info.compress_type not in OOXML_COMPRESSION:  # bzip2 and LZMA inflate unbounded
        raise ExtractionProblem("corrupt")
    target = _EventCollector()
    parser = ElementTree.XMLParser(target=target)
    read = 0
    try:
        with archive.open(info) as part:
            while chunk := part.read(XML_CHUNK):
                if not read and (b"<!DOCTYPE" in chunk[:4096] or b"<!ENTITY" in chunk[:4096]):
                    raise ExtractionProblem("corrupt")  # OOXML never has a DTD; entities harm
                read += len(chunk)
                if read > MAX_UNCOMPRESSED_BYTES:
                    raise ExtractionProblem("too_large_uncompressed")
                parser.feed(chunk)
                yield from target.drain()
            parser.close()
            yield from target.drain()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError) as error:
        # RuntimeError: an encrypted zip member (or RecursionError, nesting past all reason).
        raise ExtractionProblem("corrupt") from error
    except ElementTree.ParseError as error:
        raise ExtractionProblem("corrupt") from error


class _EventCollector:
    """An XMLParser target that keeps events instead of building elements (a few times faster
    than XMLPullParser, and nothing to prune)."""

    def __init__(self) -> None:
        self.events: list[XmlEvent] = []
        self.open_attributes: list[dict[str, str]] = []
        self.text: list[str] = []
        self.in_leaf = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.events.append(("start", tag, attrib, ""))
        self.open_attributes.append(attrib)
        self.text, self.in_leaf = [], True

    def end(self, tag: str) -> None:
        text = "".join(self.text) if self.in_leaf else ""
        self.events.append(("end", tag, self.open_attributes.pop(), text))
        self.text, self.in_leaf = [], False

    def data(self, data: str) -> None:
        if self.in_leaf:
            self.text.append(data)

    def close(self) -> None:
        pass

    def drain(self) -> list[XmlEvent]:
        events, self.events = self.events, []
        return events


def _main_part(archive: zipfile.ZipFile, default: str) -> str:
    """The package's main part as its root relationships name it (word/document2.xml exists)."""
    return _relationship_targets(archive, "").get("officeDocument", default)


def _relationship_targets(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> zip member path for `part` ('' for the package itself).

    The package's officeDocument relationship is also filed under the key "officeDocument".
    """
    rels_path = join(dirname(part), "_rels", f"{part.rsplit('/', 1)[-1]}.rels")
    if rels_path not in archive.NameToInfo:
        return {}
    targets = {}
    for kind, tag, attrib, _ in _xml_events(archive, rels_path):
        if kind != "end" or tag != f"{{{PACKAGE_RELS}}}Relationship":
            continue
        target = attrib.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else join(dirname(part), target)
        path = normpath(path)
        targets[attrib.get("Id", "")] = path
        if attrib.get("Type") == OFFICE_DOCUMENT:
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
