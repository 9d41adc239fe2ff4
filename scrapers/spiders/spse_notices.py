"""SPSE 4 notices of one or more LPSEs: the DataTables listings of each category and budget
year (a session token handshake first), then each package's announcement, schedule,
participants and winner pages, and the documents the announcement links to.

The LPSEs come from the spider argument or setting `lpse` ("jatengprov,kemenkeu"), else the
source's `lpses` option; years from `years` (default: this year and last). Nightly crawls do
not fetch settled packages (complete, cancelled) whose listing row shows the stage archived,
except the day's refresh slice (archive.index, as for articles).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.ids import notice_id
from archive.index import ArchiveIndex
from archive.session import CrawlSession
from scrapers.extract import spse
from scrapers.extract.spse import CATEGORIES, LISTINGS, PAGES
from scrapers.items import NoticeGoneItem, NoticeItem, NoticeSeenItem
from scrapers.lpse import Lpse, choose_lpses
from scrapers.spiders.base import SourceSpider

LISTING_FIELDS = ("name", "agency", "stage", "hps", "pagu", "method", "procurement_type")
PAGE_LENGTH = 100


@dataclass
class Visit:
    """One package being read page by page."""

    lpse: Lpse
    category: str
    code: str
    listed: dict[str, Any]
    pending: list[tuple[str, str]]
    notice: spse.Notice | None = None
    schedule: list[dict[str, Any]] = field(default_factory=list)
    awards: list[dict[str, Any]] = field(default_factory=list)
    bidders: list[dict[str, Any]] = field(default_factory=list)
    evaluation: list[dict[str, Any]] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    url: str = ""
    capture_id: str | None = None


class SpseNoticesSpider(SourceSpider):
    name = "spse_notices"

    def __init__(self, *args: Any, lpse: str = "", years: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lpse_arg, self.years_arg = lpse, years

    def chosen_lpses(self) -> list[Lpse]:
        own = self.source.options.get("lpses", [])
        return choose_lpses(self.lpse_arg or self.settings.get("PROCARCHIVE_LPSE") or own, own)

    def archived_lpses(self) -> list[str]:
        """The LPSEs whose notices this crawl reads (a shard's seed: archive.seed)."""
        return [lpse.slug for lpse in self.chosen_lpses()]

    async def start(self) -> AsyncIterator[Any]:
        settings = self.crawler.settings
        options = self.source.options
        lpses = self.chosen_lpses()
        years = _years(
            self.years_arg or settings.get("PROCARCHIVE_SPSE_YEARS") or options.get("years")
        )
        categories = options.get("categories") or CATEGORIES
        self.base = self.start_urls[0].rstrip("/")
        self.archived: ArchiveIndex = CrawlSession.of(self.crawler).index
        self.max_listing_pages = settings.getint("PROCARCHIVE_SPSE_MAX_LISTING_PAGES")
        self.listed: dict[tuple[str, str, int], set[str]] = {}
        self.visited: set[str] = set()
        for lpse in lpses:
            for category in categories:
                url = f"{self.base}/{lpse.slug}/{LISTINGS[category]}"
                yield self.request(
                    url,
                    self.parse_listing_page,
                    cb_kwargs={"lpse": lpse, "category": category, "years": years},
                )

    def parse_listing_page(
        self, response: Response, lpse: Lpse, category: str, years: list[int]
    ) -> Iterator[Any]:
        html = self.page_text(response) or ""
        set_cookies = [value.decode("latin-1") for value in response.headers.getlist("Set-Cookie")]
        cookie, token = spse.session(set_cookies, html)
        if not token:  # a whole listing unread: a failure, not a skip
            self.fail(response, "no_token", "no authenticity token in the cookie or the page")
            return
        for year in years:
            yield self.listing_page(response.url, lpse, category, year, 0, cookie, token)

    def listing_page(
        self, referer: str, lpse: Lpse, category: str, year: int, start: int,
        cookie: str | None, token: str,
    ) -> scrapy.FormRequest:  # fmt: skip
        headers = {
            "X-Requested-With": "XMLHttpRequest",
            "Referer": referer,
            "Accept": "application/json",
        }
        if cookie:
            headers["Cookie"] = cookie
        return scrapy.FormRequest(
            f"{self.base}/{lpse.slug}/dt/{LISTINGS[category]}?tahun={year}",
            formdata={
                "draw": str(start // PAGE_LENGTH + 1), "start": str(start),
                "length": str(PAGE_LENGTH), "authenticityToken": token, "search[value]": "",
                "order[0][column]": "0", "order[0][dir]": "desc",
            },
            headers=headers,
            callback=self.parse_listing,
            errback=self.request_failed,
            meta={"revalidate": False},
            cb_kwargs={"lpse": lpse, "category": category, "year": year, "start": start,
                       "cookie": cookie, "token": token, "referer": referer},
            dont_filter=True,
        )  # fmt: skip

    def parse_listing(
        self, response: Response, lpse: Lpse, category: str, year: int, start: int,
        cookie: str | None, token: str, referer: str,
    ) -> Iterator[Any]:  # fmt: skip
        try:
            rows, total = spse.parse_listing(response.body, LISTINGS[category])
        except spse.NotSpse as exc:
            self.fail(response, "bad_listing", str(exc))
            return
        listed = self.listed.setdefault((lpse.slug, category, year), set())
        fresh = [row for row in rows if str(row.get("package_code")) not in listed]
        listed.update(str(row.get("package_code")) for row in rows)
        for row in fresh:
            yield from self.visit(lpse, category, row)
        # Totals can be bogus (2147483647), and a server may shorten pages or ignore `start`:
        # page on while pages bring packages not seen yet, up to a real total if there is one.
        following = start + len(rows)
        if not fresh or (total is not None and following >= total):
            return
        if start // PAGE_LENGTH + 1 >= self.max_listing_pages:
            self.fail(
                response, "listing_truncated", f"stopped after {self.max_listing_pages} pages"
            )
            return
        yield self.listing_page(referer, lpse, category, year, following, cookie, token)

    def visit(self, lpse: Lpse, category: str, row: dict[str, Any]) -> Iterator[Any]:
        code = str(row.get("package_code") or "").strip()
        if not code.isdigit():
            self.count("skipped/bad_package_code")
            self.logger.warning("Listing row without a package code: %r", row)
            return
        identifier = notice_id(lpse.slug, category, code)
        if identifier in self.visited:  # listed twice (a page shifted under new packages)
            return
        self.visited.add(identifier)
        if self.archived.notice_current(lpse.slug, category, code, row.get("stage")):
            yield NoticeSeenItem(self.source.name, [identifier])
            self.count("notices_settled_not_fetched")
            return
        yield from self.next_page(
            Visit(lpse, category, code, row, self.pages(lpse, category, code))
        )

    def pages(self, lpse: Lpse, category: str, code: str) -> list[tuple[str, str]]:
        """The package's pages in the order read: (part, URL)."""
        return [
            (part, f"{self.base}/{lpse.slug}/{path.format(code=code)}")
            for part, path in PAGES[category]
        ]

    def next_page(self, visit: Visit) -> Iterator[Any]:
        if visit.pending:
            part, url = visit.pending.pop(0)
            # Never dropped as a duplicate: the notice is stored when its last page is read.
            yield scrapy.Request(
                url, callback=self.parse_part, errback=self.part_failed, dont_filter=True,
                cb_kwargs={"visit": visit, "part": part}, meta={"visit": visit, "part": part},
            )  # fmt: skip
            return
        if visit.notice is None:
            return
        listed = {name: visit.listed.get(name) for name in LISTING_FIELDS if visit.listed.get(name)}
        yield NoticeItem(
            url=visit.url, source=self.source.name, lpse=visit.lpse.slug, category=visit.category,
            package_code=visit.code, fields={**listed, **visit.notice.fields}, rup=visit.notice.rup,
            schedule=visit.schedule, awards=visit.awards, parts=visit.parts,
            capture_id=visit.capture_id, bidders=visit.bidders, timezone=visit.lpse.timezone,
            evaluation=visit.evaluation,
        )  # fmt: skip

    def parse_part(self, response: Response, visit: Visit, part: str) -> Iterator[Any]:
        html = self.page_text(response)
        if html is not None:
            try:
                yield from self.read_part(response, html, visit, part)
            except spse.NotSpse as exc:
                if part == "announcement":  # the notice cannot be read at all
                    self.fail(response, "not_spse_announcement", str(exc))
                    return
                self.skip(response, f"not_spse_{part}", str(exc))
        elif part == "announcement":
            return
        yield from self.next_page(visit)

    def read_part(self, response: Response, html: str, visit: Visit, part: str) -> Iterator[Any]:
        offset = visit.lpse.timezone
        if part == "announcement":
            visit.notice = spse.parse_notice_page(html, offset)
            visit.url, visit.capture_id = response.url, response.meta.get("capture_id")
            parent = f"{visit.lpse.slug}-{visit.category}-{visit.code}"
            for href, text in visit.notice.documents:
                yield from self.documents.request(response.urljoin(href), "notice", parent, text)
            if visit.category in ("pencatatan", "darurat"):  # realisations are on the other tab
                visit.awards = visit.notice.awards
        elif part == "schedule":
            visit.schedule = spse.parse_schedule(html, offset)
        elif part == "participants":
            visit.bidders = spse.parse_participants(html)
        elif part == "evaluation":
            visit.evaluation = spse.parse_evaluation(html)
        elif part == "awards":
            visit.awards = spse.parse_notice_page(html, offset).awards
        visit.parts.append(part)

    def part_failed(self, failure: Failure) -> Iterator[Any]:
        """A failed page is counted; a failed announcement ends the visit (404/410: the
        package is gone), any other part is left as archived and the visit goes on. An
        evaluation page that is not there (404) is a package not evaluated yet: no failure."""
        request = failure.request  # type: ignore[attr-defined]
        visit: Visit = request.meta["visit"]
        response = getattr(failure.value, "response", None)
        if request.meta["part"] == "evaluation" and getattr(response, "status", None) == 404:
            self.count("evaluation_not_published")
            yield from self.next_page(visit)
            return
        yield from self.request_failed(failure)
        if request.meta["part"] != "announcement":
            yield from self.next_page(visit)
            return
        if response is not None and response.status in (404, 410):
            yield NoticeGoneItem(
                self.source.name,
                visit.lpse.slug,
                visit.category,
                visit.code,
                f"http_{response.status}",
                response.meta.get("capture_id"),
            )


def _years(value: Any) -> list[int]:
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if value:
        return [int(year) for year in value]
    this_year = date.today().year
    return [this_year, this_year - 1]
