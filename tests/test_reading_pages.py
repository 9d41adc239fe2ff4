"""The site's reading pages as Datasette renders them (its test client, metadata.yml, our
plugins and templates): an article, an MoU and a notice read as a record, not as a table of
columns; the home page leads to searches and queries; chart queries open as charts."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from archive.articles import refresh_agencies
from archive.connection import open_archive
from procarchive.linking.signings import group_signings
from procarchive.serve import build_datasette
from scrapers.analysis.agencies import gazetteer
from tests.test_metadata import build_archive, fetch_all

# The 2015 renewal of the LKPP-PPS MoU (samples/content), as build_archive stores it.
PPS_RENEWAL = "LKPP dan PPS Korea Perpanjang Nota Kesepahaman Pengadaan Publik"
INTERNAL = ("sketched_hash", "notices_scanned", "content_hash")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """metadata.yml's test archive, with the gazetteer a crawl stores beside it."""
    path = build_archive(tmp_path_factory.mktemp("reading") / "archive.db")
    db = open_archive(path, create=False)
    refresh_agencies(db, gazetteer().agencies.values())
    db.close()
    return path


def query(archive: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(archive)) as db:
        return db.execute(sql, params).fetchall()


def page(archive: Path, path: str) -> BeautifulSoup:
    response = fetch_all(archive, [path])[path]
    assert response.status_code == 200, (path, response.text[:500])
    return BeautifulSoup(response.text, "html.parser")


def main_view(soup: BeautifulSoup) -> str:
    """The page's text without its raw columns (the <details> at its foot)."""
    for raw in soup.select("details.raw-columns"):
        raw.decompose()
    return soup.get_text(" ")


def renewal(archive: Path) -> tuple[str, str, str, str | None]:
    ((key, text, url, capture),) = query(
        archive, "select id, text, url, capture_id from articles where title = ?", PPS_RENEWAL
    )
    return key, text, url, capture


def test_an_article_reads_as_title_source_date_links_and_paragraphs(archive: Path) -> None:
    key, text, url, _ = renewal(archive)
    soup = page(archive, f"/archive/articles/{key}")
    article = soup.select_one("article.reading")
    assert article is not None
    assert article.h1 is not None and article.h1.get_text(strip=True) == PPS_RENEWAL
    assert "LKPP news (lkpp.go.id)" in article.select_one(".byline").get_text()  # type: ignore[union-attr]
    assert article.select_one(f"a.original[href='{url}']") is not None
    paragraphs = [p.get_text() for p in article.select(".article-text p")]
    assert paragraphs == [p for p in text.split("\n\n") if p.strip()]
    columns = [th.get_text() for th in soup.select("details.raw-columns th")]
    assert {"sketched_hash", "notices_scanned", "text", "url"} <= set(columns)
    assert soup.select_one(f"details.raw-columns a[href='/archive/articles/{key}.json']")
    view = main_view(soup)
    assert not [column for column in INTERNAL if column in view]
    assert soup.select_one("table.rows-and-columns") is None  # the wide table is gone


def test_an_article_page_links_its_capture(archive: Path) -> None:
    key, _, _, _ = renewal(archive)
    with closing(sqlite3.connect(archive)) as db, db:
        db.execute("insert or ignore into captures (id, url, fetched_at, status, record_type) "
                   "values ('lkpp_news-1.warc.gz#10', 'https://lkpp.go.id/x', "
                   "'2026-01-01T00:00:00+00:00', 200, 'response')")  # fmt: skip
        db.execute("update articles set capture_id = 'lkpp_news-1.warc.gz#10' where id = ?", [key])
    try:
        soup = page(archive, f"/archive/articles/{key}")
        link = soup.select_one("article.reading a.capture")
        assert link is not None and link["href"] == "/archive/captures/lkpp_news-1~2Ewarc~2Egz~2310"
    finally:
        with closing(sqlite3.connect(archive)) as db, db:
            db.execute("update articles set capture_id = null where id = ?", [key])


def test_an_mou_page_is_titled_by_its_article_and_names_its_parties(archive: Path) -> None:
    key, _, _, _ = renewal(archive)
    ((signed_on, place),) = query(
        archive, "select signed_on, place from mous where article_id = ?", key
    )
    soup = page(archive, f"/archive/mous/{key}")
    reading = soup.select_one("article.reading")
    assert reading is not None and reading.h1 is not None
    assert reading.h1.get_text(strip=True) == PPS_RENEWAL
    assert reading.select_one(f"a.article[href='/archive/articles/{key}']") is not None
    signed = reading.select_one("dd.signed-on")
    assert signed is not None and signed.time is not None and signed.time["datetime"] == signed_on
    assert (reading.select_one("dd.place").get_text() or "") == (place or "not stated")  # type: ignore[union-attr]
    parties = [li.get_text(" ", strip=True) for li in reading.select("li.party")]
    assert [party.split()[0] for party in parties] == ["LKPP", "PPS"]
    assert "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah" in parties[0]
    assert "party:" not in main_view(soup)


