"""spse3_notices: real crawls of the sample SPSE 3 host (listing pager, information,
schedule and evaluation pages), a changed mark versioned, a failed evaluation page counted
with the notice kept; the callbacks on real SPSE 3 pages."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import TextResponse

from archive.connection import open_archive
from archive.session import CrawlSession
from samples.server import SampleServer
from samples.spse3_site import Spse3Site
from samples.spse_content import Package
from samples.spse_evaluation import marks
from scrapers.extract import spse3
from scrapers.items import NoticeItem
from scrapers.sources import Source
from scrapers.spiders.spse3_notices import Spse3NoticesSpider, legacy_lpse
from scrapers.spiders.spse_notices import Visit
from tests.conftest import archive_crawler, procarchive, realdata, write_registry

# The sample page's columns (samples.spse3_pages.MARK_HEADS) as the archive names them.
MARK_KEYS = {"A": "passed_administration", "K": "passed_qualification",
             "B": "passed_verification", "T": "passed_technical"}  # fmt: skip
COLUMNS = ("supplier_name", "npwp", "offer", "corrected_price", *MARK_KEYS.values(),
           "is_winner", "fail_reason")  # fmt: skip


def crawl(db: Path, registry: Path) -> dict[str, Any]:
    run = procarchive(
        "crawl", "spse3", "--registry", str(registry), "--db", str(db),
        "-s", "AUTOTHROTTLE_START_DELAY=0", cwd=db.parent,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    archive = open_archive(db, create=False)
    return next(archive.query("select * from crawls order by id desc limit 1"))


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Crawled; a running tender's bidder's mark changed, crawled again; its evaluation page broken (500),
    crawled a third time."""
    site = Spse3Site.sample()
    folder = tmp_path_factory.mktemp("spse3")
    db = folder / "archive.db"
    with SampleServer({"spse3": site}) as server:
        registry = write_registry(folder / "sources.yml", server.urls, only=("spse3",))
        first = crawl(db, registry)
        changed = next(  # still running: a settled tender's pages are not fetched again
            p
            for p in site.packages
            if p.evaluated and p.in_progress and any(b.offer and not b.fails for b in p.bidders[1:])
        )
        index = next(i for i, b in enumerate(changed.bidders) if i and b.offer and not b.fails)
        before = changed.bidders[index]
        changed.bidders[index] = replace(
            before, fails="T", reason="Metode pelaksanaan tidak memenuhi"
        )
        second = crawl(db, registry)
        site.failing.add(f"/eproc/rekanan/lelangpeserta/{changed.code}")
        third = crawl(db, registry)
    return {"db": db, "site": site, "runs": (first, second, third), "changed": changed,
            "bidder": before.supplier.name}  # fmt: skip


def notice_id(package: Package) -> str:
    return f"jatengprov-tender-{package.code}"


def expected_bidders(package: Package) -> list[tuple[Any, ...]]:
    """The bidder rows the site's evaluation page says: a pass is an image; a blank is a
    failure where the row gives a reason, else not evaluated; no marks at all before the
    evaluation."""
    rows = []
    winner = package.winners[0].supplier if package.winner_shown else None
    for b in package.bidders:
        opened = package.offers_opened and b.offer is not None
        row: tuple[Any, ...] = (
            b.supplier.name,
            b.supplier.npwp if any(ch.isdigit() for ch in b.supplier.npwp) else None,
            b.offer if opened else None,
            b.corrected if opened else None,
        )
        if not package.evaluated:
            rows.append((*row, None, None, None, None, None, None))
            continue
        given = marks(package, b) if b.offer is not None else {}
        reason = b.reason or None
        passes = [1 if given.get(c) else (0 if reason else None) for c in MARK_KEYS]
        rows.append((*row, *passes, int(b.supplier == winner), reason))
    return rows


