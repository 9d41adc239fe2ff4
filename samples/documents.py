"""Small attachments of our own making: PDF, scanned PDF, DOCX and XLSX, written by hand.

No writer libraries: each format is assembled from its minimal valid parts. The output is
deterministic (same input, same bytes; fixed zip timestamps) because the sample servers
derive ETags from the body.
"""

from __future__ import annotations

import io
import re
import textwrap
import zipfile
import zlib
from xml.sax.saxutils import escape

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 56
FONT_SIZE, TITLE_SIZE, LEADING = 10, 14, 14
WRAP_WIDTH = 90
LINES_PER_PAGE = 45
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# XML 1.0 forbids most C0 control characters, even escaped.
XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# PDF


def make_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A PDF 1.4 with a real Helvetica text layer, wrapped at ~90 characters, 45 lines a page."""
    lines: list[tuple[str, str]] = [("F2", title), ("F1", "")]
    for paragraph in paragraphs:
        wrapped = textwrap.wrap(" ".join(paragraph.split()), WRAP_WIDTH) or [""]
        lines.extend(("F1", line) for line in wrapped)
        lines.append(("F1", ""))
    while len(lines) > 1 and not lines[-1][1]:
        lines.pop()
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    fonts = {"F1": "Helvetica", "F2": "Helvetica-Bold"}
    return _assemble_pdf([_text_stream(page) for page in pages], fonts=fonts, title=title)


def make_scanned_pdf(width: int = 200, height: int = 280) -> bytes:
    """A one-page PDF whose only content is a grey DeviceGray image: a scan, no text operators."""
    pixels = _scan_pixels(width, height)
    image = (
        f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
        f"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode"
    ).encode()
    drawing = f"q {PAGE_WIDTH} 0 0 {PAGE_HEIGHT} 0 0 cm /Im1 Do Q".encode()
    return _assemble_pdf([drawing], image=(image, zlib.compress(pixels, 9)), title=None)


def _scan_pixels(width: int, height: int) -> bytes:
    """Off-white paper with darker bands where lines of typed text would be."""
    rows = []
    for y in range(height):
        in_text_band = height // 10 < y < height * 9 // 10 and (y // 3) % 3 == 0
        row = bytearray()
        for x in range(width):
            inked = in_text_band and width // 8 < x < width * 7 // 8 and (x * 7 + y) % 11 > 2
            row.append(70 if inked else 235 - (x + y) % 6)
        rows.append(bytes(row))
    return b"".join(rows)


def _pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252); characters outside it become '?'."""
    out = bytearray(b"(")
    for byte in text.encode("cp1252", errors="replace"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte < 32 or byte > 126:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    return bytes(out + b")")


def _text_stream(lines: list[tuple[str, str]]) -> bytes:
    parts = [b"BT", b"%d TL" % LEADING, b"%d %d Td" % (MARGIN, PAGE_HEIGHT - MARGIN)]
    current_font = ""
    for font, line in lines:
        if font != current_font:
            size = TITLE_SIZE if font == "F2" else FONT_SIZE
            parts.append(f"/{font} {size} Tf".encode())
            current_font = font
        parts.append(_pdf_string(line) + b" Tj T*")
    parts.append(b"ET")
    return b"\n".join(parts)


def _assemble_pdf(
    contents: list[bytes],
    *,
    fonts: dict[str, str] | None = None,
    image: tuple[bytes, bytes] | None = None,
    title: str | None,
) -> bytes:
    """Objects: 1 catalog, 2 page tree, 3 info, then fonts, image, and a page + content per page."""
    objects: list[bytes] = [b"", b"", b""]  # 1-3 filled in once the page numbers are known

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    resources = []
    if fonts:
        refs = [f"/{name} {add(_font(base))} 0 R".encode() for name, base in sorted(fonts.items())]
        resources.append(b"/Font << " + b" ".join(refs) + b" >>")
    if image:
        header, data = image
        number = add(_stream(header, data))
        resources.append(b"/XObject << /Im1 %d 0 R >>" % number)
    resource_dict = b"<< " + b" ".join(resources) + b" >>"

    page_numbers = []
    for content in contents:
        content_number = add(_stream(b"<<", content))
        page_numbers.append(
            add(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources %s /Contents %d 0 R >>"
                % (PAGE_WIDTH, PAGE_HEIGHT, resource_dict, content_number)
            )
        )
    kids = b" ".join(b"%d 0 R" % n for n in page_numbers)
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_numbers))
    info = b"<< /Producer (procarchive samples)"
    objects[2] = info + (b" /Title " + _pdf_string(title) if title else b"") + b" >>"
    return _serialise(objects)


