"""An article page's publication date (scrapers/extract/published.py), the offsets it keeps
and the dates it refuses as shown only outside the article (scrapers/extract/article_area.py):
pages of our own writing, modelled on news templates, and real pages of ../shared/realdata
(each such test skips with the reason where that folder is absent)."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from procarchive.crawl import adhoc_sources
from scrapers.extract import generic
from scrapers.extract.article import parse_item
from scrapers.extract.article_area import shown_outside_only
from scrapers.extract.published import publication_date, url_day
from scrapers.extract.wordpress import _published
from tests.conftest import realdata

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


ARTICLE = (
    "<p>The council awarded the resurfacing contract to the lowest of five bidders after the "
    "engineer checked the specification.</p><p>Work on eleven streets starts once school is "
    "out, with one lane kept open on each street while the crews are working.</p>"
)
SITE_HEADER = (
    '<header class="site-header"><h1 class="site-title"><a href="/">Township Notes</a></h1>'
    '<nav><a href="/">Home</a> <a href="/about/">About</a> <a href="/archive/">Archive</a>'
    "</nav></header>"
)


def site_page(title: str, body: str) -> str:
    head = f"<title>{title} &#8211; Township Notes</title>"
    return f"<html><head>{head}</head><body>{SITE_HEADER}{body}</body></html>"


def published(html: str, url: str = "https://example.org/news/contract") -> str | None:
    item = parse_item(html, url, "x", None)
    assert item is not None
    return item.published_at


@pytest.mark.parametrize(
    "decoy",
    [
        '<div id="comments"><ol class="commentlist"><li><b>Dana</b> '
        "<time>April 11, 2024 at 7:45 pm</time><p>Finally.</p></li></ol></div>",
        '<aside class="widget-area"><h2>Recent Posts</h2><ul><li><a href="/a">Budget</a> '
        "<span class='post-date'>April 12, 2024</span></li></ul></aside>",
        '<footer class="site-footer"><p class="date">Last changed 12 April 2024</p></footer>',
    ],
)
def test_a_date_shown_only_after_the_article_is_not_its_publication(decoy: str) -> None:
    body = f"<main><article><h1>Contract awarded</h1>{ARTICLE}</article>{decoy}</main>"
    assert published(site_page("Contract awarded", body)) is None


def test_todays_date_in_the_sites_top_bar_is_not_the_publication() -> None:
    bar = '<div class="top-bar"><span class="date">Selasa, 8 Desember 2026</span></div>'
    html = site_page(
        "Tentang kami", f'{bar}<div class="content"><h1>Tentang kami</h1>{ARTICLE}</div>'
    )
    assert published(html) is None


def test_an_agenda_column_before_the_article_does_not_date_it() -> None:
    agenda = (
        '<div class="col-left"><h4>Agenda</h4><ul><li><span class="tanggal">Kamis, 16 Mei 2024'
        "</span> Rapat koordinasi</li></ul></div>"
    )
    html = site_page("Profil", f'<div class="row">{agenda}<div class="col-main"><h2>Profil</h2>'
                     f"{ARTICLE}</div></div>")  # fmt: skip
    assert published(html) is None


def test_a_wordpress_entry_header_h2_and_its_entry_meta_keep_the_date() -> None:
    """The site's title is the h1, the post's an h2; the widget's copy of the day is beside."""
    post = (
        '<article class="post"><header class="entry-header"><h2 class="entry-title">Contract '
        'awarded</h2><div class="entry-meta"><span class="posted-on">Posted on <a href="/c/">'
        "<time>April 9, 2024</time></a></span></div></header>"
        f'<div class="entry-content">{ARTICLE}</div></article>'
    )
    widget = '<aside class="widget"><ul><li><span>April 9, 2024</span></li></ul></aside>'
    assert published(site_page("Contract awarded", f"<main>{post}</main>{widget}")) == "2024-04-09"


