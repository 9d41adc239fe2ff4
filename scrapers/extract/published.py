"""An article page's publication date, from what the page says of itself.

In order: the machine-readable times a CMS writes (JSON-LD datePublished, article:published_time,
<time class=published>, itemprop=datePublished: they carry the time of day and the offset);
only when none of those parses, the date the byline shows a reader (bylines.py: it tells
"Updated" from "Published" and knows the month names of every language); then htmldate's
reading of the page (trafilatura runs it in the extraction worker, generic.DATE_OPTIONS).
Its extensive search is not used: on the real pages with their markup stamps taken out
(python -m benchmarks.publication_dates, set b) it dated the 9 pages the quick search left
undated, none of them right (month-only phrases of archive links read as the 1st, older
posts' dates). A date in the URL's path (/2019/01/01/) is the day the publisher filed the
post under: a time that falls on another day is a sidebar's or a UTC stamp of a post
written just after local midnight, and the URL's day is taken. A date read from the page's
text (the byline's or htmldate's) that the page shows only outside its article's area (a
comment, a widget, the site's top bar: article_area.py) is not taken. Nothing found: no
date (never the crawl's time).
"""

from __future__ import annotations

import re
from datetime import date

from parsel import Selector

from scrapers.extract.article_area import shown_outside_only
from scrapers.extract.bylines import byline_date
from scrapers.extract.dates import parse_date

JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')
PUBLISHED = (
    "meta[property='article:published_time']::attr(content), "
    "time.published::attr(datetime), time.entry-date::attr(datetime), "
    "abbr.published::attr(title), [itemprop=datePublished]::attr(content), "
    "[itemprop=datePublished]::attr(datetime)"
)
URL_DAY = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|\.html?$|$|[-_])")


def publication_date(
    html: str, url: str, offset: str | None, found: str | None, main_text: str = ""
) -> str | None:
    """The page's publication date or datetime (ISO 8601), or None if it shows none;
    `found` is the date the generic extractor read (htmldate's quick search), `main_text`
    the article's text it read (where the article's area is)."""
    stamps = [*JSON_LD_PUBLISHED.findall(html), *Selector(text=html).css(PUBLISHED).getall()]
    parsed = [moment for s in stamps if (moment := parse_date(s, offset))]
    shown = [] if parsed else [seen] if (seen := byline_date(html, offset)) else []
    if found and (moment := parse_date(found, offset)):
        shown.append(moment)
    if not parsed:  # read from the page's text: the article's own, not the site's around it
        shown = [moment for moment in shown if not shown_outside_only(html, moment[:10], main_text)]
    parsed.extend(shown)
    filed = url_day(url)
    if filed is None:
        return parsed[0] if parsed else None
    return next((p for p in parsed if p[:10] == filed.isoformat()), filed.isoformat())


def url_day(url: str) -> date | None:
    """The date a URL's path files its page under (/2023/11/02/...), if it names one."""
    match = URL_DAY.search(url.split("?", 1)[0])
    if match is None:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None
