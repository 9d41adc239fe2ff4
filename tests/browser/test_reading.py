"""The site as a procurement researcher reads it, in Chromium: an article, an MoU and a notice
are pages to read (no table wider than the window, no internal columns), the home page
searches and lists the queries, search-all links its hits, chart queries open as charts."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from typing import Any
from urllib.parse import quote

import pytest
import yaml

pytest.importorskip("selenium", reason="selenium is not installed (pip install -e .[test])")

from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from archive.connection import open_archive
from archive.notices import FIELDS, write_notices
from datasette_plugins import vega_size
from scrapers.items import NoticeItem
from tests.browser.conftest import ArchiveSite
from tests.browser.test_site import (
    PPS_RENEWAL,
    RUPIAH,
    follow,
    result_rows,
    search_articles,
    wait,
    wait_for_page,
)
from tests.conftest import ROOT

INTERNAL = ("sketched_hash", "notices_scanned", "content_hash", "scanned_version")
WIDTH = "return [document.documentElement.scrollWidth, window.innerWidth];"
QUERIES = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))["databases"][
    "archive"
]["queries"]


def fits_the_window(browser: WebDriver) -> None:
    scroll_width, window_width = browser.execute_script(WIDTH)
    assert scroll_width <= window_width, f"{scroll_width} px wide in a {window_width} px window"


def shown_text(browser: WebDriver) -> str:
    """What the page shows (a closed <details> shows only its summary)."""
    return str(browser.execute_script("return document.body.innerText"))


def open_renewal(browser: WebDriver, archive_site: ArchiveSite) -> None:
    search_articles(browser, archive_site, '"perpanjang nota kesepahaman"')
    row = wait(browser).until(
        EC.presence_of_element_located(
            (By.XPATH, f"//tr[td[contains(@class, 'col-title')]='{PPS_RENEWAL.title}']")
        )
    )
    follow(browser, row.find_element(By.CSS_SELECTOR, "td.col-article a"), "/archive/articles/")


def test_an_article_is_a_page_to_read(browser: WebDriver, archive_site: ArchiveSite) -> None:
    open_renewal(browser, archive_site)
    heading = wait(browser).until(EC.visibility_of_element_located((By.TAG_NAME, "h1")))
    assert heading.text == PPS_RENEWAL.title
    paragraphs = [p.text for p in browser.find_elements(By.CSS_SELECTOR, ".article-text p")]
    assert paragraphs == list(PPS_RENEWAL.paragraphs)
    assert "LKPP news (lkpp.go.id)" in browser.find_element(By.CSS_SELECTOR, ".byline").text
    original = browser.find_element(By.CSS_SELECTOR, "a.original").get_attribute("href") or ""
    assert original.endswith(f"/berita/{PPS_RENEWAL.slug}")
    fits_the_window(browser)
    text = shown_text(browser)
    assert not [column for column in INTERNAL if column in text]
    tables = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns")
    assert not [table for table in tables if table.is_displayed()]  # the wide row table
    raw = browser.find_element(By.CSS_SELECTOR, "details.raw-columns")
    raw.find_element(By.TAG_NAME, "summary").click()
    assert "sketched_hash" in raw.text  # the columns as stored, one click away
    fits_the_window(browser)
    follow(browser, browser.find_element(By.CSS_SELECTOR, "a.capture"), "/archive/captures/")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("captures: ")
    assert "Record not found" not in shown_text(browser)


def test_an_mou_names_its_article_and_its_parties(
    browser: WebDriver, archive_site: ArchiveSite
) -> None:
    open_renewal(browser, archive_site)
    follow(browser, browser.find_element(By.LINK_TEXT, "The MoU's page"), "/archive/mous/")
    assert browser.find_element(By.TAG_NAME, "h1").text == PPS_RENEWAL.title
    assert browser.find_element(By.CSS_SELECTOR, "dd.signed-on").text.startswith("2 Oct 2015")
    parties = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "li.party")]
    assert [party.split()[0] for party in parties] == ["LKPP", "PPS"]
    assert "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah" in parties[0]
    assert "party:" not in shown_text(browser)
    fits_the_window(browser)
    follow(browser, browser.find_element(By.CSS_SELECTOR, "a.article"), "/archive/articles/")
    assert browser.find_element(By.TAG_NAME, "h1").text == PPS_RENEWAL.title


def test_an_mou_signing_is_one_page_with_its_reports(
    browser: WebDriver, archive_site: ArchiveSite
) -> None:
    open_renewal(browser, archive_site)
    follow(browser, browser.find_element(By.LINK_TEXT, "The MoU's page"), "/archive/mous/")
    follow(browser, browser.find_element(By.LINK_TEXT, "the signing"), "/archive/mou_signings/")
    assert browser.find_element(By.TAG_NAME, "h1").text == PPS_RENEWAL.title
    assert browser.find_element(By.CSS_SELECTOR, "dd.signed-on").text.startswith("2 Oct 2015")
    reports = browser.find_elements(By.CSS_SELECTOR, "section.signing-reports li")
    assert len(reports) >= 2 and "the first report" in reports[0].text
    assert "a repost" in " ".join(report.text for report in reports[1:])
    assert "party_list" not in shown_text(browser)
    fits_the_window(browser)


def a_night_later(archive_site: ArchiveSite) -> tuple[str, list[str]]:
    """A tender of the crawl with its next stage and a new HPS, as the next crawl would
    store it (archive.notices): its id and its schedule's stages."""
    with closing(sqlite3.connect(archive_site.db_path)) as db:
        notice, record = db.execute(
            "select n.id, v.record from notices n join notice_versions v on v.notice_id = n.id "
            "and v.version = n.version where n.category = 'tender' and n.hps is not null "
            "and exists (select 1 from notice_schedule s where s.notice_id = n.id) "
            "order by n.id limit 1"
        ).fetchone()
        stages = [row[0] for row in db.execute(
            "select stage from notice_schedule where notice_id = ? order by position", [notice]
        )]  # fmt: skip
    state: dict[str, Any] = json.loads(record)
    lpse, category, code = notice.split("-", 2)
    fields = {name: state.get(name) for name in FIELDS}
    fields.update(hps=state["hps"] + 1_000_000, stage=stages[-1])
    item = NoticeItem(
        url=f"http://127.0.0.1/{lpse}/lelang/{code}/pengumumanlelang", source="spse", lpse=lpse,
        category=category, package_code=code, fields=fields,
        rup=[{"kode rup": rup, "sumber dana": state.get("funding_source") or ""} for rup in state["rup_codes"]],
        schedule=state["schedule"], awards=[a for a in state["awards"] if a["role"] != "bidder"],
        bidders=[a for a in state["awards"] if a["role"] == "bidder"],
        parts=["announcement", "schedule", "participants", "awards"],
    )  # fmt: skip
    archive = open_archive(archive_site.db_path, create=False)
    try:
        if archive.execute("select version from notices where id = ?", [notice]).fetchone()[0] < 2:
            assert write_notices(archive, [item], None)["changed"] == 1
    finally:
        archive.close()
    return notice, stages


