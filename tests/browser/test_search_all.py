"""The "search all tables" page in Chromium, for what a tester typed: each table's hits, or
the page's note on how the search was read, never "Search failed"."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

pytest.importorskip("selenium", reason="selenium is not installed (pip install -e .[test])")

from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.test_site_search import MENDED, WORDS, Site, served_search_site

TABLES = ("archive: articles", "archive: notices", "archive: documents")
WAIT_SECONDS = 15


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with served_search_site(tmp_path_factory.mktemp("search-all")) as site:
        yield site


def answered_tables(browser: WebDriver, site: Site, typed: str) -> tuple[list[str], list[str]]:
    """The page's result headings and its "no results" lines, once every table answered."""
    browser.get(site.base_url + f"/-/search?q={quote(typed)}")
    WebDriverWait(browser, WAIT_SECONDS).until(  # each table's link is hidden once it answered
        lambda driver: (
            not any(
                li.is_displayed()
                for li in driver.find_elements(By.CSS_SELECTOR, "li[data-searchable-url]")
            )
        )
    )
    headings = [h2.text for h2 in browser.find_elements(By.CSS_SELECTOR, "#search-all-results h2")]
    misses = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#search-all-no-results p")]
    return headings, misses


@pytest.mark.parametrize("typed", WORDS)
def test_each_table_shows_its_hits(browser: WebDriver, search_site: Site, typed: str) -> None:
    headings, misses = answered_tables(browser, search_site, typed)
    assert misses == []
    assert sorted(next(t for t in TABLES if h.endswith(t)) for h in headings) == sorted(TABLES)


@pytest.mark.parametrize(("typed", "note"), MENDED.items())
def test_a_mended_search_is_noted_and_never_fails(
    browser: WebDriver, search_site: Site, typed: str, note: str
) -> None:
    headings, misses = answered_tables(browser, search_site, typed)
    assert note in browser.find_element(By.CSS_SELECTOR, "p.message-warning").text
    assert len(headings) + len(misses) == len(TABLES)
    assert not [miss for miss in misses if "Search failed" in miss], misses