def test_every_tender_is_stored_with_its_schedule_and_marks(crawls: dict[str, Any]) -> None:
    first = crawls["runs"][0]
    assert (first["items_new"], first["status"], first["error_reasons"]) == (30, "ok", None)
    db = open_archive(crawls["db"], create=False)
    packages = crawls["site"].packages
    stored = {row["id"]: row for row in db.query("select * from notices")}
    assert set(stored) == {notice_id(p) for p in packages}
    bidders: dict[str, list[tuple[Any, ...]]] = {}
    for row in db.execute(
        f"select notice_id, {', '.join(COLUMNS)} from notice_awards where role = 'bidder' "
        "order by notice_id, position"
    ):
        bidders.setdefault(row[0], []).append(tuple(row[1:]))
    assert bidders == {notice_id(p): expected_bidders(p) for p in packages}
    for package in packages:
        notice = stored[notice_id(package)]
        assert (notice["name"], notice["hps"], notice["pagu"]) == (
            package.name, package.hps, package.pagu
        )  # fmt: skip
        schedule = db.execute(
            "select stage, starts_at from notice_schedule where notice_id = ? order by position",
            [notice_id(package)],
        ).fetchall()
        assert [stage for stage, _ in schedule] == [s.name for s in package.schedule]
        assert schedule[0][1] == package.schedule[0].start.isoformat() + "+07:00"
    winners = dict(
        db.execute("select notice_id, supplier_name from notice_awards where role = 'winner'")
    )
    assert winners == {notice_id(p): p.winners[0].supplier.name for p in packages if p.winner_shown}
    # The sample has what the test needs: tenders evaluated, with failures, and not yet.
    evaluated = [p for p in packages if p.evaluated]
    assert 0 < len(evaluated) < len(packages)
    assert any(b.fails for p in evaluated for b in p.bidders)


def test_a_changed_mark_makes_a_new_version(crawls: dict[str, Any]) -> None:
    first, second, _ = crawls["runs"]
    assert (second["items_changed"], second["items_unchanged"]) == (1, 29)
    # robots.txt, three listing pages, and three pages of each tender; settled ones only once.
    running = sum(p.in_progress for p in crawls["site"].packages)
    assert (first["pages_fetched"], second["pages_fetched"]) == (4 + 3 * 30, 4 + 3 * running)
    db = open_archive(crawls["db"], create=False)
    identifier = notice_id(crawls["changed"])
    versions = list(
        db.query("select * from notice_versions where notice_id = ? order by version", [identifier])
    )
    assert [v["version"] for v in versions] == [1, 2]
    assert "evaluation" in json.loads(versions[1]["changes"])

    def technical(record: str) -> Any:
        rows = json.loads(record)["awards"]
        return next(
            (r["passed_technical"], r["fail_reason"])
            for r in rows
            if r["role"] == "bidder" and r["supplier_name"] == crawls["bidder"]
        )

    assert technical(versions[0]["record"]) == (True, None)  # the old mark kept
    assert technical(versions[1]["record"]) == (False, "Metode pelaksanaan tidak memenuhi")


def test_a_failed_evaluation_page_is_counted_and_the_notice_kept(crawls: dict[str, Any]) -> None:
    third = crawls["runs"][2]
    assert json.loads(third["error_reasons"]) == {"failed/http_500": 1}
    assert (third["items_changed"], third["items_unchanged"]) == (0, 30)
    db = open_archive(crawls["db"], create=False)
    changed = crawls["changed"]
    rows = db.execute(
        f"select {', '.join(COLUMNS)} from notice_awards where notice_id = ? and role = 'bidder' "
        "order by position",
        [notice_id(changed)],
    ).fetchall()
    assert [tuple(row) for row in rows] == expected_bidders(changed)  # carried over as archived


# Spider callbacks on real SPSE 3 pages (LPSE DKI Jakarta, 2015-16).
JAKARTA = "https://lpse.jakarta.go.id/eproc"


