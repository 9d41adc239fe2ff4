"""A site that serves what real sites serve on bad days, for tests of the crawl's resilience."""

from __future__ import annotations

import threading
import time

from samples.documents import make_pdf
from samples.hostile_documents import (
    amplifying_xlsx,
    many_elements_docx,
    many_pages_pdf,
    slow_text_pdf,
)
from samples.server import Page, Site

ARTICLE = """<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>
<p>{body}</p><p>Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah mencatat nilai transaksi katalog
elektronik meningkat tajam, sementara jumlah penyedia baru terus bertambah setiap bulan di seluruh
provinsi. Pemerintah daerah diminta memperbarui rencana umum pengadaan sebelum akhir triwulan.</p>
<p>Para pejabat pengadaan juga diingatkan untuk memeriksa kualifikasi penyedia dengan teliti agar
pengadaan berjalan transparan, akuntabel, dan bebas dari konflik kepentingan.</p></article></body></html>"""

GOOD = {"ok", "wrong-charset", "undeclared-latin1", "broken-html"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD = {"timeout", "huge", "binary", "gone", "error", "empty", "bad-feed"}


def article(title: str, body: str, meta: str = "") -> str:
    return ARTICLE.format(title=title, body=body, meta=meta)


class HostileSite(Site):
    def __init__(self) -> None:
        self.requested: list[str] = []  # paths in the order they were asked for

    def route(self, path: str, query: dict[str, str]) -> Page:
        self.requested.append(path)
        name = path.strip("/")
        if path == "/robots.txt":
            return Page.text("User-agent: *\nDisallow: /private\n")
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{self.base_url}/{n}</loc></url>" for n in sorted(GOOD | BAD))
            urls += f"<url><loc>{self.base_url}/private</loc></url>"
            # the same server under another host name: outside the crawl's allowed domains
            offsite = self.base_url.replace("127.0.0.1", "localhost")
            urls += f"<url><loc>{offsite}/ok</loc></url>"
            return Page.xml(
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                "application/xml",
            )
        if name == "ok":
            return Page.html(article("Berita biasa", "Kerja sama pengadaan berjalan baik."))
        if name == "wrong-charset":  # windows-1252 bytes, a header that says UTF-8
            text = article(
                "Kafe résumé – pengadaan",
                "Anggaran Rp 5.000.000 untuk kafé.",
                '<meta charset="windows-1252">',
            )
            return Page(200, "text/html; charset=utf-8", text.encode("cp1252"))
        if name == "undeclared-latin1":
            return Page(
                200, "text/html", article("Pengadaan café", "Harga naïve di kafé.").encode("cp1252")
            )
        if name == "broken-html":
            text = article("Tag rusak", "Paragraf <b>tanpa <i>penutup <div>dan <p>lainnya")
            return Page.html(text.replace("</article></body></html>", ""))
        if name == "timeout":
            time.sleep(3)
            return Page.html(article("Terlambat", "Tidak pernah sampai."))
        if name == "huge":
            return Page(
                200,
                "text/html",
                b"<html><body>" + b"<p>besar sekali</p>" * 40_000 + b"</body></html>",
            )
        if name == "binary":
            return Page(200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
        if name == "error":
            return Page.error(500, "Internal Server Error")
        if name == "empty":
            return Page(200, "text/html", b"")
        if name == "bad-feed":
            return Page(
                200, "application/rss+xml", b"<?xml version='1.0'?>\n<html>bukan feed</html>"
            )
        # Redirects that never arrive: a loop of two pages, a page to itself, an endless chain.
        if name in ("loop-a", "loop-b"):
            return redirect(f"{self.base_url}/{'loop-b' if name == 'loop-a' else 'loop-a'}")
        if name == "self":
            return redirect(f"{self.base_url}/self", 301)
        if name.startswith("far/") and name[4:].isdigit():
            return redirect(f"/far/{int(name[4:]) + 1}")
        return Page.error(404, "Not Found")


def redirect(location: str, status: int = 302) -> Page:
    return Page(status, "text/html", b"", headers={"Location": location})


def pdf(title: str) -> Page:
    return Page(200, "application/pdf", make_pdf(title, [f"Isi dokumen {title}."]))


def other_host(base_url: str) -> str:
    """The same server under another host name (outside a source's allowed domains)."""
    return base_url.replace("127.0.0.1", "localhost")


class DocumentHost(Site):
    """Another host serving files (a CDN), which records every request it gets."""

    def __init__(self) -> None:
        self.requested: list[str] = []

    def route(self, path: str, query: dict[str, str]) -> Page:
        self.requested.append(path)
        if path == "/robots.txt":
            return Page.text("User-agent: *\nDisallow: /private\n")
        if path.endswith(".pdf"):
            return pdf(path)
        return Page.error(404, "Not Found")


class AttachmentSite(Site):
    """A notice linking documents: its own, one on another host, one that redirects there,
    one robots.txt disallows, one on the other host's disallowed path, one on a third host."""

    def __init__(self, files: DocumentHost) -> None:
        self.files = files
        self.requested: list[str] = []

    def route(self, path: str, query: dict[str, str]) -> Page:
        self.requested.append(path)
        cdn = other_host(self.files.base_url)
        third = self.files.base_url.replace("127.0.0.1", "127.0.0.2")  # nothing listens there
        if path == "/robots.txt":
            return Page.text("User-agent: *\nDisallow: /private\n")
        if path == "/notice":
            links = (
                "/files/own.pdf", f"{cdn}/files/cdn.pdf", "/files/moved.pdf",
                "/private/secret.pdf", f"{cdn}/private/cdn-secret.pdf", f"{third}/files/far.pdf",
            )  # fmt: skip
            body = "Dokumen pengadaan: " + " ".join(
                f'<a href="{url}">{url.rsplit("/", 1)[1]}</a>' for url in links
            )
            return Page.html(article("Pengumuman lelang", body))
        if path == "/files/moved.pdf":
            return redirect(f"{cdn}/files/moved.pdf")
        if path.endswith(".pdf"):
            return pdf(path)
        return Page.error(404, "Not Found")


class BusySite(Site):
    """Answers 429 with `Retry-After: 2` the first time `/busy` is asked for, 503 with a
    Retry-After of an hour at `/down`; records when each path was requested."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.refused = threading.Event()  # the 429 went out

    def route(self, path: str, query: dict[str, str]) -> Page:
        self.times.setdefault(path, []).append(time.monotonic())
        if path == "/busy":
            if len(self.times[path]) == 1:
                page = Page(429, "text/html", b"slow down", headers={"Retry-After": "2"})
                self.refused.set()
                return page
            return Page.html(article("Akhirnya", "Halaman ini datang setelah menunggu."))
        if path == "/down":
            return Page(503, "text/html", b"maintenance", headers={"Retry-After": "3600"})
        return Page.error(404, "Not Found")


class NeighbourSite(Site):
    """Another site crawled at the same time: its feed comes once the busy site has said
    429, and names articles fetched (or not) while the busy site's retry waits."""

    def __init__(self, busy: BusySite) -> None:
        self.busy = busy
        self.times: dict[str, list[float]] = {}

    def route(self, path: str, query: dict[str, str]) -> Page:
        self.times.setdefault(path, []).append(time.monotonic())
        if path == "/feed":
            self.busy.refused.wait(10)
            base = other_host(self.base_url)
            items = "".join(f"<item><link>{base}/news/{n}</link></item>" for n in range(3))
            return Page.xml(
                f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>',
                "application/rss+xml",
            )
        if path.startswith("/news/"):
            return Page.html(article(f"Berita {path[6:]}", "Berita tetangga yang biasa saja."))
        return Page.error(404, "Not Found")


class HostileDocumentSite(Site):
    """An article linking attachments made to exhaust a reader (samples.hostile_documents),
    and one ordinary PDF."""

    def __init__(self) -> None:
        self.files = {
            "slow.pdf": ("application/pdf", slow_text_pdf(pages=50, operations=200_000)),
            "pages.pdf": ("application/pdf", many_pages_pdf(20_000)),
            "amplify.xlsx": (XLSX, amplifying_xlsx(string_chars=1_000_000, cells=1000)),
            "elements.docx": (DOCX, many_elements_docx(1_400_000, "kata")),
            "ok.pdf": ("application/pdf", make_pdf("Pengumuman", ["Isi dokumen biasa."])),
        }

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/robots.txt":
            return Page.text("User-agent: *\nAllow: /\n")
        if path == "/notice":
            links = " ".join(f'<a href="/files/{name}">{name}</a>' for name in self.files)
            return Page.html(article("Pengumuman lelang", f"Dokumen pengadaan: {links}"))
        name = path.removeprefix("/files/")
        if name in self.files:
            return Page(200, *self.files[name])
        return Page.error(404, "Not Found")
