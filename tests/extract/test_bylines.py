"""The date a byline shows a reader (scrapers/extract/bylines.py): forms from news templates
in several languages, written for these tests."""

from __future__ import annotations

import pytest

from scrapers.extract.bylines import byline_date, dated_phrase


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("Kamis, 2 November 2023 | 21:34 WIB", None, "2023-11-02T21:34:00+07:00"),
        ("Senin, 06 Mar 2023 14:15 WIB", None, "2023-03-06T14:15:00+07:00"),
        ("Ciudad de México, 12 de mayo de 2022", None, "2022-05-12"),
        ("Publié le 3 mars 2021 à 18h02", "+01:00", "2021-03-03T18:02:00+01:00"),
        ("Veröffentlicht am 24. August 2019 um 03:36 Uhr", None, "2019-08-24T03:36:00"),
        ("26/05/2023 14:30 GMT+7", None, "2023-05-26T14:30:00+07:00"),
        ("2023년 5월 26일 14:30", "+09:00", "2023-05-26T14:30:00+09:00"),
        ("2022年7月8日", None, "2022-07-08"),
        ("05/26/2023", None, "2023-05-26"),  # the second number cannot be a month
        ("04/05/2023", None, "2023-05-04"),  # day first, as Indonesia writes it
        ("veröffentlicht am 14 Feb ’20", None, "2020-02-14"),
        ("Posted on March 3rd, 2021 by the editor", None, "2021-03-03"),
    ],
)
def test_a_byline_date_in_the_forms_news_sites_write(
    text: str, offset: str | None, expected: str
) -> None:
    assert dated_phrase(text, offset) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Updated June 5, 2023 · Published June 1, 2023",
        "Diperbarui 3 Juni 2023, diterbitkan 1 Juni 2023",
        "Publicado el 1 de junio de 2023 | Actualizado el 5 de junio de 2023",
    ],
)
def test_the_published_date_wins_over_the_update_beside_it(text: str) -> None:
    assert dated_phrase(text, None) == "2023-06-01"


def test_an_update_alone_is_not_a_publication_date() -> None:
    assert dated_phrase("Last updated 5 June 2023", None) is None


def test_a_word_that_names_different_months_in_different_languages_is_not_read() -> None:
    assert dated_phrase("3 listopad 2021", None) is None  # November in Polish, October in Croatian


def page(body: str) -> str:
    return f"<html><body>{body}</body></html>"


def test_the_articles_byline_is_read_before_the_sites_top_bar() -> None:
    html = page(
        '<header><div class="date-today">Senin, 7 Desember 2026</div></header>'
        '<article><h1>Lelang</h1><span class="post-date">3 Maret 2021</span><p>x</p></article>'
    )
    assert byline_date(html, None) == "2021-03-03"


@pytest.mark.parametrize(
    "outside",
    [
        '<aside class="widget"><span class="post-date">3 Maret 2021</span></aside>',
        '<div class="comment-meta"><span class="date">3 Maret 2021</span></div>',
        '<div class="related-posts"><span class="entry-date">3 Maret 2021</span></div>',
        '<footer><p class="date">3 Maret 2021</p></footer>',
        '<header><nav><span class="date">Senin, 7 Desember 2026</span></nav></header>',
        '<div class="event-schedule"><p class="date">3 Maret 2021</p></div>',
    ],
)
def test_dates_outside_the_article_are_not_its_publication(outside: str) -> None:
    html = page(f"<article><h1>Lelang</h1><p>Tanpa tanggal.</p></article>{outside}")
    assert byline_date(html, None) is None


def test_a_layout_wrapper_named_after_its_sidebar_does_not_hide_the_byline() -> None:
    html = page(
        '<div class="content-sidebar-wrap"><main><article><h1>Lelang</h1>'
        '<p class="entry-meta">Posted on 3 March 2021</p></article></main>'
        '<aside class="sidebar">x</aside></div>'
    )
    assert byline_date(html, None) == "2021-03-03"


def test_a_long_paragraph_is_not_a_byline() -> None:
    text = "Pada 3 Maret 2021 panitia mengumumkan pemenang. " * 5
    assert byline_date(page(f'<article><p class="meta">{text}</p></article>'), None) is None