def legacy_spider() -> Spse3NoticesSpider:
    crawler = archive_crawler({"PROCARCHIVE_SPSE_MAX_LISTING_PAGES": 5}, Spse3NoticesSpider)
    crawler.stats.open_spider()
    source = Source("jakarta3", "spse3_notices", (JAKARTA,), ("lpse.jakarta.go.id",))
    spider = Spse3NoticesSpider.from_crawler(crawler, source=source)
    spider.base, spider.lpse = JAKARTA, legacy_lpse(None, JAKARTA)
    spider.visited, spider.listed_codes = set(), set()
    spider.archived = CrawlSession.of(crawler).index  # not incremental: everything fetched
    spider.max_listing_pages = 5
    return spider


def real_page(number: int, url: str) -> TextResponse:
    body = (realdata("spse3-legacy") / f"lelang-{number}.html").read_bytes()
    return TextResponse(url, body=body, encoding="utf-8", request=Request(url))


def test_a_legacy_host_is_its_registry_lpse() -> None:
    lpse = legacy_lpse(None, JAKARTA)
    assert (lpse.slug, lpse.timezone) == ("jakarta", "+07:00")
    assert legacy_lpse("jatengprov", "http://127.0.0.1:1/eproc").slug == "jatengprov"
    with pytest.raises(ValueError, match="legacy host"):
        legacy_lpse(None, "http://lpse.unknown.example/eproc")


def test_the_real_listing_leads_to_every_tender_and_the_next_page() -> None:
    spider = legacy_spider()
    out = list(spider.parse_tender_listing(real_page(1, f"{JAKARTA}/lelang"), page=1))
    requests = [o for o in out if isinstance(o, Request)]
    visits = [r.url for r in requests if "/lelang/view/" in r.url]
    assert len(visits) == 50 and visits[0] == f"{JAKARTA}/lelang/view/29900127"
    assert requests[-1].url == f"{JAKARTA}/lelang.gridtable.pager/2?s=5"
    # The same page again (a pager come round): nothing new, no page after it.
    assert list(spider.parse_tender_listing(real_page(1, f"{JAKARTA}/lelang"), page=2)) == []
    # The non-e-procurement listing has no tenders to visit.
    assert not [
        o for o in spider.parse_tender_listing(real_page(2, f"{JAKARTA}/lelang"), page=1)
        if "/view/" in getattr(o, "url", "")
    ]  # fmt: skip


def test_the_real_pages_make_one_notice() -> None:
    spider = legacy_spider()
    visit = Visit(spider.lpse, "tender", "566153", {"name": "listed"}, [])
    pages = ((6, "announcement", "lelang/view"), (4, "schedule", "lelang/tahap"),
             (5, "evaluation", "rekanan/lelangpeserta"))  # fmt: skip
    for number, part, path in pages:
        response = real_page(number, f"{JAKARTA}/{path}/566153")
        assert list(spider.read_part(response, response.text, visit, part)) == []
    [item] = list(spider.next_page(visit))
    assert isinstance(item, NoticeItem)
    assert (item.lpse, item.category, item.package_code, item.url) == (
        "jakarta", "tender", "566153", f"{JAKARTA}/lelang/view/566153"
    )  # fmt: skip
    assert item.parts == ["announcement", "schedule", *spse3.EVALUATION_PARTS]
    assert item.fields["hps"] == 15_000_000_000 and len(item.schedule) == 14
    assert len(item.bidders) == len(item.evaluation) == 24
    assert all(b["role"] == "bidder" and "passed_technical" not in b for b in item.bidders)
    [winner] = item.awards
    assert winner["role"] == "winner" and winner["offer"] == 1_881_060_000
    rejected = item.evaluation[13]
    assert (rejected["passed_administration"], rejected["passed_technical"]) == (True, False)
    assert rejected["fail_reason"].startswith("Surat dukungan tidak memenuhi syarat")
    # No image and no reason: not evaluated, not failed.
    assert item.evaluation[1]["passed_administration"] is None
    assert [row["is_winner"] for row in item.evaluation].count(True) == 1
