"""Attachments made to exhaust a reader: small files that cost minutes of CPU or gigabytes.

Each is valid as its format goes, so a reader cannot refuse it as corrupt; what it holds
is simply too much (pages, parse work, characters or elements).
"""

from __future__ import annotations

import zlib

from samples.documents import (
    SPREADSHEETML,
    WORDML,
    _column_letters,
    _serialise,
    docx_package,
    xlsx_package,
)

KIDS_PER_NODE = 1000  # pypdf refuses arrays of more than 100,000 elements


def many_pages_pdf(pages: int, declared: int | None = None) -> bytes:
    """`pages` blank pages under a two-level page tree, about 60 bytes a page; its root
    declares `declared` pages (a lie) where given."""
    nodes = (pages + KIDS_PER_NODE - 1) // KIDS_PER_NODE
    first_page = 3 + nodes  # 1 catalog, 2 root of the tree, then the intermediate nodes
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    node_refs = b" ".join(b"%d 0 R" % (3 + n) for n in range(nodes))
    count = pages if declared is None else declared
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (node_refs, count))
    for node in range(nodes):
        start = node * KIDS_PER_NODE
        count = min(KIDS_PER_NODE, pages - start)
        kids = b" ".join(b"%d 0 R" % (first_page + start + k) for k in range(count))
        objects.append(b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count %d >>" % (kids, count))
    for page in range(pages):
        parent = 3 + page // KIDS_PER_NODE
        objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % parent)
    return _serialise(objects)


def slow_text_pdf(pages: int = 200, operations: int = 900_000) -> bytes:
    """`pages` pages sharing one compressed content stream of `operations` text-showing
    operators: within pypdf's parsing budget, seconds of work a page, a few kilobytes."""
    content = zlib.compress(b"BT /F1 10 Tf " + b"(a) Tj " * operations + b"ET", 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    objects.extend(page for _ in range(pages))
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)
    return _serialise(objects)


def amplifying_xlsx(string_chars: int = 1_000_000, cells: int = 1000) -> bytes:
    """One shared string of `string_chars` characters that `cells` cells of one row all show:
    a few kilobytes that read to string_chars x cells characters."""
    row = "".join(f'<c r="{_column_letters(n)}1" t="s"><v>0</v></c>' for n in range(cells))
    sheet = f'<worksheet xmlns="{SPREADSHEETML}"><sheetData><row r="1">{row}</row></sheetData></worksheet>'
    strings = f'<sst xmlns="{SPREADSHEETML}" count="1" uniqueCount="1"><si><t>{"A" * string_chars}</t></si></sst>'
    return xlsx_package(sheet, strings, compresslevel=9)


def many_elements_docx(paragraphs: int = 8_000_000, text: str = "") -> bytes:
    """A document.xml of `paragraphs` paragraphs, empty (<w:p/>, six bytes each) or holding
    `text`: tens of megabytes of XML, compressed to kilobytes."""
    paragraph = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" if text else "<w:p/>"
    head = f'<w:document xmlns:w="{WORDML}"><w:body>'.encode()
    document = head + paragraph.encode() * paragraphs + b"</w:body></w:document>"
    return docx_package(document, compresslevel=9)
