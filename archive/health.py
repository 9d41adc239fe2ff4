"""A crawl's health: how the source's pages led to its articles, and whether the site still
looks as the source expects.

The news spiders count, in the crawl's stats, the pages each discovery path fetched and the
article links it found, and which extractor read each article (scrapers/spiders/news.py).
A source is `drifted`, not `ok`, when its pages (or its listing pages) yield no article links, when no
article page could be read, or when the pages no longer match the extractor or listing
selectors it expects and everything fell back to the generic reading: its articles may be
archived still, but the source wants a person's look (a redesign, a moved section).
"""

from __future__ import annotations

import json
from typing import Any

PATHS = ("sitemaps", "feeds", "listings")
PREFIX = "procarchive/"
# What ends a walk before its end (scrapers/budget.py; the news spider's own page budgets).
CUT_SHORT = {
    "budget/pages": "the crawl's budget of pages was spent",
    "budget/new_articles": "the crawl's budget of new articles was spent",
    "budget/listing_depth": "listing pages led deeper than the crawl's budget",
    "budget/listing_pages": "the site has more listing pages than a crawl reads",
    "budget/sitemaps": "the sitemap indexes lead to more sitemaps than a crawl reads",
    "trap/no_new_links": "a chain of listing pages kept going without a new article link",
    "trap/near_identical": "pages at URLs of one shape kept showing the same text",
}


def cut_short(stats: dict[str, Any]) -> tuple[str | None, str | None]:
    """(`trapped` or `limited`, a sentence of what ended the walk early and how often) for a
    crawl a trap or a budget stopped; (None, None) for one that walked to its end."""
    found = {key: int(stats.get(f"{PREFIX}{key}", 0)) for key in CUT_SHORT}
    said = [
        f"{CUT_SHORT[key]} ({key}: {count} not fetched or kept)"
        for key, count in found.items()
        if count
    ]
    if not said:
        return None, None
    trapped = any(count for key, count in found.items() if key.startswith("trap/"))
    return ("trapped" if trapped else "limited"), "; ".join(said)


def crawl_health(stats: dict[str, Any]) -> dict[str, Any]:
    """The crawl's health figures (by discovery path, by extractor) and its drift, if any:
    {"health": JSON text or None, "drift": a sentence or None}."""
    expected = stats.get(f"{PREFIX}health/expected")
    if expected is None:  # a spider that does not discover (feeds, APIs, SPSE): no verdict
        return {"health": None, "drift": None}
    figures = health_figures(stats)
    return {"health": json.dumps(figures, sort_keys=True), "drift": drift(figures, expected)}


def health_figures(stats: dict[str, Any]) -> dict[str, Any]:
    def value(key: str) -> int:
        return int(stats.get(f"{PREFIX}{key}", 0))

    paths = {
        path: {
            name: value(f"discovery/{path}/{name}")
            for name in ("pages", "links", "new_links", "absent", "fewest_links", "most_links")
        }
        for path in PATHS
    }
    articles = {
        key.removeprefix(f"{PREFIX}health/articles/"): int(count)
        for key, count in stats.items()
        if key.startswith(f"{PREFIX}health/articles/")
    }
    return {
        "paths": paths,
        "articles": articles,
        "expected_extractor": stats.get(f"{PREFIX}health/expected_extractor") or "generic",
        "listing_fallback": value("health/listing_fallback"),
        "listing_pages_empty": value("health/listing_pages_empty"),
        "no_article": value("health/no_article"),
    }


def drift(figures: dict[str, Any], expected: str) -> str | None:
    """What was expected and what was seen, where they part (each way they do); None while
    the site looks as expected."""
    paths, articles = figures["paths"], figures["articles"]
    pages = {path: paths[path]["pages"] for path in PATHS}
    extractor = figures["expected_extractor"]
    own = (
        f", or by {extractor}'s listing selectors"
        if extractor not in ("generic", "selectors")
        else ""
    )
    if not sum(paths[path]["links"] for path in PATHS):
        seen = ", ".join(f"{n} {path} pages" for path, n in pages.items() if n) or "no page"
        return f"expected {expected}; saw {seen}, and no article link in them"
    found = []
    listed = pages["listings"] - figures["listing_pages_empty"]
    if pages["listings"] and not paths["listings"]["links"]:
        found.append(
            f"expected {expected} on listing pages{own}; "
            f"{pages['listings']} listing pages read, none with an article link"
        )
    elif own and listed and figures["listing_fallback"] >= listed:
        found.append(
            f"expected listing pages read by {extractor}'s selectors; "
            f"all {listed} read by the URL pattern alone"
        )
    read = sum(articles.values())
    if not read and figures["no_article"]:
        found.append(f"{figures['no_article']} article pages fetched, none read as an article")
    elif read and extractor != "generic" and not articles.get(extractor):
        found.append(
            f"expected articles read by {extractor}; all {read} read by the generic extractor"
        )
    return "; ".join(found) or None
