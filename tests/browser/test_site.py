"""The archive as a researcher uses it: search, facet, open rows, follow feeds, export CSV."""

from __future__ import annotations

import csv
import re
import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

pytest.importorskip("selenium", reason="selenium is not installed (pip install -e .[test])")

from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from samples.content import agency_articles, blog_posts
from samples.spse_site import SpseSite
from tests.browser.conftest import ArchiveSite
from tests.conftest import ROOT

WAIT_SECONDS = 15
ATOM = "{http://www.w3.org/2005/Atom}"
RUPIAH = re.compile(r"^Rp \d{1,3}(\.\d{3})*$")
ROW_COUNT = re.compile(r"^([\d,]+) rows?\b")
ROWS_SCRIPT = """
return Array.from(document.querySelectorAll("table.rows-and-columns tbody tr"), row =>
  Object.fromEntries(Array.from(row.cells, cell =>
    [(cell.className.match(/\\bcol-(\\S+)/) || ["", ""])[1], cell.innerText.trim()])));
"""
# The 2015 renewal of the LKPP-PPS MoU, as the agency's own site reported it.
PPS_RENEWAL = next(
    article
    for article in agency_articles()
    if article.slug == "lkpp-dan-pps-korea-perpanjang-nota-kesepahaman"
)


def wait(browser: WebDriver) -> WebDriverWait[WebDriver]:
    return WebDriverWait(browser, WAIT_SECONDS)


def wait_for_page(browser: WebDriver, url_part: str) -> None:
    """Wait until the browser has moved to a URL containing `url_part` and loaded it."""
    wait(browser).until(EC.url_contains(url_part))
    wait(browser).until(
        lambda driver: driver.execute_script("return document.readyState") == "complete"
    )


def follow(browser: WebDriver, link: WebElement, url_part: str) -> None:
    """Click a link or button and wait for the page it leads to."""
    link.click()
    wait_for_page(browser, url_part)


def row_count(browser: WebDriver) -> int:
    """The count a table page states above its rows ("17 rows where ...")."""
    heading = wait(browser).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".content h3"))
    )
    found = ROW_COUNT.match(heading.text)
    assert found, f"no row count in {heading.text!r}"
    return int(found.group(1).replace(",", ""))


def result_rows(browser: WebDriver) -> list[dict[str, str]]:
    """The rows of the results table as the page shows them, keyed by column (read in one
    script: a WebDriver round trip per cell makes a 300-row table take a minute)."""
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.rows-and-columns")))
    rows: list[dict[str, str]] = browser.execute_script(ROWS_SCRIPT)
    return rows


def facet_link(browser: WebDriver, column: str, value: str) -> WebElement:
    return wait(browser).until(
        EC.element_to_be_clickable((By.XPATH, f"//*[@id='facet-{column}']//a[text()='{value}']"))
    )


def search_hits(db_path: Path, term: str) -> int:
    with closing(sqlite3.connect(db_path)) as db:
        query = "select count(*) from articles_fts where articles_fts match ?"
        return int(db.execute(query, [term]).fetchone()[0])


def search_articles(browser: WebDriver, archive_site: ArchiveSite, term: str) -> None:
    """A search typed into the articles page's box: it lands on the "search" query."""
    browser.get(archive_site.url("/archive/articles"))
    box = wait(browser).until(EC.element_to_be_clickable((By.ID, "_search")))
    box.clear()
    box.send_keys(term + Keys.ENTER)
    wait_for_page(browser, "/archive/search?term=")


def test_home_page_names_the_archive(browser: WebDriver, archive_site: ArchiveSite) -> None:
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    browser.get(archive_site.url("/"))
    heading = wait(browser).until(EC.visibility_of_element_located((By.TAG_NAME, "h1")))
    assert heading.text == metadata["title"]
    assert browser.title.startswith(metadata["title"])
    assert browser.find_element(By.CSS_SELECTOR, "a[href='/archive']").is_displayed()


def test_search_shows_the_matching_articles(browser: WebDriver, archive_site: ArchiveSite) -> None:
    search_articles(browser, archive_site, "kesepahaman")
    rows = result_rows(browser)  # the newest 50 hits at most, nothing counted
    assert len(rows) == min(50, search_hits(archive_site.db_path, "kesepahaman"))
    assert PPS_RENEWAL.title in [row["title"] for row in rows]


def test_search_all_tables_lists_the_article_hits(
    browser: WebDriver, archive_site: ArchiveSite
) -> None:
    """The cross-table search page reads the articles through the "search" query."""
    term = '"perpanjang nota kesepahaman"'
    browser.get(archive_site.url(f"/-/search?q={quote(term)}"))
    heading = wait(browser).until(
        EC.visibility_of_element_located((By.XPATH, "//h2[contains(., 'archive: articles')]"))
    )
    hits = search_hits(archive_site.db_path, term)
    assert heading.text == f"{hits} result{'s' * (hits != 1)} in archive: articles"
    section = heading.find_element(By.XPATH, "..")
    titles = [td.text for td in section.find_elements(By.CSS_SELECTOR, "td")]
    assert PPS_RENEWAL.title in titles
    link = heading.find_element(By.TAG_NAME, "a").get_attribute("href") or ""
    assert link.endswith(f"/archive/search?term={quote(term, safe='')}")


