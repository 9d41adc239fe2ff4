"""SPSE 3 tenders of one LPSE's own host (Tapestry, under `/eproc/`), as LPSEs ran them before
SPSE 4: the tender listing and its pager, then each tender's information, schedule and
evaluation pages. The start URL is the host's /eproc root.

The items are spse_notices' NoticeItems, so the same pipelines store them: the evaluation
page, which lists every participant with its marks and the winner, reads as SPSE 4's
participants, evaluation and winner pages together (spse3.legacy_bidders). The LPSE is the
`lpse` argument or the source's `lpse` option (a slug or a full entry), else the registry's
LPSE whose legacy host this is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response

from archive.session import CrawlSession
from scrapers.extract import spse3
from scrapers.extract.spse import NotSpse
from scrapers.lpse import Lpse, choose_lpses, lpse_at_host
from scrapers.spiders.spse_notices import SpseNoticesSpider, Visit

CATEGORY = "tender"


class Spse3NoticesSpider(SpseNoticesSpider):
    name = "spse3_notices"

    async def start(self) -> AsyncIterator[Any]:
        self.base = self.start_urls[0].rstrip("/")
        self.lpse = legacy_lpse(self.lpse_arg or self.source.options.get("lpse"), self.base)
        self.archived = CrawlSession.of(self.crawler).index
        self.max_listing_pages = self.crawler.settings.getint("PROCARCHIVE_SPSE_MAX_LISTING_PAGES")
        self.visited: set[str] = set()
        self.listed_codes: set[str] = set()
        url = f"{self.base}/{spse3.LISTING_PATH}"
        yield self.request(url, self.parse_tender_listing, cb_kwargs={"page": 1})

    def parse_tender_listing(self, response: Response, page: int) -> Iterator[Any]:
        html = self.page_text(response)
        if html is None:
            return
        try:
            rows = spse3.parse_legacy_listing(html, response.url)
        except NotSpse as exc:
            self.fail(response, "bad_listing", str(exc))
            return
        tenders = [row for row in rows if row["category"] == CATEGORY]
        fresh = [row for row in tenders if row["package_code"] not in self.listed_codes]
        self.listed_codes.update(str(row["package_code"]) for row in tenders)
        for row in fresh:
            yield from self.visit(self.lpse, CATEGORY, row)
        following = spse3.legacy_next_page(html, response.url)
        if not following or not fresh:  # a pager that comes round again ends the walk too
            return
        if page >= self.max_listing_pages:
            self.fail(
                response, "listing_truncated", f"stopped after {self.max_listing_pages} pages"
            )
            return
        yield self.request(following, self.parse_tender_listing, cb_kwargs={"page": page + 1})

    def pages(self, lpse: Lpse, category: str, code: str) -> list[tuple[str, str]]:
        return [(part, f"{self.base}/{path.format(code=code)}") for part, path in spse3.PAGES]

    def read_part(self, response: Response, html: str, visit: Visit, part: str) -> Iterator[Any]:
        offset = visit.lpse.timezone
        if part == "announcement":
            visit.notice = spse3.parse_legacy_notice(html, offset)
            visit.url, visit.capture_id = response.url, response.meta.get("capture_id")
            visit.parts.append(part)
        elif part == "schedule":
            visit.schedule = spse3.parse_legacy_schedule(html, offset)
            visit.parts.append(part)
        elif part == "evaluation":
            read = spse3.legacy_bidders(spse3.parse_legacy_evaluation(html))
            visit.bidders, visit.evaluation, visit.awards = (
                read.bidders,
                read.evaluation,
                read.awards,
            )
            visit.parts.extend(spse3.EVALUATION_PARTS)
        yield from ()


def legacy_lpse(chosen: Any, base_url: str) -> Lpse:
    """The LPSE a legacy host's tenders are archived under."""
    if chosen:
        own = [chosen] if isinstance(chosen, dict) else []
        return choose_lpses([chosen], own)[0]
    host = urlsplit(base_url).hostname or ""
    found = lpse_at_host(host)
    if found is None:
        raise ValueError(
            f"no LPSE has the legacy host {host!r}: give the source an `lpse` option "
            "(a slug of scrapers/data/lpse.yml or a full entry)"
        )
    return found
