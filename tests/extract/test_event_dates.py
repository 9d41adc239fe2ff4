from datetime import date

import pytest

from scrapers.analysis.event_dates import find_event_dates

FRIDAY = date(2015, 10, 2)  # a Friday


@pytest.mark.parametrize(
    ("phrase", "published", "expected"),
    [
        ("di kantor LKPP lama, Jumat (02/10) di Jakarta", FRIDAY, date(2015, 10, 2)),
        ("Kamis lalu", FRIDAY, date(2015, 10, 1)),
        ("Jumat lalu", FRIDAY, date(2015, 9, 25)),  # "last Friday", said on a Friday
        ("kemarin", FRIDAY, date(2015, 10, 1)),
        ("hari ini", FRIDAY, FRIDAY),
        ("Selasa, 26 Maret 2019 pukul 19.00 WIB", FRIDAY, date(2019, 3, 26)),
        ("2 Okt 2015", FRIDAY, date(2015, 10, 2)),
        ("(22/11/22)", FRIDAY, date(2022, 11, 22)),
        ("Rabu (9/3/2016)", FRIDAY, date(2016, 3, 9)),
        ("Senin (28/12)", date(2016, 1, 4), date(2015, 12, 28)),  # across the new year
        ("pada Kamis siang", FRIDAY, date(2015, 10, 1)),
    ],
)
def test_resolved_against_publication(phrase: str, published: date, expected: date) -> None:
    (found,) = find_event_dates(phrase, published)
    assert found.value == expected


@pytest.mark.parametrize("phrase", ["Senin (02/10)", "Selasa, 2 Oktober 2015", "Senin (2/10/2015)"])
def test_a_weekday_that_disagrees_keeps_the_numbers_date_and_says_so(phrase: str) -> None:
    (found,) = find_event_dates(phrase, FRIDAY)  # 2 October 2015 is a Friday
    assert found.value == date(2015, 10, 2) and found.weekday_disagrees and found.raw


def test_a_weekday_that_agrees_is_not_marked() -> None:
    (found,) = find_event_dates("Jumat (02/10)", FRIDAY)
    assert found.value == FRIDAY and not found.weekday_disagrees


def test_a_day_no_calendar_has_resolves_to_nothing_but_keeps_the_phrase() -> None:
    (found,) = find_event_dates("(31/02)", FRIDAY)
    assert found.value is None and found.raw == "(31/02)"


def test_without_a_publication_date_yearless_phrases_stay_unresolved() -> None:
    assert [f.value for f in find_event_dates("Jumat (02/10), kemarin, 2 Okt 2015", None)] == [
        None, None, date(2015, 10, 2)
    ]  # fmt: skip


THURSDAY = date(2023, 3, 9)  # a Thursday


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("meneken MoU di Aula Barat, Selasa 07/03/2023.", date(2023, 3, 7)),  # no parentheses
        ("meneken MoU di Aula Barat, Selasa 7/3.", date(2023, 3, 7)),
        ("ditandatangani pada 06/03/2023 di Medan", date(2023, 3, 6)),
        ("signed an MoU on February 28 with", date(2023, 2, 28)),
        ("in Manila on March 2.", date(2023, 3, 2)),
        ("signed on Monday, March 6 in Tokyo", date(2023, 3, 6)),
        ("pada 2 Maret lalu", date(2023, 3, 2)),
        ("ditandatangani 28 Desember", date(2022, 12, 28)),  # the latest, last year's
        ("signed last Friday", date(2023, 3, 3)),
        ("signed the MoU yesterday", date(2023, 3, 8)),
        ("signed on Tuesday in Seoul", date(2023, 3, 7)),
    ],
)
def test_forms_without_parentheses_or_year(phrase: str, expected: date) -> None:
    (found,) = find_event_dates(phrase, THURSDAY)
    assert found.value == expected


@pytest.mark.parametrize(
    "phrase", ["Perpres 16/2018 tentang pengadaan", "pasal 5/2 ayat", "on page 12", "Mar 3"]
)
def test_numbers_that_are_not_dates(phrase: str) -> None:
    assert find_event_dates(phrase, THURSDAY) == []


def test_a_weekday_that_contradicts_the_month_day_is_marked() -> None:
    (found,) = find_event_dates("signed on Friday, March 6", THURSDAY)
    assert found.raw == "March 6" and found.value == date(2023, 3, 6) and found.weekday_disagrees
