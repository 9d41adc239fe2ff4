"""What people type into a search box, read as an FTS5 query (datasette_plugins/search_syntax)."""

from __future__ import annotations

import random
import sqlite3

import pytest

from archive.migrations import FTS_TOKENIZE
from archive.search import explained, fts_query, quoted, read_search

OPERATOR_HINT = "AND, OR and NOT go between two terms, as in tender NOT batal"
READINGS = {
    # What the tester typed: words with punctuation are words, not FTS5 syntax.
    "e-katalog": '"e-katalog"',
    "kerja-sama": '"kerja-sama"',
    "COVID-19": '"COVID-19"',
    "Jl.": '"Jl."',
    "Jl. Sudirman": '"Jl." "Sudirman"',
    "Perpres 16/2018": '"Perpres" "16/2018"',
    "Rp1,2 M": '"Rp1,2" "M"',
    "title:foo": '"title:foo"',  # no column filters: the colon is punctuation
    "-batal": '"-batal"',  # no exclusion: NOT is
    "^pengadaan": '"^pengadaan"',
    "Müller Šibenik": '"Müller" "Šibenik"',
    "조달청 e-발주": '"조달청" "e-발주"',
    # The documented operators keep their meaning.
    '"nota kesepahaman"': '"nota kesepahaman"',
    "kesepahaman OR katalog": '"kesepahaman" OR "katalog"',
    "kesepahaman NOT pps": '"kesepahaman" NOT "pps"',
    "jalan AND jembatan": '"jalan" AND "jembatan"',
    "kerang*": '"kerang"*',
    "kerang *": '"kerang"*',
    '"nota kesepa"*': '"nota kesepa"*',
    "e-katalog*": '"e-katalog"*',
    "(LKPP OR LPSE) NOT batal": '("LKPP" OR "LPSE") NOT "batal"',
    "pengadaan (LKPP OR LPSE)": '"pengadaan" AND ("LKPP" OR "LPSE")',
    "((a OR b))": '(("a" OR "b"))',
    # Operators in small letters, and NEAR (not offered), are words.
    "barang and jasa": '"barang" "and" "jasa"',
    "NEAR(a b)": '"NEAR" AND ("a" "b")',
    # Punctuation alone holds no token: it is left out.
    "PT & CV": '"PT" "CV"',
    "kerja - sama": '"kerja" "sama"',
    "tab\tand\x00nul": '"tab" "and" "nul"',
}
MENDED = {
    "katalog AND": ('"katalog"', ["AND has no term after it", OPERATOR_HINT]),
    "NOT pps": ('"pps"', ["NOT has no term before it", OPERATOR_HINT]),
    "a OR AND b": ('"a" OR "b"', ["AND has no term before it", OPERATOR_HINT]),
    "(a OR) b": ('("a") AND "b"', ["OR has no term after it", OPERATOR_HINT]),
    '"nota kesepahaman': (
        '"nota kesepahaman"',
        ['the " before nota kesepahaman has no closing quote'],
    ),
    "(jalan": ('"jalan"', ["the ( has no matching )"]),
    "jalan) (": ('"jalan"', ["the ) has no matching (", "the ( has no matching )"]),
    "* kerang": ('"kerang"', ["a * has no word before it (write kerang*)"]),
}
NOTHING = ["", "   ", "-", '""', '"', "()", "***", "OR", "AND NOT"]


@pytest.mark.parametrize(("typed", "query"), READINGS.items())
def test_words_are_quoted_and_operators_kept(typed: str, query: str) -> None:
    assert read_search(typed) == (query, ())


@pytest.mark.parametrize(("typed", "mended"), MENDED.items())
def test_what_cannot_be_read_is_mended_and_said(typed: str, mended: tuple[str, list[str]]) -> None:
    query, notes = mended
    assert read_search(typed) == (query, tuple(notes))


@pytest.mark.parametrize("typed", NOTHING)
def test_a_search_without_a_word_searches_nothing_and_says_so(typed: str) -> None:
    reading = read_search(typed)
    assert reading.query == "" and fts_query(typed) == '""'
    assert explained(reading).startswith("Nothing was searched for. ")
    assert reading.notes[-1] == 'type a word, a number or a "phrase"'


def test_the_explanation_says_what_was_searched_for() -> None:
    assert explained(read_search("katalog AND")) == (
        'Searched for "katalog". AND has no term after it. ' + OPERATOR_HINT + "."
    )


def test_embedded_quotes_are_doubled() -> None:
    assert quoted('say "hi"') == '"say ""hi"""'


@pytest.fixture
def index() -> sqlite3.Connection:
    """An FTS5 table tokenised as the archive's are."""
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize='{FTS_TOKENIZE}')")
    db.executemany(
        "INSERT INTO t (rowid, title, text) VALUES (?, ?, ?)",
        [
            (1, "Layanan E-Katalog diperbarui", "Kantor di Jl. Epicentrum Tengah, Jakarta."),
            (2, "Kerja sama penanganan COVID-19", "Nota kesepahaman LKPP dan PPS."),
            (3, "Pengadaan jalan", "Tender dibatalkan (batal) karena anggaran."),
            (4, "Sosialisasi e katalog", "Pelatihan pengadaan di Sleman."),
        ],
    )
    return db


def hits(index: sqlite3.Connection, typed: str) -> list[int]:
    sql = "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid"
    return [rowid for (rowid,) in index.execute(sql, [fts_query(typed)])]


def test_the_readings_find_what_was_meant(index: sqlite3.Connection) -> None:
    assert hits(index, "e-katalog") == [1, 4]  # "E-Katalog" and "e katalog"
    assert hits(index, "kerja-sama") == [2]
    assert hits(index, "covid-19") == [2]
    assert hits(index, "Jl.") == [1]
    assert hits(index, "kesepa*") == [2]
    assert hits(index, '"nota kesepa"*') == [2]
    assert hits(index, "pengadaan NOT batal") == [4]
    assert hits(index, "(LKPP OR Sleman) NOT jalan") == [2, 4]
    assert hits(index, '"nota lkpp"') == []
    assert hits(index, "pengadaan AND") == [3, 4]  # mended to "pengadaan"
    assert hits(index, "") == []


def test_no_typed_text_is_an_fts5_error(index: sqlite3.Connection) -> None:
    """Random texts of words, operators, quotes, parentheses, stars and punctuation."""
    pieces = ["kerja", "e-katalog", "AND", "OR", "NOT", "NEAR", "(", ")", '"', "*", "-", ":",
              "title:", ".", "^", "+", ",", "{", "}", "'", "\\", "é", "조", "\x00", "\t", " "]  # fmt: skip
    generator = random.Random(14)
    for _ in range(20_000):
        typed = "".join(
            generator.choice(pieces) + generator.choice(["", " "])
            for _ in range(generator.randint(0, 10))
        )
        try:
            hits(index, typed)
        except sqlite3.Error as error:
            pytest.fail(f"{typed!r} -> {fts_query(typed)!r}: {error}")