def notice_with_versions(archive: Path) -> str:
    ((notice,),) = query(
        archive, "select notice_id from notice_versions group by notice_id having count(*) > 1"
    )
    return str(notice)


def test_a_notice_page_shows_its_stages_and_versions_as_a_timeline(archive: Path) -> None:
    notice = notice_with_versions(archive)
    stages = [row[0] for row in query(
        archive, "select stage from notice_schedule where notice_id = ? order by position", notice
    )]  # fmt: skip
    soup = page(archive, f"/archive/notices/{notice}")
    reading = soup.select_one("article.reading")
    assert reading is not None and reading.h1 is not None
    ((name,),) = query(archive, "select name from notices where id = ?", notice)
    assert reading.h1.get_text(strip=True) == name
    shown = [li.select_one(".stage") for li in reading.select("ol.schedule > li")]
    assert stages and [stage.get_text(strip=True) for stage in shown if stage] == stages
    versions = reading.select("ol.versions > li")
    assert len(versions) == 2
    change = versions[-1].get_text(" ", strip=True)
    assert "Pengumuman Pascakualifikasi → Pengumuman Pemenang" in change
    assert "Rp 1.200.000.000 → Rp 1.100.000.000" in change
    assert "winner" in change.lower()
    assert "scanned_version" not in main_view(soup)
    flags = reading.select_one("section.notice-flags")
    assert flags is not None
    raised = [li.get_text(" ", strip=True) for li in flags.select("li.flag-on")]
    assert (
        "Flagged: HPS changed after the announcement · HPS from 1200000000 to 1100000000" in raised
    )


def test_red_flags_are_a_facetable_table(archive: Path) -> None:
    soup = page(archive, "/archive/notice_flags?flagged=1")
    facets = {f.get("data-column") for f in soup.select("[data-column]")}
    assert {"indicator", "lpse"} <= facets, facets
    assert "hps_changed" in soup.get_text()


def test_the_home_page_searches_and_lists_the_queries(archive: Path) -> None:
    soup = page(archive, "/")
    form = soup.select_one("form.home-search")
    assert form is not None and form["action"] == "/archive/search"
    assert isinstance(box := form.select_one("input[type=search]"), Tag) and box["name"] == "term"
    buttons = {
        b["value"]: b.get("formaction", form["action"]) for b in form.select("[type=submit]")
    }
    assert buttons == {
        "Search articles": "/archive/search",
        "Search tender notices": "/archive/search_notices",
        "Search everything": "/-/search",
    }
    searched = fetch_all(archive, ["/-/search?term=nota+kesepahaman"])[
        "/-/search?term=nota+kesepahaman"
    ]
    assert searched.status_code == 302
    assert searched.headers["location"] == "/-/search?q=nota+kesepahaman"
    metadata = fetch_all(archive, ["/-/metadata.json"])["/-/metadata.json"].json()
    queries = metadata["databases"]["archive"]["queries"]
    links = {a["href"]: a.get_text(strip=True) for a in soup.select(".queries a")}
    assert links == {f"/archive/{name}": q["title"] for name, q in queries.items()}
    groups = [
        [a.get_text(strip=True) for a in ul.select("a")] for ul in soup.select("ul.table-list")
    ]
    assert [group[0] for group in groups[:4]] == [
        "articles",
        "mou_signings",
        "notices",
        "documents",
    ]
    assert "article_sketches" in groups[-1] and "_sqlite_migrations" in groups[-1]
    assert not [t for group in groups[:-1] for t in group if "sketches" in t or "_fts" in t]
    sources = soup.select_one("table.sources")
    assert sources is not None and "LKPP news (lkpp.go.id)" in sources.get_text()


def test_mous_of_an_agency_ignore_case(archive: Path) -> None:
    paths = [
        f"/archive/mous_of_an_agency.json?agency={name}&_shape=array"
        for name in ("LKPP", "lkpp", "Lkpp")
    ]
    answers = [response.json() for response in fetch_all(archive, paths).values()]
    assert answers[0] and answers[0] == answers[1] == answers[2]


