"""Search as people type it, on a real Datasette serving metadata.yml as `procarchive serve`
does: every search box, canned search query and the "search all tables" page answers 200,
with rows or a note that says how the search was read, never an FTS5 error."""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from archive.articles import write_articles
from archive.connection import open_archive
from archive.documents import write_documents
from archive.notices import write_notices
from pipelines.normalize import NormalizePipeline
from pipelines.store import article_row
from procarchive.serve import datasette_command
from scrapers.analysis.records import annotate
from scrapers.items import ArticleItem, DocumentItem
from tests.pipelines.test_notice_writes import notice
from tests.test_metadata import build_archive
from tests.test_publish import serving

# What a tester typed that FTS5 refused ("no such column", a syntax error): each is in an
# article, a notice and a document of the archive below.
WORDS = ["e-katalog", "kerja-sama", "COVID-19", "Jl."]
TEXT = "Layanan e-katalog untuk penanganan COVID-19 lewat kerja-sama LKPP di Jl. Epicentrum."
# Operators over such words, and the FTS5 query each means.
OPERATORS = {
    '"e-katalog" OR COVID-19': '"e-katalog" OR "COVID-19"',
    "kerja-sama NOT kesepahaman": '"kerja-sama" NOT "kesepahaman"',
    "e-kat*": '"e-kat"*',
    "(e-katalog OR Jl.) NOT COVID-19": '("e-katalog" OR "Jl.") NOT "COVID-19"',
}
# Searches that cannot be read as typed, and what the page says of them.
MENDED = {
    "katalog AND": "AND has no term after it",
    '"nota kesepahaman': 'The " before nota kesepahaman has no closing quote',
    "(jalan": "The ( has no matching )",
    "NOT pps": "NOT has no term before it",
    "OR": "Nothing was searched for",
}
TABLE_PAGES = {  # the search boxes of the table pages; with a filter it stays on the table
    "articles": "/archive/articles?_search={}",
    "articles, filtered": "/archive/articles?_search={}&source=lkpp_news",
    "notices": "/archive/notices?_search={}",
    "documents": "/archive/documents?_search={}",
}
QUERY_PAGES = {  # the canned queries that search, and the articles page's own search form
    "search": "/archive/search?term={}",
    "articles_mentioning": "/archive/articles_mentioning?term={}&source=",
    "search_stories": "/archive/search_stories?term={}",
    "search_notices": "/archive/search_notices?term={}",
}
PAGES = {**TABLE_PAGES, **QUERY_PAGES, "search all tables": "/-/search?q={}"}
NOTE = re.compile(r'<p class="message-warning">(.*?)</p>', re.S)


@dataclass(frozen=True)
class Page:
    status: int
    text: str

    def rows(self) -> int:
        body = re.search(r"<tbody>(.*?)</tbody>", self.text, re.S)
        return body[1].count("<tr") if body else 0

    def notes(self) -> list[str]:
        return [unescape(note) for note in NOTE.findall(self.text)]

    def json(self) -> Any:
        return json.loads(self.text)


