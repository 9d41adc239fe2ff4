"""A site that serves what real sites serve on bad days, for tests of the crawl's resilience."""

from __future__ import annotations

import time

from samples.server import Page, Site

ARTICLE = """<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>
<p>{body}</p><p>Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah mencatat nilai transaksi katalog
elektronik meningkat tajam, sementara jumlah penyedia baru terus bertambah setiap bulan di seluruh
provinsi. Pemerintah daerah diminta memperbarui rencana umum pengadaan sebelum akhir triwulan.</p>
<p>Para pejabat pengadaan juga diingatkan untuk memeriksa kualifikasi penyedia dengan teliti agar
pengadaan berjalan transparan, akuntabel, dan bebas dari konflik kepentingan.</p></article></body></html>"""

GOOD = {"ok", "wrong-charset", "undeclared-latin1", "broken-html"}
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
        return Page.error(404, "Not Found")
