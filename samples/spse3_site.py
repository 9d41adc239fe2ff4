"""A sample SPSE 3 host (an LPSE's own site before SPSE 4, like lpse.jakarta.go.id/eproc/):
the tender listing in pages of ten with its Tapestry pager, and each tender's information,
schedule and evaluation pages. Tenders are the sample SPSE's (samples.spse_content), drawn
with their own seed, with 6-digit codes as SPSE 3 gave them.

`failing` holds paths that answer 500 (a broken page for the tests)."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable

from samples.server import Page, SampleRequest, Site
from samples.spse3_pages import evaluation_page, information_page, listing_page, schedule_page
from samples.spse_content import Lpse, Package, PackageMaker, attach_bidders, sample_lpses
from samples.spse_evaluation import judge

ROBOTS = "User-agent: *\nDisallow: /eproc/admin/\n"
LEGACY_SLUG = "jatengprov"  # whose vocabulary the tenders are drawn from
PAGE_SIZE = 10
CODE_BASE = 560_000
PAGER = "/eproc/lelang.gridtable.pager/"


def legacy_tenders(count: int = 30, slug: str = LEGACY_SLUG) -> list[Package]:
    """`count` tenders of the LPSE, most of this year's still running, with their bidders
    judged as the SPSE 4 sample judges its own."""
    maker = PackageMaker(slug, seed="spse3")
    packages = []
    for _ in range(count):
        year = 2025 if maker.rng.random() < 0.25 else 2026
        packages.append(maker.package("tender", maker.created_on(year), year))
    code = CODE_BASE
    for package in sorted(packages, key=lambda p: p.created):
        code += maker.rng.randint(40, 140)
        package.code = str(code)
    attach_bidders(packages)
    for package in packages:
        judge(package)
    return packages


class Spse3Site(Site):
    def __init__(self, lpse: Lpse, packages: Iterable[Package]) -> None:
        self.lpse = lpse
        self.packages = list(packages)
        self.failing: set[str] = set()
        self._lock = threading.Lock()

    @classmethod
    def sample(cls) -> Spse3Site:
        lpse = next(lpse for lpse in sample_lpses() if lpse.slug == LEGACY_SLUG)
        return cls(lpse, legacy_tenders())

    def package(self, code: str) -> Package | None:
        return next((p for p in self.packages if p.code == code), None)

    def handle(self, request: SampleRequest) -> Page:
        if request.method != "GET":
            return Page.error(405, "Method Not Allowed")
        path = request.path
        if path == "/robots.txt":
            return Page.text(ROBOTS)
        if path in self.failing:
            return Page.error(500, "Internal Server Error")
        with self._lock:
            if path == "/eproc/lelang":
                return self.listing(1)
            if path.startswith(PAGER) and path.removeprefix(PAGER).isdigit():
                return self.listing(int(path.removeprefix(PAGER)))
            return self.tender_page(path)

    def route(self, path: str, query: dict[str, str]) -> Page:
        return self.handle(SampleRequest("GET", path, query))

    def listing(self, page: int) -> Page:
        """Newest first; a page past the last shows the last, as Tapestry's grid does."""
        ordered = sorted(self.packages, key=lambda p: int(p.code), reverse=True)
        pages = max(math.ceil(len(ordered) / PAGE_SIZE), 1)
        page = min(max(page, 1), pages)
        first = (page - 1) * PAGE_SIZE
        shown = ordered[first : first + PAGE_SIZE]
        return Page.html(listing_page(shown, page, pages, first + 1))

    def tender_page(self, path: str) -> Page:
        head, _, code = path.rpartition("/")
        package = self.package(code) if code.isdigit() else None
        if package is None or head not in (
            "/eproc/lelang/view", "/eproc/lelang/tahap", "/eproc/rekanan/lelangpeserta",
        ):  # fmt: skip
            return Page.error(404, "Halaman tidak ditemukan")
        if head == "/eproc/lelang/view":
            return Page.html(information_page(self.lpse, package))
        if head == "/eproc/lelang/tahap":
            return Page.html(schedule_page(package))
        return Page.html(evaluation_page(package))