def test_a_notice_shows_its_stages_and_versions_as_a_timeline(
    browser: WebDriver, archive_site: ArchiveSite
) -> None:
    notice, stages = a_night_later(archive_site)
    browser.get(archive_site.url(f"/archive/notices/{notice}"))
    wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "ol.schedule")))
    shown = [li.find_element(By.CSS_SELECTOR, ".stage").text
             for li in browser.find_elements(By.CSS_SELECTOR, "ol.schedule > li")]  # fmt: skip
    assert shown == stages
    current = browser.find_element(By.CSS_SELECTOR, "ol.schedule > li.current .stage").text
    assert current == stages[-1]
    versions = browser.find_elements(By.CSS_SELECTOR, "ol.versions > li")
    assert [v.text.split()[:2] for v in versions] == [["Version", "1"], ["Version", "2"]]
    change = versions[1].text
    assert f"Stage: {stages[0]}" not in change and f"→ {stages[-1]}" in change
    assert re.search(r"HPS: Rp [\d.]+ → Rp [\d.]+", change), change
    assert not [column for column in INTERNAL if column in shown_text(browser)]
    fits_the_window(browser)


def test_the_home_page_searches_and_lists_the_queries(
    browser: WebDriver, archive_site: ArchiveSite
) -> None:
    browser.get(archive_site.url("/"))
    links = {
        a.get_attribute("href") or "": a.text
        for a in browser.find_elements(By.CSS_SELECTOR, "section.queries a")
    }
    assert links == {
        archive_site.url(f"/archive/{name}"): q["title"] for name, q in QUERIES.items()
    }
    tables = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "ul.table-list a")]
    assert tables[0] == "articles" and tables.index("article_sketches") > tables.index("captures")
    sources = browser.find_element(By.CSS_SELECTOR, "table.sources").text
    assert "LKPP news (lkpp.go.id)" in sources and "LPSE Kota Makassar" in sources
    box = browser.find_element(By.CSS_SELECTOR, "form.home-search input[type=search]")
    box.send_keys("kesepahaman" + Keys.ENTER)
    wait_for_page(browser, "/archive/search?term=kesepahaman")
    assert PPS_RENEWAL.title in [row["title"] for row in result_rows(browser)]
    browser.get(archive_site.url("/"))
    box = browser.find_element(By.CSS_SELECTOR, "form.home-search input[type=search]")
    box.send_keys("kesepahaman")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "input[value='Search everything']"),
           "/-/search?q=kesepahaman")  # fmt: skip
    wait(browser).until(
        EC.visibility_of_element_located((By.XPATH, "//h2[contains(., 'archive: articles')]"))
    )