def test_a_blogger_date_header_above_the_post_keeps_the_date() -> None:
    post = (
        '<div class="date-outer"><h2 class="date-header"><span>Jumat, 12 April 2024</span></h2>'
        '<div class="date-posts"><div class="post-outer"><div class="post hentry">'
        '<h3 class="post-title">Kontrak jalan</h3>'
        f'<div class="post-body">{ARTICLE}</div></div>'
        '<div class="comments"><dl><dd>Semoga tepat waktu. <span class="comment-timestamp">'
        "Senin, 15 April 2024</span></dd></dl></div></div></div></div>"
    )
    html = site_page(
        "Kontrak jalan", f'<div class="main"><div class="blog-posts">{post}</div></div>'
    )
    assert published(html) == "2024-04-12"


def test_a_publication_line_after_the_text_and_a_yearless_badge_keep_their_date() -> None:
    after = (
        f'<div class="post"><div class="content"><h2>Contract awarded</h2>{ARTICLE}</div>'
        '<div class="postmeta">Veröffentlicht am 3. April 2024 in <a href="/k">Allgemein</a>'
        '</div></div><div id="comments">' + "<p>Anna, 4. April 2024: Endlich.</p>" * 8 + "</div>"
    )
    assert published(site_page("Contract awarded", after)) == "2024-04-03"
    badge = (
        '<article><p class="date-link"><span>Dez</span><span>&middot;</span><span>12</span></p>'
        f"<h1>Contract awarded</h1>{ARTICLE}</article>"
        '<aside class="widget"><ul><li><span class="post-date">12 Dezember, 2015</span></li></ul></aside>'
    )
    assert published(site_page("Contract awarded", badge)) == "2015-12-12"


def test_a_day_no_text_shows_or_a_page_without_an_article_is_not_refused() -> None:
    html = site_page("Contract awarded", f"<article><h1>Contract awarded</h1>{ARTICLE}</article>")
    assert not shown_outside_only(html, "2024-04-09")  # a stamp's or the URL's day
    assert not shown_outside_only("<html><body><p>8 April 2024</p></body></html>", "2024-04-08")


def real_page(name: str) -> tuple[str, str]:
    folder = realdata("extraction-dev")
    cases = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    url = next(u for u, case in cases.items() if case["file"] == name)
    return gzip.decompress((folder / name).read_bytes()).decode("utf-8", "replace"), url


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("emacspeak.blogspot.com.meta.html.gz", "2019-10-16"),  # Blogger h2.date-header
        ("rete-mirabile.net.15jahre.html.gz", "2019-07-28"),  # entry-header p.entry-meta
        ("lemire.me.json.html.gz", "2019-08-02"),  # footer.entry-footer in <article>
        ("archiv.krimiblog.de.2895.html.gz", "2009-08-06"),  # "Veröffentlicht am" after it
        ("blog.wordpress.com.diverse.html.gz", "2019-06-19"),  # post-meta-top beside the h2
        ("zulang.wordpress.com.genitalverstuemmelung.html.gz", "2015-12-12"),  # "Dez · 12"
    ],
)
def test_real_bylines_beside_or_around_the_article_are_kept(name: str, day: str) -> None:
    html, url = real_page(name)
    found = generic.parse_article(html, url)
    assert found is not None
    assert not shown_outside_only(html, day, found.text)


@pytest.mark.parametrize(
    ("name", "decoy"),
    [
        ("resonator-podcast.de.res158.html.gz", "2019-08-24"),  # a comment's <time>
        ("2gewinnt.wordpress.com.uns.html.gz", "2014-01-15"),  # a comment's <time>
        ("alexander-klier.net.zeitphilosophie.html.gz", "2020-01-23"),  # footer's recent posts
        ("lapresse.tn.parite.html.gz", "2020-02-19"),  # the header's current date
    ],
)
def test_real_dates_shown_only_outside_the_article_are_refused(name: str, decoy: str) -> None:
    html, url = real_page(name)
    found = generic.parse_article(html, url)
    assert found is not None
    assert shown_outside_only(html, decoy, found.text)
