"""An article page read by the CSS selectors a registry entry names (options.selectors):
a site's own extractor without code, for a user re-pointing a source at markup that changed."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from parsel import Selector
from parsel.csstranslator import HTMLTranslator

from scrapers.extract.dates import parse_date
from scrapers.extract.text import (
    clean_author,
    element_paragraphs,
    join_paragraphs,
    split_reference,
)
from scrapers.items import ArticleItem
from scrapers.sources import Source

CANONICAL = "link[rel=canonical]::attr(href)"


class BadSelector(ValueError):
    pass


@dataclass(frozen=True)
class SelectorArticle:
    title: str
    body: str
    date: str | None = None
    author: str | None = None

    def __post_init__(self) -> None:
        for name in ("title", "body", "date", "author"):
            css = getattr(self, name)
            if css is None:
                continue
            try:
                HTMLTranslator().css_to_xpath(css)
            except Exception as exc:  # cssselect raises several kinds of SelectorError
                raise BadSelector(f"selectors.{name}: not a CSS selector: {css!r} ({exc})") from exc

    def read(self, html: str, url: str, source: Source) -> ArticleItem | None:
        """The article, or None when the page lacks the title or the body (not this markup)."""
        page = Selector(text=html)
        title = " ".join(" ".join(page.css(self.title).xpath("string()").getall()).split())
        body = page.css(self.body)
        if not title or not body:
            return None
        paragraphs, reference = split_reference(element_paragraphs(body[0].root))
        if not paragraphs:
            return None
        date = " ".join(page.css(self.date).xpath("string()").getall()) if self.date else None
        author = " ".join(page.css(self.author).xpath("string()").getall()) if self.author else None
        canonical = page.css(CANONICAL).get()
        return ArticleItem(
            url=urljoin(url, canonical) if canonical else url,
            source=source.name,
            title=title,
            text=join_paragraphs(paragraphs),
            published_at=parse_date(date, source.timezone),
            author=clean_author(author),
            reference=reference,
        )
