"""lkpp.go.id news: the news spider with the sample site's selectors as a fast path (the
lkpp_news template of scrapers.extract.extractors).

The live site's articles are found by the registry entry's `article_links` pattern (they live
under /read/bu/ and /read/s/), through its sitemaps, feeds and pages.
"""

from __future__ import annotations

from scrapers.spiders.news import NewsSpider


class LkppNewsSpider(NewsSpider):
    name = "lkpp_news"
