import pytest

from scrapers.extract.dates import parse_date


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
        ("2015-10-03T01:15:00.000Z", "2015-10-03T08:15:00+07:00"),
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
