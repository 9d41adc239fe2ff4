"""An article page's publication date (scrapers/extract/published.py) and the offsets it
keeps: pages of our own writing, modelled on news templates."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from procarchive.crawl import adhoc_sources
from scrapers.extract.article import parse_item
from scrapers.extract.published import publication_date, url_day
from scrapers.extract.wordpress import _published

HELDOUT = Path(__file__).resolve().parent.parent / "fixtures" / "dates_heldout"
TEXT = "<p>" + "The council published every contract it signed this year, with the bidders. " * 4
PAGE = "<html><head>{head}</head><body><article><h1>Contracts</h1>{body}" + TEXT + "</p>"
PAGE += "</article></body></html>"


def page(head: str = "", body: str = "") -> str:
    return PAGE.format(head=head, body=body)


def meta(moment: str) -> str:
    return f'<meta property="article:published_time" content="{moment}">'


@pytest.mark.parametrize("offset", ["+07:00", None])
def test_a_pages_stated_offset_keeps_its_day_whatever_the_sources(offset: str | None) -> None:
    url = "https://news.example.com.br/contratos"
    item = parse_item(page(meta("2020-11-26T20:02:04-03:00")), url, "x", offset)
    assert item is not None and item.published_at == "2020-11-26T20:02:04-03:00"
    item = parse_item(page(meta("2020-11-30T23:30:00Z")), url, "x", offset)
    assert item is not None and item.published_at == "2020-11-30T23:30:00+00:00"


def test_a_bare_time_takes_the_sources_offset_and_an_adhoc_source_has_none() -> None:
    url = "https://example.org/news/contracts"
    (adhoc,) = adhoc_sources([url])
    assert adhoc.timezone is None
    bare = page(meta("2021-05-04T23:10:00"))
    assert publication_date(bare, url, "+07:00", None) == "2021-05-04T23:10:00+07:00"
    assert publication_date(bare, url, adhoc.timezone, None) == "2021-05-04T23:10:00"
    dated = page(body='<time class="published" datetime="2021-05-04">4 May 2021</time>')
    assert publication_date(dated, url, adhoc.timezone, None) == "2021-05-04"


def test_the_urls_day_settles_a_utc_stamp_and_a_sidebars_time() -> None:
    url = "https://www.example.com/2020/02/24/city-hall-bids-go-online/"
    utc = page(meta("2020-02-25T02:25:54+00:00"))  # 21:25 on the 24th where it was written
    assert publication_date(utc, url, None, "2020-02-25") == "2020-02-24"
    sidebar = page(body='<time class="published" datetime="2009-04-11 18:06:36">old</time>')
    assert publication_date(sidebar, url, None, None) == "2020-02-24"
    agreeing = page(meta("2020-02-24T10:00:00-05:00"))
    assert publication_date(agreeing, url, None, None) == "2020-02-24T10:00:00-05:00"


def test_url_day_reads_a_full_date_in_the_path_only() -> None:
    assert url_day("https://x.id/read/2023/11/02/213419026/judul") == date(2023, 11, 2)
    assert url_day("https://x.org/2019-10-22-news.html") == date(2019, 10, 22)
    assert url_day("https://x.blogspot.com/2013/10/post.html") is None  # a month, no day
    assert url_day("https://x.org/2019/02/31/") is None
    assert url_day("https://x.org/a?date=2019/01/01/") is None


def test_a_page_without_a_date_gets_none() -> None:
    footer = "<footer>&copy; 2024 Example. Tender closes on 15 March 2024.</footer>"
    assert publication_date(page(body=footer), "https://example.org/about", None, None) is None


def test_wordpress_posts_of_an_unknown_offset_keep_the_sites_own() -> None:
    post = {"date": "2020-01-01T21:00:00", "date_gmt": "2020-01-02T00:00:00"}
    assert _published(post, None) == "2020-01-01T21:00:00-03:00"
    assert _published(post, "+07:00") == "2020-01-02T07:00:00+07:00"  # the source's, as before


def test_the_heldout_pages_without_a_date_get_none() -> None:
    """No date where the page has none (copyright years, deadlines, a cookie notice)."""
    labels = json.loads((HELDOUT / "labels.json").read_text(encoding="utf-8"))
    undated = [name for name, case in labels.items() if case["published"] is None]
    assert len(undated) == 4
    for name in undated:
        html, url = (HELDOUT / "pages" / name).read_text(encoding="utf-8"), labels[name]["url"]
        item = parse_item(html, url, "x", None)
        assert item is not None and item.published_at is None, name