def search_all(browser: WebDriver, archive_site: ArchiveSite, term: str) -> None:
    browser.get(archive_site.url(f"/-/search?q={quote(term)}"))
    wait(browser).until(
        lambda driver: (
            not any(
                li.is_displayed()
                for li in driver.find_elements(By.CSS_SELECTOR, "li[data-searchable-url]")
            )
        )
    )


def test_search_all_links_its_hits_and_reads_amounts_as_rupiah(
    browser: WebDriver, archive_site: ArchiveSite
) -> None:
    search_all(browser, archive_site, "pengadaan")
    headings = [h2.text for h2 in browser.find_elements(By.CSS_SELECTOR, "#search-all-results h2")]
    assert [h.rsplit(": ", 1)[-1] for h in headings] == ["articles", "notices", "documents"]
    assert "position" not in [th.text for th in browser.find_elements(By.TAG_NAME, "th")]
    for column, table in (
        ("article", "articles"),
        ("notice", "notices"),
        ("document", "documents"),
    ):
        links = browser.find_elements(By.CSS_SELECTOR, f"td.col-{column} a")
        assert links, column
        for link in links:
            assert (link.get_attribute("href") or "").startswith(
                archive_site.url(f"/archive/{table}/")
            )
    amounts = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "td.col-hps") if td.text]
    assert amounts and all(RUPIAH.match(amount) for amount in amounts), amounts
    excerpts = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "td.col-excerpt")]
    assert excerpts and max(map(len, excerpts)) < 400  # snippets, not whole documents
    fits_the_window(browser)
    link = browser.find_element(By.CSS_SELECTOR, "td.col-notice a")
    notice = link.text
    follow(browser, link, "/archive/notices/")
    assert browser.find_element(By.CSS_SELECTOR, "article.notice") and notice in browser.current_url


def test_mous_of_an_agency_ignore_case(browser: WebDriver, archive_site: ArchiveSite) -> None:
    found = {}
    for typed in ("KPK", "kpk"):
        browser.get(archive_site.url(f"/archive/mous_of_an_agency?agency={typed}"))
        found[typed] = [row["title"] for row in result_rows(browser)]
    assert found["KPK"] and found["kpk"] == found["KPK"]


def test_a_chart_query_opens_as_a_chart(browser: WebDriver, archive_site: ArchiveSite) -> None:
    browser.get(archive_site.url("/archive/articles_per_month"))
    wait(browser).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".vega-embed canvas, .vega-embed svg"))
    )
    assert "g.x_type=temporal" in browser.current_url
    assert not browser.find_elements(By.XPATH, "//button[.='Show charting options']")
    chart = browser.find_element(By.CSS_SELECTOR, ".vega-embed canvas, .vega-embed svg")
    # The plot area is 360 px high (datasette_plugins/vega_size.py); vega-lite's own is 200.
    assert chart.size["height"] >= vega_size.HEIGHT and chart.size["width"] >= vega_size.WIDTH


def test_the_database_page_lists_tables_as_the_home_page_does(
    browser: WebDriver, archive_site: ArchiveSite
) -> None:
    browser.get(archive_site.url("/"))
    # textContent, not .text: Selenium's .text is "" for what is not painted yet (a page
    # still being laid out on a loaded machine), which made this comparison flaky; and the
    # links waited for, which a loaded CI machine once had none of yet.
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".archive-tables li > a")))
    home = [
        a.get_attribute("textContent")
        for a in browser.find_elements(By.CSS_SELECTOR, ".archive-tables li > a")
    ]
    browser.get(archive_site.url("/archive"))
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".db-table h3 a")))
    listed = [
        a.get_attribute("textContent")
        for a in browser.find_elements(By.CSS_SELECTOR, ".db-table h3 a")
    ]
    assert listed[:3] == ["articles", "article_versions", "article_agencies"]
    assert listed == [name for name in home if name in listed]


def test_table_pages_put_the_data_before_the_column_descriptions(
    browser: WebDriver, archive_site: ArchiveSite
) -> None:
    browser.get(archive_site.url("/archive/articles"))
    count = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".content h3")))
    assert count.location["y"] < browser.execute_script("return window.innerHeight")
    assert not [dl for dl in browser.find_elements(By.CSS_SELECTOR, "dl.column-descriptions")
                if dl.is_displayed()]  # fmt: skip
    summary = browser.find_element(By.CSS_SELECTOR, "details.column-descriptions summary")
    summary.click()
    assert (
        "sketched_hash" in browser.find_element(By.CSS_SELECTOR, "details.column-descriptions").text
    )