def test_source_facet_filters_the_articles(browser: WebDriver, archive_site: ArchiveSite) -> None:
    browser.get(archive_site.url("/archive/articles"))
    follow(browser, facet_link(browser, "source", "catatan_pengadaan"), "source=catatan_pengadaan")
    assert row_count(browser) == len(blog_posts())
    rows = result_rows(browser)
    assert len(rows) == len(blog_posts())
    assert {row["source"] for row in rows} == {"catatan_pengadaan"}


def test_article_row_page_shows_title_and_text(
    browser: WebDriver, archive_site: ArchiveSite
) -> None:
    search_articles(browser, archive_site, '"perpanjang nota kesepahaman"')
    row = wait(browser).until(
        EC.presence_of_element_located(
            (By.XPATH, f"//tr[td[contains(@class, 'col-title')]='{PPS_RENEWAL.title}']")
        )
    )
    follow(browser, row.find_element(By.CSS_SELECTOR, "td.col-article a"), "/archive/articles/")
    page = wait(browser).until(EC.visibility_of_element_located((By.TAG_NAME, "body"))).text
    assert PPS_RENEWAL.title in page
    assert PPS_RENEWAL.paragraphs[0] in page
    assert PPS_RENEWAL.paragraphs[-1] in page


def test_mous_of_lkpp_show_the_pps_renewal_with_its_parties(
    browser: WebDriver, archive_site: ArchiveSite
) -> None:
    browser.get(archive_site.url("/archive/mous_of_an_agency"))
    agency = wait(browser).until(EC.element_to_be_clickable((By.NAME, "agency")))
    agency.send_keys("LKPP")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "input[value='Run SQL']"), "agency=LKPP")
    rows = result_rows(browser)
    assert rows and all("LKPP" in row["parties"].split("; ") for row in rows)
    renewal = next(row for row in rows if row["title"] == PPS_RENEWAL.title)
    assert renewal["parties"] == "LKPP; PPS"
    assert renewal["signed_on"] == "2015-10-02"
    assert renewal["renewal"] == "1"


def test_new_mous_query_links_its_atom_feed(browser: WebDriver, archive_site: ArchiveSite) -> None:
    browser.get(archive_site.url("/archive/new_mous"))
    listed = len(result_rows(browser))
    feed_link = wait(browser).until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, ".export-links a[href*='.atom']"))
    )
    follow(browser, feed_link, ".atom")
    assert browser.execute_script("return document.contentType") == "application/atom+xml"
    # Chromium shows a feed as a rendered tree: read the document as the browser received it.
    source = browser.execute_async_script(
        "const done = arguments[0];"
        "fetch(document.URL).then(response => response.text()).then(done);"
    )
    feed = ET.fromstring(source.encode("utf-8"))
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert 1 <= len(entries) == listed
    for entry in entries:
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}title")


def test_csv_download_matches_the_filtered_page(
    browser: WebDriver, archive_site: ArchiveSite, download_dir: Path
) -> None:
    browser.get(archive_site.url("/archive/articles?source=catatan_pengadaan"))
    expected_rows = row_count(browser)
    columns = [
        th.get_attribute("data-column")
        for th in browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns thead th")
    ]
    ids = {row["id"] for row in result_rows(browser)}
    export = browser.find_element(By.CSS_SELECTOR, "form[action$='.csv']")
    export.find_element(By.NAME, "_dl").click()
    before = set(download_dir.iterdir())
    export.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    downloaded = wait(browser).until(lambda _: finished_download(download_dir, before))
    assert downloaded is not None
    with downloaded.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        rows = list(reader)
    assert reader.fieldnames == columns
    assert len(rows) == expected_rows == len(ids)
    assert {row["id"] for row in rows} == ids
    assert {row["source"] for row in rows} == {"catatan_pengadaan"}


def finished_download(folder: Path, before: set[Path]) -> Path | None:
    """The new CSV file in `folder`, once Chromium has finished writing it."""
    new = [path for path in set(folder.iterdir()) - before if path.suffix == ".csv"]
    return new[0] if new else None


def test_notices_show_rupiah_and_facet_by_lpse(
    browser: WebDriver, archive_site: ArchiveSite
) -> None:
    browser.get(archive_site.url("/archive/notices"))
    amounts = [row["hps"] for row in result_rows(browser) if row["hps"].strip()]
    assert amounts and all(RUPIAH.match(amount) for amount in amounts), amounts[:5]
    follow(browser, facet_link(browser, "lpse", "lkpp"), "lpse=lkpp")
    expected = sum(1 for package in SpseSite.sample().packages if package.lpse == "lkpp")
    assert row_count(browser) == expected
    assert {row["lpse"] for row in result_rows(browser)} == {"lkpp"}
