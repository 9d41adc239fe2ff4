"""pps.go.kr/eng press releases: the news spider with the boards' own reading as a fast path.

The registry entry's `article_links` names both boards' view pages; list pages are read by
extract.pps (goView rows, fn_egov_link_page pager), and where their rows are not found the
goView calls anywhere in the page still name the releases.
"""

from __future__ import annotations

from scrapers.extract import pps
from scrapers.extract.discovery import Listing
from scrapers.items import ArticleItem
from scrapers.spiders.news import NewsSpider


class PpsNewsSpider(NewsSpider):
    name = "pps_news"
    site_extractor = "pps"

    def read_site_listing(self, html: str, url: str) -> Listing | None:
        listing = pps.parse_listing(html, url)
        # A pager without rows is kept: the releases come from goView calls, the pages from it.
        return listing if listing.article_urls or listing.page_urls else None

    def read_site_article(self, html: str, url: str) -> ArticleItem | None:
        return pps.read_own(html, url, self.source.name, self.source.timezone)

    def extra_links(self, html: str, url: str) -> list[str]:
        return pps.goview_links(html, url)
