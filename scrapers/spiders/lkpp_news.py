"""lkpp.go.id news: the news spider with the sample site's selectors as a fast path.

The live site's articles are found by the registry entry's `article_links` pattern (they live
under /read/bu/ and /read/s/), through its sitemaps, feeds and pages.
"""

from __future__ import annotations

from scrapers.extract import lkpp
from scrapers.extract.discovery import Listing
from scrapers.items import ArticleItem
from scrapers.spiders.news import NewsSpider


class LkppNewsSpider(NewsSpider):
    name = "lkpp_news"
    site_extractor = "lkpp"

    def read_site_listing(self, html: str, url: str) -> Listing | None:
        listing = lkpp.parse_listing(html, url)
        return listing if listing.article_urls else None

    def read_site_article(self, html: str, url: str) -> ArticleItem | None:
        return lkpp.read_own(html, url, self.source.name, self.source.timezone)
