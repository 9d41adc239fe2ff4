"""Dates written without a year ("Senin (4/11)"): resolved against the publication date, or
on an undated page against the day it was first fetched (issue 13, item 2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scrapers.analysis.event_dates import (
    CALENDAR_CYCLE_YEARS,
    WEEKDAYS,
    find_event_dates,
    latest_on,
)
from scrapers.analysis.records import annotate, read_signing
from scrapers.extract.dates import local_day, parse_date
from scrapers.items import ArticleItem

# Our own writing, after the shape of an lkpp.go.id article whose only date is inline.
TITLE = "LKPP dan Pemkab Sleman Teken Nota Kesepahaman Katalog Elektronik"
TEXT = (
    "Jakarta – Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah (LKPP) dan Pemerintah "
    "Kabupaten Sleman menandatangani nota kesepahaman tentang pemanfaatan katalog elektronik "
    "daerah pada Senin (4/11) di Gedung LKPP.\n\n"
    "Kerja sama ini berlaku selama dua tahun dan mencakup pendampingan penyusunan katalog "
    "lokal bagi pelaku usaha di daerah."
)
PHRASE = "pada Senin (4/11) di Gedung LKPP"


def resolved(text: str, published: date | None = None, fetched: date | None = None) -> date | None:
    (found,) = find_event_dates(text, published, fetched)
    assert found.raw  # the phrase is kept, resolved or not
    return found.value


def test_the_weekday_says_which_year() -> None:
    assert date(2025, 11, 4).strftime("%A") == "Tuesday"  # so 2026-06-01 looks back to 2024
    assert date(2023, 11, 4).strftime("%A") == "Saturday"  # and 2024-11-03 back to 2019


@pytest.mark.parametrize(
    ("fetched", "expected"),
    [
        (date(2024, 11, 20), date(2024, 11, 4)),
        (date(2024, 11, 4), date(2024, 11, 4)),  # the day itself counts
        (date(2026, 6, 1), date(2024, 11, 4)),
        (date(2024, 11, 3), date(2019, 11, 4)),  # the latest Monday 4 November before it
    ],
)
def test_an_undated_page_resolves_against_its_fetch_date(fetched: date, expected: date) -> None:
    assert resolved(PHRASE, fetched=fetched) == expected


@pytest.mark.parametrize(
    ("fetched", "expected"),
    [
        (date(2026, 12, 3), date(2023, 5, 11)),
        (date(2023, 5, 11), date(2023, 5, 11)),
        (date(2023, 5, 10), date(2017, 5, 11)),
    ],
)
def test_kamis_11_5_is_the_latest_thursday_11_may(fetched: date, expected: date) -> None:
    assert expected.weekday() == WEEKDAYS["kamis"]
    assert resolved("Kamis (11/5)", fetched=fetched) == expected


@pytest.mark.parametrize(
    ("phrase", "fetched", "expected"),
    [
        ("(4/11)", date(2026, 6, 1), date(2025, 11, 4)),  # no weekday: the latest 4 November
        ("(4/11)", date(2025, 11, 4), date(2025, 11, 4)),
        ("(29/2)", date(2026, 12, 3), date(2024, 2, 29)),
        ("Senin (29/2)", date(2026, 12, 3), date(2016, 2, 29)),
    ],
)
def test_other_yearless_forms(phrase: str, fetched: date, expected: date) -> None:
    assert resolved(phrase, fetched=fetched) == expected


@pytest.mark.parametrize("phrase", ["Senin (31/4)", "Jumat (30/2)", "(31/11)", "Rabu (4/13)"])
def test_a_day_no_year_has_resolves_to_nothing(phrase: str) -> None:
    assert resolved(phrase, fetched=date(2026, 12, 3)) is None


@pytest.mark.parametrize("reference", [date(2024, 11, 20), date(2026, 12, 3), date(2001, 3, 1)])
def test_every_real_day_fits_every_weekday_at_its_latest(reference: date) -> None:
    """Against a day-by-day walk back over 28 years: each (day, month, weekday) first met."""
    walked: dict[tuple[int, int, int], date] = {}
    for back in range(28 * 366):
        day = reference - timedelta(days=back)
        walked.setdefault((day.day, day.month, day.weekday()), day)
    assert len(walked) == 366 * 7  # every real day and month, on each weekday
    for (d, m, weekday), expected in walked.items():
        assert latest_on(d, m, weekday, reference, CALENDAR_CYCLE_YEARS) == expected
        latest = max(walked[(d, m, w)] for w in range(7))
        assert latest_on(d, m, None, reference, CALENDAR_CYCLE_YEARS) == latest


def test_a_publication_date_keeps_its_bound() -> None:
    """A dated page reports recent events: the year is publication's (the latest such day
    not after it), and a weekday that does not fit it is marked, not searched for in other
    years; the fetch date does not enter where a publication date is known."""
    assert resolved(PHRASE, published=date(2024, 11, 20)) == date(2024, 11, 4)
    assert resolved("Senin (28/12)", published=date(2016, 1, 4)) == date(2015, 12, 28)
    for fetched in (None, date(2030, 11, 20)):  # 4 November 2030 is a Monday, 2025's a Tuesday
        (found,) = find_event_dates(PHRASE, date(2026, 6, 1), fetched)
        assert found.value == date(2025, 11, 4) and found.weekday_disagrees


@pytest.mark.parametrize("phrase", ["kemarin", "Kamis lalu", "pada Kamis siang", "hari ini"])
def test_relative_phrases_do_not_count_from_the_fetch(phrase: str) -> None:
    assert resolved(phrase, fetched=date(2015, 10, 2)) is None


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [("Rabu (9/3/2016)", date(2016, 3, 9)), ("Selasa, 26 Maret 2019", date(2019, 3, 26)),
     ("Senin, 26 Maret 2019", date(2019, 3, 26))],  # a Tuesday: marked, kept
)  # fmt: skip
def test_phrases_with_years_ignore_the_fetch(phrase: str, expected: date | None) -> None:
    assert resolved(phrase, fetched=date(2026, 12, 3)) == expected


@pytest.mark.parametrize(
    "phrase",
    ["Senin (4/11)", "Senin, 4 November", "4/11", "kemarin", "hari ini", "2 jam yang lalu"],
)
def test_a_publication_date_needs_a_year(phrase: str) -> None:
    """parse_date (published_at) has no clock: it completes no date from the day it runs."""
    assert parse_date(phrase) is None


def test_fetch_day_is_the_sites_day() -> None:
    assert local_day("2024-11-04T20:30:00+00:00") == date(2024, 11, 5)  # 03:30 in Jakarta
    assert local_day("2024-11-04T20:30:00+00:00", "+00:00") == date(2024, 11, 4)
    assert local_day("2024-11-04") == date(2024, 11, 4)
    assert local_day(None) is None and local_day("kemarin") is None


def test_an_undated_mou_is_dated_against_the_first_fetch_only() -> None:
    item = annotate(ArticleItem(url="https://lkpp.go.id/berita/x", source="lkpp_news",
                                title=TITLE, text=TEXT))  # fmt: skip
    assert item.kind == "mou" and item.mou is not None
    assert (item.mou["signed_on"], item.mou["signed_on_raw"]) == (None, "Senin (4/11)")
    # Fetched 19 months later: still the signing it reports (kinds look at publication only).
    read_signing(item, date(2026, 6, 1))
    assert item.mou["signed_on"] == "2024-11-04" and item.mou["place"] == "Gedung LKPP"
    assert item.published_at is None  # the resolved date is the MoU's, never the page's


def test_a_dated_page_ignores_the_fetch_date() -> None:
    item = annotate(ArticleItem(url="https://lkpp.go.id/berita/x", source="lkpp_news",
                                title=TITLE, text=TEXT, published_at="2026-06-01"))  # fmt: skip
    read_signing(item, date(2030, 11, 20))  # 4 November 2030 is a Monday, 2025's a Tuesday
    assert item.mou is not None and item.mou["signed_on"] == "2025-11-04"
    assert item.mou["weekday_disagrees"]
