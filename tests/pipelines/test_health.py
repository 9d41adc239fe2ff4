"""A crawl's health verdict from its stats: what was expected, what was seen."""

from __future__ import annotations

import json
from typing import Any

from archive.crawls import crawl_summary
from archive.health import crawl_health


def stats(extractor: str = "lkpp", **counts: int) -> dict[str, Any]:
    found: dict[str, Any] = {
        "procarchive/health/expected": "article links matching /read/",
        "procarchive/health/expected_extractor": extractor,
    }
    found.update({f"procarchive/{k.replace('__', '/')}": v for k, v in counts.items()})
    return found


def test_a_spider_that_does_not_discover_gets_no_verdict() -> None:
    assert crawl_health({"procarchive/items_new": 3}) == {"health": None, "drift": None}


def test_a_site_as_expected_has_no_drift_and_its_figures() -> None:
    found = crawl_health(stats(
        discovery__sitemaps__pages=1, discovery__sitemaps__links=30,
        discovery__sitemaps__new_links=30, discovery__listings__pages=3,
        discovery__listings__links=30, health__articles__lkpp=29, health__articles__generic=1,
    ))  # fmt: skip
    assert found["drift"] is None
    figures = json.loads(found["health"])
    assert figures["paths"]["sitemaps"] == {
        "pages": 1, "links": 30, "new_links": 30, "absent": 0, "fewest_links": 0, "most_links": 0,
    }  # fmt: skip
    assert figures["articles"] == {"lkpp": 29, "generic": 1}


def test_no_article_link_anywhere() -> None:
    found = crawl_health(stats(discovery__listings__pages=2, discovery__sitemaps__absent=1))
    assert found["drift"] == (
        "expected article links matching /read/; saw 2 listings pages, and no article link in them"
    )


def test_listing_pages_without_links_while_the_sitemap_still_names_articles() -> None:
    found = crawl_health(stats(
        discovery__sitemaps__pages=1, discovery__sitemaps__links=5,
        discovery__listings__pages=2, health__listing_pages_empty=2, health__articles__lkpp=5,
    ))  # fmt: skip
    assert found["drift"] == (
        "expected article links matching /read/ on listing pages, or by lkpp's listing "
        "selectors; 2 listing pages read, none with an article link"
    )


def test_everything_read_by_the_fallback() -> None:
    found = crawl_health(stats(
        discovery__listings__pages=2, discovery__listings__links=8,
        health__listing_fallback=2, health__articles__generic=8,
    ))  # fmt: skip
    assert found["drift"] == (
        "expected listing pages read by lkpp's selectors; all 2 read by the URL pattern alone; "
        "expected articles read by lkpp; all 8 read by the generic extractor"
    )


def test_a_generic_source_cannot_fall_back_but_can_read_nothing() -> None:
    assert crawl_health(stats("generic", discovery__listings__pages=1,
                              discovery__listings__links=4, health__articles__generic=4))["drift"] is None  # fmt: skip
    found = crawl_health(stats("generic", discovery__listings__pages=1,
                               discovery__listings__links=4, health__no_article=4))  # fmt: skip
    assert found["drift"] == "4 article pages fetched, none read as an article"


def test_a_drifted_crawl_is_not_ok_and_a_failed_one_stays_failed() -> None:
    drifted = stats(discovery__listings__pages=1, response_received_count=0)
    drifted |= {"response_received_count": 3, "item_scraped_count": 1}
    assert crawl_summary(drifted, "finished")["status"] == "drifted"
    assert crawl_summary(drifted, "shutdown")["status"] == "failed"
    assert crawl_summary(drifted, "shutdown")["drift"]  # said all the same


def test_a_crawl_that_lost_rows_to_the_archive_is_not_ok() -> None:
    """A batch the archive refused or could not take is counted and the crawl goes on; the
    crawl is not then one that went well, however many of its other rows were stored."""
    fine = {"response_received_count": 40, "item_scraped_count": 40}
    assert crawl_summary(fine, "finished")["status"] == "ok"
    for lost in ("article_write", "notice_write", "ArchiveUnwritable"):
        summary = crawl_summary({**fine, f"procarchive/failed/{lost}": 20}, "finished")
        assert summary["status"] == "failed", lost
        assert json.loads(summary["error_reasons"]) == {f"failed/{lost}": 20}
    skipped = crawl_summary({**fine, "procarchive/failed/http_404": 2}, "finished")
    assert skipped["status"] == "ok"  # a page that failed is not a row lost
