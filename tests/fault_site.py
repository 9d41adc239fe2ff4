"""One site with every fault the crawler is known to meet, for the fault suite: server
errors, throttling, broken transfers, bad encodings, bombs, redirects that never arrive or
leave the site, oversized and binary bodies, malformed and hostile XML, bad PDFs, a hang and
a trap; and a host on 127.0.0.2 that the crawl must never archive from."""

from __future__ import annotations

import gzip
import io
import time

from pypdf import PdfReader, PdfWriter

from samples.documents import make_pdf
from samples.hostile_documents import (
    amplifying_xlsx,
    many_elements_docx,
    many_pages_pdf,
    slow_text_pdf,
)
from samples.server import Page, SampleRequest, Site
from samples.slow_site import word
from tests.hostile_site import article, redirect

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
"""
SITEMAP = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'

# name: what the page does. Each is linked once from the sitemap.
PAGES = (
    "ok", "error", "busy", "truncated", "wrong-charset", "mojibake", "gzip-bomb", "loop",
    "offsite-redirect", "huge", "binary", "empty", "gone", "hang", "with-documents",
)  # fmt: skip
FEEDS = ("malformed.atom", "laughs.atom", "xxe.atom", "agenda.atom")
SITEMAPS = ("sitemap-laughs.xml", "sitemap-xxe.xml")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Documents that would stop or sink a crawl read without limits (samples/hostile_documents.py).
BOMBS = {
    "pages.pdf": ("application/pdf", lambda: many_pages_pdf(150_000)),
    "slow.pdf": ("application/pdf", slow_text_pdf),
    "amplifying.xlsx": (XLSX, amplifying_xlsx),
    "elements.docx": (DOCX, lambda: many_elements_docx(200_000)),
}
DOCUMENTS = ("encrypted.pdf", "malformed.pdf", *BOMBS)
AGENDA_DAYS = 40  # the trap: /agenda?day=N, each the same page but for its day


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("Rahasia", ["Dokumen."]))))
    writer.encrypt(user_password="pokja", owner_password="pokja-rahasia", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class OffsiteHost(Site):
    """127.0.0.2: what the fault site links or redirects to outside the crawl's domains."""

    def __init__(self) -> None:
        self.requested: list[str] = []

    def route(self, path: str, query: dict[str, str]) -> Page:
        self.requested.append(path)
        return Page.html(article("Di luar situs", "Halaman ini tidak boleh diarsipkan."))


class FaultSite(Site):
    def __init__(self, offsite: OffsiteHost) -> None:
        self.offsite = offsite
        self.requested: list[str] = []
        self._bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)
        self._huge = (
            "<html><body>" + "<p>besar sekali</p>" * 1_650_000 + "</body></html>"
        ).encode()

    def handle(self, request: SampleRequest) -> Page:
        self.requested.append(request.path)
        return super().handle(request)

    def route(self, path: str, query: dict[str, str]) -> Page:
        base = self.base_url
        name = path.strip("/")
        if path == "/robots.txt":
            return Page.text("User-agent: *\nDisallow: /private\n")
        if path == "/sitemap.xml":
            links = [*PAGES, "private"]
            locs = "".join(f"<url><loc>{base}/{link}</loc></url>" for link in links)
            locs += f"<url><loc>{self.offsite.base_url}/listed-offsite</loc></url>"
            return Page.xml(SITEMAP.format(locs), "application/xml")
        if name == "ok":
            return Page.html(article("Berita biasa", "Kerja sama pengadaan berjalan baik."))
        if name == "error":
            return Page.error(500, "Internal Server Error")
        if name == "busy":
            return Page(429, "text/html", b"slow down", headers={"Retry-After": "1"})
        if name == "truncated":  # the connection drops a third of the way through
            page = Page.html(article("Terpotong", "Halaman ini tidak pernah lengkap."))
            page.cut_after = len(page.body) // 3
            return page
        if name == "wrong-charset":  # windows-1252 bytes, a header that says UTF-8
            text = article("Kafe résumé – pengadaan", "Anggaran untuk kafé.", "")
            return Page(200, "text/html; charset=utf-8", text.encode("cp1252"))
        if name == "mojibake":  # UTF-8 text once decoded as windows-1252, then sent as UTF-8
            text = article("Pengadaan – jasa konsultansi", "Nilai kontrak ‘wajar’ menurut auditor.")
            return Page.html(text.encode("utf-8").decode("cp1252", "replace"))
        if name == "gzip-bomb":
            headers = {"Content-Encoding": "gzip"}
            return Page(200, "text/html", self._bomb, headers=headers)
        if name == "loop":
            return redirect(f"{base}/loop")
        if name == "offsite-redirect":
            return redirect(f"{self.offsite.base_url}/redirected-offsite")
        if name == "huge":  # 30 MB of paragraphs, sent as they are (Scrapy knows the size first)
            return Page(200, "application/octet-stream", self._huge)
        if name == "binary":
            return Page(200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
        if name == "empty":
            return Page(200, "text/html", b"")
        if name == "hang":
            time.sleep(8)
            return Page.html(article("Terlambat", "Tidak pernah sampai."))
        if name == "with-documents":
            files = " ".join(f'<a href="/files/{n}">{n}</a>' for n in DOCUMENTS)
            return Page.html(article("Dokumen lelang", f"Unduh dokumen: {files}"))
        if name == "files/encrypted.pdf":
            return Page(200, "application/pdf", encrypted_pdf())
        if name == "files/malformed.pdf":
            return Page(200, "application/pdf", make_pdf("Rusak", ["Isi."])[:700])
        if name.startswith("files/") and name[6:] in DOCUMENTS:
            kind, make = BOMBS[name[6:]]
            return Page(200, kind, make())
        if name == "malformed.atom":
            return Page.xml(
                '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
            )
        if name == "laughs.atom":
            return Page.xml(
                LAUGHS + '<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol9;</title></feed>'
            )
        if name == "xxe.atom":
            entry = f"<entry><title>&secret;</title><link href='{base}/ok'/></entry>"
            return Page.xml(XXE + f'<feed xmlns="http://www.w3.org/2005/Atom">{entry}</feed>')
        if name == "sitemap-laughs.xml":
            return Page.xml(
                LAUGHS + SITEMAP.format("<url><loc>&lol9;</loc></url>"), "application/xml"
            )
        if name == "sitemap-xxe.xml":
            return Page.xml(
                XXE + SITEMAP.format("<url><loc>&secret;</loc></url>"), "application/xml"
            )
        if name == "agenda.atom":  # a calendar's feed: every day a page that says the same
            entries = "".join(
                f"<entry><title>Agenda {day}</title><link href='{base}/agenda?day={day}'/></entry>"
                for day in range(1, AGENDA_DAYS + 1)
            )
            return Page.xml(f'<feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>')
        if name == "agenda":
            day = query.get("day", "1")
            return Page.html(article(f"Agenda hari {day}", f"Tidak ada kegiatan {word(0)}."))
        return Page.error(404, "Not Found")