def _font(base_font: str) -> bytes:
    return (
        f"<< /Type /Font /Subtype /Type1 /BaseFont /{base_font} /Encoding /WinAnsiEncoding >>"
    ).encode()


def _stream(dictionary_head: bytes, data: bytes) -> bytes:
    """A stream object; `dictionary_head` is an open '<< ...' to which /Length is appended."""
    return dictionary_head + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _serialise(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref_at)
    )
    return out.getvalue()


# Office Open XML (zip packages)

CONTENT_TYPES_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
)
RELS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
)
OFFICE_DOCUMENT_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
WORDML = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SPREADSHEETML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def make_docx(title: str, paragraphs: list[str]) -> bytes:
    """A minimal Word document: a bold title paragraph, then one paragraph per item."""
    body = _docx_paragraph(title, bold=True) + "".join(_docx_paragraph(p) for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{WORDML}"><w:body>{body}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    return docx_package(document)


def docx_package(document: str | bytes, compresslevel: int | None = None) -> bytes:
    """A .docx whose word/document.xml is `document`."""
    content_types = (
        CONTENT_TYPES_HEAD + '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        RELS_HEAD + f'<Relationship Id="rId1" Type="{OFFICE_DOCUMENT_REL}" '
        'Target="word/document.xml"/></Relationships>'
    )
    members = [("[Content_Types].xml", content_types), ("_rels/.rels", rels)]
    return _zip([*members, ("word/document.xml", document)], compresslevel)


def _docx_paragraph(text: str, bold: bool = False) -> str:
    run_properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return (
        f'<w:p><w:r>{run_properties}<w:t xml:space="preserve">{_xml_text(text)}</w:t></w:r></w:p>'
    )


def make_xlsx(rows: list[list[str | int]]) -> bytes:
    """A minimal workbook with one sheet: text through shared strings, numbers as numbers."""
    shared: dict[str, int] = {}
    sheet_rows = []
    for row_number, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row):
            ref = f"{_column_letters(column)}{row_number}"
            if isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                index = shared.setdefault(str(value), len(shared))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
        sheet_rows.append(f'<row r="{row_number}">{"".join(cells)}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{SPREADSHEETML}"><sheetData>{"".join(sheet_rows)}</sheetData>'
        "</worksheet>"
    )
    strings = "".join(f'<si><t xml:space="preserve">{_xml_text(s)}</t></si>' for s in shared)
    shared_strings = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{SPREADSHEETML}" count="{len(shared)}" uniqueCount="{len(shared)}">'
        f"{strings}</sst>"
    )
    return xlsx_package(sheet, shared_strings)


def xlsx_package(
    sheet: str | bytes, shared_strings: str | bytes, compresslevel: int | None = None
) -> bytes:
    """A one-sheet .xlsx of the given worksheet and shared strings parts."""
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{SPREADSHEETML}" xmlns:r="{DOC_RELS}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        RELS_HEAD + f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    content_types = (
        CONTENT_TYPES_HEAD
        + f'<Override PartName="/xl/workbook.xml" ContentType="{sml}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sml}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{sml}.sharedStrings+xml"/>'
        "</Types>"
    )
    rels = (
        RELS_HEAD + f'<Relationship Id="rId1" Type="{OFFICE_DOCUMENT_REL}" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    return _zip(
        [
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", rels),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbook_rels),
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/sharedStrings.xml", shared_strings),
        ],
        compresslevel,
    )


def _column_letters(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _xml_text(text: str) -> str:
    return escape(XML_INVALID.sub("", text))


def _zip(members: list[tuple[str, str | bytes]], compresslevel: int | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = data.encode("utf-8") if isinstance(data, str) else data
            archive.writestr(info, content, compresslevel=compresslevel)
    return out.getvalue()
