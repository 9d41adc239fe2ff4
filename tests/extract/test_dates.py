from datetime import date

import pytest

from scrapers.extract.dates import in_offset, local_day, parse_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jumat, 02 Oktober 2015 16:40 WIB", "2015-10-02T16:40:00+07:00"),
        ("Sabtu, 03 Oktober 2015", "2015-10-03"),
        ("2 Okt 2015", "2015-10-02"),
        ("Selasa, 26 Maret 2019 pukul 19.00 WIB", "2019-03-26T19:00:00+07:00"),
        ("Kamis, 2 November 2023 | 21:34 WIB", "2023-11-02T21:34:00+07:00"),
        ("02/10/2015 10:00 WITA", "2015-10-02T10:00:00+08:00"),
        ("12 Agustus 2016 08.30 WIT", "2016-08-12T08:30:00+09:00"),
        ("October 2, 2015", "2015-10-02"),
        ("Oct 2, 2015 4:40 PM", "2015-10-02T16:40:00+07:00"),
        ("2015-10-03T01:15:00.000Z", "2015-10-03T01:15:00+00:00"),
        ("2015-10-03T08:15:00.000+07:00", "2015-10-03T08:15:00+07:00"),
        ("Sat, 03 Oct 2015 08:15:00 +0700", "2015-10-03T08:15:00+07:00"),
        ("2015-10-03", "2015-10-03"),
        ("Diposting pada 17 Pebruari 2016", "2016-02-17"),
    ],
)
def test_parse_date(raw: str, expected: str) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw", [None, "", "kemarin", "Kamis lalu", "31 Februari 2015", "Jumat (02/10)"]
)
def test_undatable_phrases_give_none(raw: str | None) -> None:
    """A phrase without a full date (or an impossible one) is never guessed."""
    assert parse_date(raw) is None


def test_site_offset_applies_to_times_without_zone() -> None:
    assert (
        parse_date("2 Oktober 2015 16:40", default_offset="+08:00") == "2015-10-02T16:40:00+08:00"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a stated offset is kept: converted to +07:00, 20:02 on the 26th would be the 27th
        ("2020-11-26T20:02:04-03:00", "2020-11-26T20:02:04-03:00"),
        ("2020-11-26T22:30:00Z", "2020-11-26T22:30:00+00:00"),
        ("2020-11-26T22:30:00+0000", "2020-11-26T22:30:00+00:00"),
        ("Thu, 26 Nov 2020 22:30:00 GMT", "2020-11-26T22:30:00+00:00"),
        ("26 November 2020 22:30 WITA", "2020-11-26T22:30:00+08:00"),
        # a time written without one takes the source's
        ("2020-11-26T22:30:00", "2020-11-26T22:30:00+07:00"),
        ("26 November 2020 22:30", "2020-11-26T22:30:00+07:00"),
        ("2020-11-26", "2020-11-26"),
    ],
)
def test_a_stated_offset_is_kept_and_only_a_bare_time_gets_the_sources(
    raw: str, expected: str
) -> None:
    assert parse_date(raw, "+07:00") == expected
    assert local_day(parse_date(raw, "+07:00"), None) == date(2020, 11, 26)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-11-26T20:02:04-03:00", "2020-11-26T20:02:04-03:00"),
        ("2020-11-26T22:30:00Z", "2020-11-26T22:30:00+00:00"),
        ("2020-11-26T22:30:00", "2020-11-26T22:30:00"),
        ("November 26, 2020 10:30 PM", "2020-11-26T22:30:00"),
        ("26/11/2020 22:30 WIB", "2020-11-26T22:30:00+07:00"),
        ("26 November 2020", "2020-11-26"),
    ],
)
def test_a_source_of_unknown_offset_gives_a_bare_time_none(raw: str, expected: str) -> None:
    """An ad-hoc crawl's source has no offset: a time stays as written, a date a date."""
    assert parse_date(raw, None) == expected


def test_the_stored_strings_month_is_the_pages_own() -> None:
    """The archive reads months as substr(published_at, 1, 7): the last hour of a month
    written in UTC, or at -03:00, stays in that month."""
    assert (parse_date("2020-11-30T23:30:00Z") or "")[:7] == "2020-11"
    assert (parse_date("2020-11-30T21:00:00-03:00") or "")[:7] == "2020-11"


def test_local_day_of_a_moment_at_an_offset_or_none() -> None:
    assert local_day("2020-11-26T20:02:04-03:00") == date(2020, 11, 27)  # in Jakarta
    assert local_day("2020-11-26T20:02:04-03:00", None) == date(2020, 11, 26)
    assert local_day("2020-11-26T20:02:04", None) == date(2020, 11, 26)


def test_in_offset_expresses_a_moment_at_another_offset() -> None:
    assert in_offset("2020-11-26T20:02:04Z", "+07:00") == "2020-11-27T03:02:04+07:00"
    assert in_offset("2020-11-26T20:02:04", "+07:00") == "2020-11-26T20:02:04"
    assert in_offset("2020-11-26", "+07:00") == "2020-11-26"
    assert in_offset("soon", "+07:00") is None and in_offset(None, "+07:00") is None
