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


@pytest.mark.parametrize("phrase", ["Senin (02/10)", "Selasa, 2 Oktober 2015", "(31/02)"])
def test_contradictions_resolve_to_nothing_but_keep_the_phrase(phrase: str) -> None:
    (found,) = find_event_dates(phrase, FRIDAY)
    assert found.value is None and found.raw


def test_without_a_publication_date_yearless_phrases_stay_unresolved() -> None:
    assert [f.value for f in find_event_dates("Jumat (02/10), kemarin, 2 Okt 2015", None)] == [
        None, None, date(2015, 10, 2)
    ]  # fmt: skip
