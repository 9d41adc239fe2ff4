"""pps.go.kr/eng press releases: the news spider with the boards' own reading as a fast path
(the pps_news template of scrapers.extract.extractors).

The registry entry's `article_links` names both boards' view pages; list pages are read by
extract.pps (goView rows, fn_egov_link_page pager), and where their rows are not found the
goView calls anywhere in the page still name the releases.
"""

from __future__ import annotations

from scrapers.spiders.news import NewsSpider


class PpsNewsSpider(NewsSpider):
    name = "pps_news"
