"""The one table from spider to extractor: every spider's template, the templates a saved
page's markup names, and the order in which an article page is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from samples.blogger_site import BloggerSite
from samples.content import agency_articles, blog_posts
from samples.lkpp_site import AgencySite
from scrapers.extract import discovery, lkpp
from scrapers.extract.extractors import (
    TEMPLATES,
    guess_spider,
    read_article,
    read_listing_page,
    template_for,
)
from scrapers.sources import SPIDERS, Source
from tests.conftest import FIXTURES

LKPP = Source("lkpp_news", "lkpp_news", ("http://lkpp.test/berita",), ("lkpp.test",))


def test_every_spider_reads_articles_by_its_own_template() -> None:
    loader = SpiderLoader.from_settings(get_project_settings())
    notice_spiders = {"spse_notices", "spse3_notices"}
    article_spiders = SPIDERS - notice_spiders
    assert set(TEMPLATES) == article_spiders
    for name in article_spiders:
        assert loader.load(name).name == template_for(name).spider == name
    assert all(template_for(name) is TEMPLATES["article"] for name in notice_spiders)


@pytest.mark.parametrize(
    ("page", "spider"),
    [
        (FIXTURES / "lkpp_news" / "pps-korea-mou.html", "lkpp_news"),
        (FIXTURES / "blogger_mirror" / "own-post.html", "blogger_mirror"),
        (FIXTURES / "article" / "wordpress-regional-repost.html", "article"),
    ],
)
def test_a_saved_pages_markup_names_its_template(page: Path, spider: str) -> None:
    assert guess_spider(page.read_bytes()) == spider


def agency_page(redesigned: bool = False) -> tuple[str, str]:
    site = AgencySite(agency_articles())
    site.base_url = "http://lkpp.test"
    if redesigned:
        site.redesign()
    article = agency_articles()[0]
    path = f"/berita/{article.slug}"
    return site.route(path, {}).body.decode("utf-8"), site.base_url + path


def test_the_own_reader_then_the_generic_extractor_and_the_analysis_once() -> None:
    html, url = agency_page()
    own = read_article("lkpp_news", html, url, LKPP)
    assert own.extractor == "lkpp" and own.item is not None
    assert own.item.lang == "id" and own.item.agencies is not None
    redesigned, _ = agency_page(redesigned=True)
    fallen = read_article("lkpp_news", redesigned, url, LKPP)
    assert fallen.extractor == "generic" and fallen.item is not None and fallen.item.lang == "id"
    off = Source(**{**LKPP.__dict__, "options": {"site_extractor": False}})
    assert read_article("lkpp_news", html, url, off).extractor == "generic"


def test_the_sources_selectors_come_before_the_generic_extractor() -> None:
    redesigned, url = agency_page(redesigned=True)
    selectors = {"title": ".konten__judul", "body": ".konten__isi"}
    source = Source("s", "news", (url,), ("lkpp.test",), options={"selectors": selectors})
    reading = read_article("news", redesigned, url, source)
    assert reading.extractor == "selectors" and reading.item is not None and reading.item.kind


def test_a_blogger_page_of_several_posts_is_no_article() -> None:
    """Not read generically either: Blogger's own reader says what is one post."""
    site = BloggerSite(blog_posts())
    site.base_url = "https://catatan.blogspot.test"
    source = Source("c", "blogger_mirror", (site.base_url,), ("catatan.blogspot.test",))
    home = site.route("/", {}).body.decode("utf-8")
    index = home.replace("</head>", "<script>var data = {'pageType': 'index'};</script></head>")
    reading = read_article("blogger_mirror", index, site.base_url + "/", source)
    assert reading.item is None and reading.extractor == "blogger"
    assert reading.attachments == ()  # looked for only on an article's page


def test_the_reading_brings_the_documents_the_article_links_to() -> None:
    """Found where the page is read (a worker during a crawl): the crawl's thread does not
    parse the page again for them."""
    html, url = agency_page()
    linked = html.replace(
        '<div class="news-content">',
        '<div class="news-content"><p><a href="/files/kontrak.pdf">Naskah kontrak</a></p>',
    )
    assert linked != html
    reading = read_article("lkpp_news", linked, url, LKPP)
    assert reading.attachments == (("http://lkpp.test/files/kontrak.pdf", "Naskah kontrak"),)
    assert read_article("lkpp_news", html, url, LKPP).attachments == ()


def test_a_listing_page_read_in_one_go_every_way_the_news_spider_reads_it() -> None:
    site = AgencySite(agency_articles())
    site.base_url = "http://lkpp.test"
    url = "http://lkpp.test/berita?page=2"
    html = site.route("/berita", {"page": "2"}).body.decode("utf-8")
    own = lkpp.parse_listing(html, url)
    reading = read_listing_page("lkpp_news", html, url, True, None, None, ["lkpp.test"])
    assert reading.own == own and own.article_urls and own.page_urls
    assert reading.generic == discovery.read_listing(html, url, None, None, ["lkpp.test"])
    assert reading.generic.page_urls and reading.extra == []
    assert read_listing_page("lkpp_news", html, url, False, None, None, ["lkpp.test"]).own is None
