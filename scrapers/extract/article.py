"""Any article page, whatever its template: the generic extractor's result as an item."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin

from scrapers.extract import generic
from scrapers.extract.dates import WIB
from scrapers.extract.published import publication_date
from scrapers.extract.text import clean_author, join_paragraphs, split_reference, strip_site_suffix
from scrapers.items import ArticleItem


def parse_item(
    html: str | bytes,
    url: str,
    source: str,
    offset: str | None = WIB,
    site_names: Iterable[str] = (),
) -> ArticleItem | None:
    found = generic.parse_article(html, url)
    if found is None:
        return None
    text = html if isinstance(html, str) else html.decode("utf-8", "replace")
    paragraphs, reference = split_reference(found.text.split("\n\n"))
    names = [*site_names, found.sitename or ""]
    return ArticleItem(
        url=urljoin(url, found.canonical_url) if found.canonical_url else url,
        source=source,
        title=strip_site_suffix(found.title, names) if found.title else None,
        text=join_paragraphs(paragraphs),
        published_at=publication_date(text, url, offset, found.published, found.text),
        author=clean_author(found.author),
        reference=reference,
    )
