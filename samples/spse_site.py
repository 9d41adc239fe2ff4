"""A sample SPSE 4 host (like spse.inaproc.id): several LPSEs under path prefixes, listings
served as DataTables JSON behind Play's session-token handshake, package pages, attachments,
and `advance()` to let a night pass between two crawls.

The handshake: a listing page (GET /{slug}/lelang) sets the SPSE_SESSION cookie and prints
`authenticityToken`; the DataTables POST (/{slug}/dt/lelang) must bring the cookie, the same
token in its form, `X-Requested-With: XMLHttpRequest` and a Referer under /{slug}/.

`LegacyHost` serves one of its LPSEs in the shape of an LPSE's own host (/eproc4/...).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, replace
from html import escape
from typing import Any

from samples.server import Page, SampleRequest, Site
from samples.spse_changes import Change, advance
from samples.spse_content import Lpse, Package, sample_lpses, sample_packages
from samples.spse_documents import CONTENT_TYPES, document_bytes
from samples.spse_pages import (
    announcement_page,
    evaluation_page,
    home_page,
    listing_page,
    listing_row,
    participants_page,
    realisation_page,
    schedule_page,
    winner_page,
)

ROBOTS = "User-agent: *\nDisallow: /__control/\n"
SESSION_COOKIE = "SPSE_SESSION"
MAX_SESSIONS = 10_000
LISTINGS = {
    "lelang": "tender", "nontender": "nontender", "pencatatan": "pencatatan",
    "swakelola": "swakelola", "darurat": "darurat",
}  # fmt: skip
COUNTED = frozenset({"lelang", "nontender"})  # the others report 2^31-1, as SPSE does
UNCOUNTED = 2**31 - 1
MAX_LENGTH, DEFAULT_LENGTH = 100, 10
# /{slug}/{first}/{code}/{last} and /{slug}/{first}/{last}?id={code} -> (category, role)
CODE_IN_PATH = {
    ("lelang", "pengumumanlelang"): ("tender", "announcement"),
    ("lelang", "jadwal"): ("tender", "schedule"),
    ("lelang", "peserta"): ("tender", "participants"),
    ("evaluasi", "pemenang"): ("tender", "winner"),
    ("evaluasi", "hasil"): ("tender", "evaluation"),
    ("nontender", "pengumumanpl"): ("nontender", "announcement"),
    ("nontender", "jadwal"): ("nontender", "schedule"),
    ("nontender", "peserta"): ("nontender", "participants"),
    ("evaluasinontender", "pemenang"): ("nontender", "winner"),
    ("evaluasinontender", "hasil"): ("nontender", "evaluation"),
    ("swakelola", "pengumuman"): ("swakelola", "announcement"),
}
CODE_IN_QUERY = {
    ("pencatatan", "pengumumannonspk"): ("pencatatan", "announcement"),
    ("pencatatan", "pengumumannonspkpemenang"): ("pencatatan", "winner"),
    ("darurat", "pengumumandarurat"): ("darurat", "announcement"),
    ("darurat", "pengumumandaruratpemenang"): ("darurat", "winner"),
}


class SpseSite(Site):
    def __init__(self, lpses: Iterable[Lpse], packages: Iterable[Package]) -> None:
        self.lpses = tuple(lpses)
        self.packages = list(packages)
        self.nights = 0
        self._by_slug = {lpse.slug: lpse for lpse in self.lpses}
        self._index = {(p.lpse, p.category, p.code): p for p in self.packages}
        self._sessions: dict[str, str] = {}  # session id -> authenticity token
        self._documents: dict[int, bytes] = {}
        self._lock = threading.RLock()
        self._documents_lock = threading.Lock()

    @classmethod
    def sample(cls) -> SpseSite:
        """Three LPSEs of about 100 packages each, budget years 2025 and 2026."""
        return cls(sample_lpses(), sample_packages())

    def advance(self) -> list[Change]:
        """Let one night pass; the changes say which packages a second crawl should see anew."""
        with self._lock:
            self.nights += 1
            changes = advance(self.packages, self.nights)
            self._index = {(p.lpse, p.category, p.code): p for p in self.packages}
            return changes

    def package(self, slug: str, category: str, code: str) -> Package | None:
        return self._index.get((slug, category, code))

    def handle(self, request: SampleRequest) -> Page:
        path = request.path
        if path == "/robots.txt":
            return Page.text(ROBOTS)
        if path == "/__control/advance":
            changes = self.advance()
            return _json(200, {"night": self.nights, "changes": [asdict(c) for c in changes]})
        if path == "/":
            return self.index()
        slug, _, rest = path.strip("/").partition("/")
        lpse = self._by_slug.get(slug)
        parts = rest.split("/") if rest else []
        if lpse is None:
            return Page.error(404, "Halaman tidak ditemukan")
        if len(parts) == 2 and parts[0] == "dt" and parts[1] in LISTINGS:
            if request.method == "POST":
                return self.datatable(request, lpse, parts[1])
            return Page.error(405, "Method Not Allowed")
        if request.method != "GET":
            return Page.error(405, "Method Not Allowed")
        if not parts:
            return Page.html(home_page(lpse))
        if len(parts) == 1 and parts[0] in LISTINGS:
            return self.listing(request, lpse, parts[0])
        if len(parts) == 5 and parts[0] == "lelang" and parts[2] == "dokumen":
            return self.document(lpse, parts[1], parts[3], parts[4])
        return self.package_page(lpse, parts, request.query)

    def route(self, path: str, query: dict[str, str]) -> Page:
        return self.handle(SampleRequest("GET", path, query))

    def index(self) -> Page:
        links = "".join(
            f'<li><a href="/{lpse.slug}/">{escape(lpse.name)}</a></li>' for lpse in self.lpses
        )
        return Page.html(f"<html><body><h1>SPSE</h1><ul>{links}</ul></body></html>")

    def package_page(self, lpse: Lpse, parts: list[str], query: dict[str, str]) -> Page:
        if len(parts) == 3 and (parts[0], parts[2]) in CODE_IN_PATH:
            (category, role), code = CODE_IN_PATH[parts[0], parts[2]], parts[1]
        elif len(parts) == 2 and tuple(parts) in CODE_IN_QUERY:
            (category, role), code = CODE_IN_QUERY[parts[0], parts[1]], query.get("id", "")
        else:
            return Page.error(404, "Halaman tidak ditemukan")
        with self._lock:
            package = self.package(lpse.slug, category, code)
            if package is None:
                return Page.error(404, "Paket tidak ditemukan")
            if role == "announcement":
                return Page.html(announcement_page(lpse, package))
            if role == "schedule":
                return Page.html(schedule_page(lpse, package))
            if role == "participants":
                return Page.html(participants_page(lpse, package))
            if role == "evaluation":  # published once the package is past its evaluation
                if not package.evaluated:
                    return Page.error(404, "Hasil evaluasi belum tersedia")
                return Page.html(evaluation_page(lpse, package))
            if category in ("tender", "nontender"):
                return Page.html(winner_page(lpse, package))
            return Page.html(realisation_page(lpse, package))

    def listing(self, request: SampleRequest, lpse: Lpse, listing: str) -> Page:
        """The listing page: starts a session (or keeps the caller's) and prints its token."""
        headers = {}
        with self._lock:
            session = self._session(request)
            if session is None:
                session_id, token = secrets.token_hex(20), secrets.token_hex(20)
                self._sessions[session_id] = token
                while len(self._sessions) > MAX_SESSIONS:
                    del self._sessions[next(iter(self._sessions))]
                value = f"{session_id}-___AT={token}&___TS={int(time.time() * 1000)}"
                headers["Set-Cookie"] = f"{SESSION_COOKIE}={value}; Path=/; HttpOnly"
            else:
                token = self._sessions[session]
            years = {p.budget_year for p in self.packages if p.lpse == lpse.slug}
        page = Page.html(listing_page(lpse, listing, token, years))
        page.headers.update(headers)
        return page

    def datatable(self, request: SampleRequest, lpse: Lpse, listing: str) -> Page:
        refusal = self._refusal(request, lpse)
        if refusal:
            return _json(403, {"error": refusal})
        form, year = request.form, request.query.get("tahun", "")
        with self._lock:
            rows = [
                p
                for p in self.packages
                if p.lpse == lpse.slug
                and p.category == LISTINGS[listing]
                and (not year or str(p.budget_year) == year)
            ]
            rows.sort(key=lambda p: (p.created, int(p.code)), reverse=True)
            start = max(_number(form.get("start"), 0), 0)
            length = _number(form.get("length"), DEFAULT_LENGTH)
            length = MAX_LENGTH if length < 0 or length > MAX_LENGTH else length
            data = [listing_row(p) for p in rows[start : start + length]]
        total = len(rows) if listing in COUNTED else UNCOUNTED
        return _json(
            200,
            {"draw": form.get("draw", "0"), "recordsTotal": total, "recordsFiltered": total,
             "data": data},
        )  # fmt: skip

    def document(self, lpse: Lpse, code: str, number: str, filename: str) -> Page:
        package = self.package(lpse.slug, "tender", code)
        documents = package.documents if package else []
        found = [d for d in documents if str(d.number) == number and d.filename == filename]
        if not package or not found or found[0].kind == "missing":
            return Page.error(404, "Dokumen tidak ditemukan")
        document = found[0]
        with self._documents_lock:  # made once: the large PDF takes a moment
            if document.number not in self._documents:
                self._documents[document.number] = document_bytes(package, document)
            body = self._documents[document.number]
        disposition = f'attachment; filename="{document.filename}"'
        return Page(200, CONTENT_TYPES[document.kind], body, {"Content-Disposition": disposition})

    def _session(self, request: SampleRequest) -> str | None:
        """The caller's session id when its cookie names a live session with its token."""
        session_id, _, rest = request.cookies.get(SESSION_COOKIE, "").partition("-___AT=")
        token = rest.partition("&___TS=")[0]
        if token and self._sessions.get(session_id) == token:
            return session_id
        return None

    def _refusal(self, request: SampleRequest, lpse: Lpse) -> str:
        """Why SPSE would refuse this DataTables call; empty when it would answer."""
        with self._lock:
            session = self._session(request)
            token = self._sessions.get(session or "")
        if session is None:
            return "no session"
        if request.form.get("authenticityToken") != token:
            return "bad authenticity token"
        if request.headers.get("X-Requested-With") != "XMLHttpRequest":
            return "not an XMLHttpRequest"
        if not request.headers.get("Referer").startswith(f"{self.base_url}/{lpse.slug}/"):
            return "bad referer"
        return ""


class LegacyHost(Site):
    """One LPSE of a sample SPSE on its own host, as SPSE 4 ran before spse.inaproc.id:
    the same package pages under /eproc4/ (lpse.jakarta.go.id/eproc4/lelang/<code>/peserta),
    their links too. GET pages only: the DataTables handshake is the national host's."""

    PREFIX = "/eproc4/"

    def __init__(self, site: SpseSite, slug: str) -> None:
        self.site, self.slug = site, slug

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/robots.txt":
            return Page.text(ROBOTS)
        if not path.startswith(self.PREFIX):
            return Page.error(404, "Halaman tidak ditemukan")
        page = self.site.route(f"/{self.slug}/{path.removeprefix(self.PREFIX)}", query)
        if page.content_type == "text/html":
            own = f'"/{self.slug}/'.encode()
            page = replace(page, body=page.body.replace(own, f'"{self.PREFIX}'.encode()))
        return page


def _json(status: int, data: dict[str, Any]) -> Page:
    return Page(status, "application/json", json.dumps(data, ensure_ascii=False).encode())


def _number(text: str | None, default: int) -> int:
    try:
        return int(text or "")
    except ValueError:
        return default