def test_chart_queries_open_as_charts(archive: Path) -> None:
    soup = page(archive, "/archive/articles_per_month")
    script = next(s.get_text() for s in soup.select("script") if "CHART" in s.get_text())
    found = re.search(r"const CHART = (.*?);\n", script)
    assert found is not None
    chart = json.loads(found[1])
    assert chart["g.x_column"] == "month" and chart["g.x_type"] == "temporal"


def reposted_renewal(archive: Path, tmp_path: Path) -> tuple[Path, str]:
    """A copy of the archive where a blog reposts the PPS renewal: two reports, one signing."""
    copy = tmp_path / "archive.db"
    shutil.copy(archive, copy)
    key = renewal(copy)[0]
    db = open_archive(copy, create=False)
    original = db.table("articles").get(key)
    repost = {**original, "id": "repost-of-renewal", "url": "https://blog.test/repost",
              "source": "catatan_pengadaan", "mirror_of": key}  # fmt: skip
    db.table("articles").insert(repost)
    mou = db.table("mous")
    mou.insert({**mou.get(key), "article_id": repost["id"], "signing_id": None})
    group_signings(db)
    db.close()
    return copy, key


def test_an_mou_page_names_the_other_reports_of_its_signing(archive: Path, tmp_path: Path) -> None:
    copy, key = reposted_renewal(archive, tmp_path)
    section = page(copy, f"/archive/mous/{key}").select_one("section.signing-reports")
    assert section is not None
    assert [a["href"] for a in section.select("li a")] == ["/archive/articles/repost-of-renewal"]
    assert "a repost" in section.get_text()


def test_a_signing_is_one_page_listing_every_report(archive: Path, tmp_path: Path) -> None:
    copy, key = reposted_renewal(archive, tmp_path)
    ((signing, signed_on),) = query(
        copy,
        "select id, signed_on from mou_signings where report_ids like ?",
        "%repost-of-renewal%",
    )
    soup = page(copy, f"/archive/mou_signings/{signing}")

    def text(selector: str) -> str:
        found = soup.select_one(selector)
        assert found is not None, selector
        return found.get_text(" ", strip=True)

    assert text("h1") == PPS_RENEWAL
    assert "2 reports" in text("p.byline")
    assert text("dd.signed-on").startswith(datetime.fromisoformat(signed_on).strftime("%-d %b %Y"))
    assert {a.get_text(strip=True) for a in soup.select("li.party > a")} >= {"LKPP", "PPS"}
    reports = soup.select("section.signing-reports li")
    assert [li.a["href"] if li.a else None for li in reports] == [
        f"/archive/articles/{key}",
        "/archive/articles/repost-of-renewal",
    ]
    assert "the first report" in reports[0].get_text() and "a repost" in reports[1].get_text()
    mou = page(copy, f"/archive/mous/{key}").select_one("section.signing-reports p a")
    assert mou is not None and mou["href"] == f"/archive/mou_signings/{signing}"


def test_the_home_page_stays_up_when_its_figures_take_too_long(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy server's summary query runs into the time limit: the home page still answers,
    says so and lists the tables, and counts again on the next visit."""
    from datasette.database import Database, QueryInterrupted

    execute, busy = Database.execute, [True]

    async def slow_counts(self: Database, sql: str, *args: Any, **kwargs: Any) -> Any:
        if busy[0] and "articles_facet_counts" in sql:
            raise QueryInterrupted(sqlite3.OperationalError("interrupted"), sql, None)
        return await execute(self, sql, *args, **kwargs)

    async def visit(datasette: Any) -> BeautifulSoup:
        response = await datasette.client.get("/")
        assert response.status_code == 200
        return BeautifulSoup(response.text, "html.parser")

    async def run() -> tuple[BeautifulSoup, BeautifulSoup]:
        monkeypatch.setattr(Database, "execute", slow_counts)  # before plugins wrap it
        datasette = build_datasette(archive)
        await datasette.invoke_startup()
        loaded = await visit(datasette)
        busy[0] = False
        return loaded, await visit(datasette)

    loaded, later = asyncio.run(run())
    warning = loaded.select_one(".message-warning")
    assert warning is not None and "took too long to count" in warning.get_text()
    assert loaded.select_one("section.archive-summary") is None
    first = loaded.select_one("ul.table-list a")
    assert first is not None and first.get_text(strip=True) == "articles"
    assert later.select_one(".message-warning") is None  # not cached
    assert later.select_one("section.archive-summary") is not None