@dataclass(frozen=True)
class Site:
    base_url: str
    archive: Path

    def get(self, path: str) -> Page:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=30) as response:
                return Page(response.status, response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return Page(error.code, error.read().decode("utf-8", "replace"))

    def page(self, name: str, typed: str) -> Page:
        return self.get(PAGES[name].format(quote(typed)))


def build_search_archive(path: Path) -> Path:
    """metadata.yml's test archive, with the tester's words in an article, a notice and a
    document."""
    build_archive(path)
    db = open_archive(path, create=False)
    item = ArticleItem(
        url="https://lkpp.go.id/berita/layanan-e-katalog-covid-19", source="lkpp_news",
        title="Kerja-sama e-katalog", text=TEXT, published_at="2026-06-01T09:00:00+07:00", lang="id",
    )  # fmt: skip
    row = article_row(annotate(NormalizePipeline().process_item(item)))
    write_articles(db, [row], 3)
    fields = {**notice().fields, "name": TEXT}
    write_notices(db, [notice(package_code="10077777", fields=fields)], 3)
    document = DocumentItem(
        "https://spse.test/e-katalog.pdf", "spse", "notice", "jatengprov-tender-10077777",
        "Panduan e-katalog", kind="pdf", sha256="b" * 64, pages=1, text=TEXT,
    )  # fmt: skip
    write_documents(db, [document], 3)
    db.close()
    return path


@contextmanager
def served_search_site(workdir: Path) -> Iterator[Site]:
    """That archive, served by `procarchive serve`'s Datasette on a free port."""
    archive = build_search_archive(workdir / "archive.db")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = serving(datasette_command(archive, port), dict(os.environ), port, workdir / "log")
    try:
        yield Site(f"http://127.0.0.1:{port}", archive)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with served_search_site(tmp_path_factory.mktemp("search")) as served:
        yield served


def search_all_fetches(site: Site, typed: str) -> dict[str, str]:
    """The JSON the "search all tables" page's script fetches for `typed`, by table URL
    (templates/search_all.html: the tables' search queries, else the table's JSON)."""
    html = site.page("search all tables", typed).text
    queries = json.loads(re.search(r"const SEARCH_QUERIES = (.*?);\n", html)[1])  # type: ignore[index]
    tables = json.loads(re.search(r"const tables = (.*?);\n", html, re.S)[1])  # type: ignore[index]
    term = quote(typed, safe="")
    return {
        table["url"]: f"{queries[table['url']]['url']}.json?_shape=objects&term={term}"
        if table["url"] in queries
        else f"{table['url_json']}?_shape=objects&_labels=on&_extra=count&_size=5&_search={term}"
        for table in tables
    }


@pytest.mark.parametrize("typed", WORDS)
@pytest.mark.parametrize("page", [*TABLE_PAGES, *QUERY_PAGES])
def test_the_testers_words_find_their_rows(site: Site, page: str, typed: str) -> None:
    found = site.page(page, typed)
    assert found.status == 200, found.text[:500]
    assert found.rows() >= 1 and found.notes() == []


@pytest.mark.parametrize("typed", WORDS)
def test_search_all_tables_finds_the_testers_words_in_every_table(site: Site, typed: str) -> None:
    page = site.page("search all tables", typed)
    assert page.status == 200 and page.notes() == []
    fetches = search_all_fetches(site, typed)
    assert sorted(fetches) == ["/archive/articles", "/archive/documents", "/archive/notices"]
    for table, path in fetches.items():
        answer = site.get(path)
        assert answer.status == 200, (table, answer.text[:300])
        assert answer.json()["rows"], table


def matching_articles(archive: Path, fts5: str) -> set[str]:
    with sqlite3.connect(archive) as db:
        sql = ("SELECT a.id FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
               "WHERE articles_fts MATCH ?")  # fmt: skip
        return {row[0] for row in db.execute(sql, [fts5])}


@pytest.mark.parametrize(("typed", "fts5"), OPERATORS.items())
def test_operators_keep_their_meaning_on_the_table_and_the_query(
    site: Site, typed: str, fts5: str
) -> None:
    expected = matching_articles(site.archive, fts5)
    assert expected
    table = site.get(f"/archive/articles.json?_search={quote(typed)}&_size=max&_shape=array")
    query = site.get(f"/archive/search.json?term={quote(typed)}&_shape=array")
    assert table.status == query.status == 200, (table.text[:300], query.text[:300])
    assert {row["id"] for row in table.json()} == expected
    assert {row["article"] for row in query.json()} == expected


@pytest.mark.parametrize(("typed", "note"), MENDED.items())
@pytest.mark.parametrize("page", PAGES)
def test_a_search_that_cannot_be_read_as_typed_says_how_it_was_read(
    site: Site, page: str, typed: str, note: str
) -> None:
    found = site.page(page, typed)
    assert found.status == 200, found.text[:500]
    (shown,) = found.notes()
    assert note in shown and shown.startswith(("Searched for ", "Nothing was searched for."))


def test_search_all_tables_answers_a_mended_search_from_every_table(site: Site) -> None:
    for typed in MENDED:
        for table, path in search_all_fetches(site, typed).items():
            answer = site.get(path)
            assert answer.status == 200 and answer.json().get("ok") is not False, (typed, table)


@pytest.mark.parametrize("page", TABLE_PAGES)
def test_an_empty_search_box_is_no_search(site: Site, page: str) -> None:
    empty, unsearched = site.page(page, " "), site.get(PAGES[page].replace("_search={}", ""))
    assert empty.status == unsearched.status == 200, empty.text[:500]
    assert empty.rows() == unsearched.rows() >= 1 and empty.notes() == []


@pytest.mark.parametrize("page", [*QUERY_PAGES, "search all tables"])
def test_an_empty_search_query_asks_for_a_word(site: Site, page: str) -> None:
    found = site.page(page, "")
    assert found.status == 200, found.text[:500]
    assert found.rows() == 0
    assert found.notes() == ['Nothing was searched for. Type a word, a number or a "phrase".']
