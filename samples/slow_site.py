"""A site whose articles take a while to serve and which counts how many requests it is
serving at once, per Host: what a site owner sees of a crawler's concurrency."""

from __future__ import annotations

import threading
import time
from collections import Counter

from samples.server import Page, SampleRequest, Site

PARAGRAPH = (
    "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah mencatat nilai transaksi katalog "
    "elektronik meningkat, sementara penyedia baru terus bertambah di seluruh provinsi. "
    "Pemerintah daerah diminta memperbarui rencana umum pengadaan sebelum akhir triwulan."
)


def word(n: int) -> str:
    """A word of letters only for a number: pages differ in words, not only in digits."""
    letters = ""
    while True:
        n, digit = divmod(n, 26)
        letters += chr(ord("a") + digit)
        if not n:
            return letters


class SlowSite(Site):
    def __init__(self, articles: int = 40, delay: float = 0.2) -> None:
        self.articles = articles
        self.delay = delay
        self._lock = threading.Lock()
        self.in_flight: Counter[str] = Counter()
        self.most_at_once: Counter[str] = Counter()  # Host -> the most served at once
        self.first_request = self.last_response = 0.0  # time.monotonic(), for benchmarks

    def handle(self, request: SampleRequest) -> Page:
        host = request.headers.get("Host")
        with self._lock:
            self.in_flight[host] += 1
            self.most_at_once[host] = max(self.most_at_once[host], self.in_flight[host])
            self.first_request = self.first_request or time.monotonic()
        try:
            return super().handle(request)
        finally:
            with self._lock:
                self.in_flight[host] -= 1
                self.last_response = time.monotonic()

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/robots.txt":
            return Page.text("User-agent: *\nAllow: /\n")
        if path == "/sitemap.xml":
            urls = "".join(
                f"<url><loc>{self.base_url}/berita/{n}</loc><lastmod>2026-11-01</lastmod></url>"
                for n in range(self.articles)
            )
            return Page.xml(
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                "application/xml",
            )
        number = path.removeprefix("/berita/")
        if not number.isdigit() or int(number) >= self.articles:
            return Page.error(404, "Not Found")
        time.sleep(self.delay)
        title = f"Berita pengadaan {word(int(number))}"
        words = " ".join(f"kata{word(int(number) * 61 + i)}" for i in range(40))
        return Page.html(
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{words}</p><p>{PARAGRAPH}</p></article></body></html>"
        )
