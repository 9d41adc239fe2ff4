"""Text helpers shared by the extractors: paragraphs out of markup, the cited source,
titles without the site name."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import html as lxml_html
from lxml.etree import _Element

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "section",
        "article",
        "figure",
        "figcaption",
        "header",
        "footer",
        "aside",
        "hr",
        "dd",
        "dt",
    ]
)
SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "iframe", "form", "button", "svg", "template"]
)
# "Reference : lkpp.go.id", "Sumber: www.lkpp.go.id", "Sumber berita: ..."
REFERENCE_LINE = re.compile(
    r"^\s*\(?\s*(?:reference|referensi|sumber(?: berita)?|source|dikutip dari|disadur dari)"
    r"\s*[:\-–]\s*(?P<ref>.{2,200}?)\s*\)?\s*$",
    re.IGNORECASE,
)
AUTHOR_PREFIX = re.compile(
    r"^(?:ditulis oleh|diposting oleh|posted by|penulis\s*:|oleh|by)\s+", re.I
)
TITLE_SEPARATORS = re.compile(r"(\s+[|\-–—:»]\s+)")


def element_paragraphs(root: _Element) -> list[str]:
    """The element's text as paragraphs, split at block elements and line breaks."""
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            paragraphs.append(text)
        current.clear()

    def walk(element: _Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in SKIP_TAGS:
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
        if element.text and tag:
            current.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                current.append(child.tail)
        if block:
            flush()

    walk(root)
    flush()
    return paragraphs


def html_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of an HTML fragment (e.g. a feed entry's content)."""
    if not fragment.strip():
        return []
    return element_paragraphs(lxml_html.fragment_fromstring(fragment, create_parent="div"))


def split_reference(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """Take a trailing "Reference : lkpp.go.id" / "Sumber: ..." line out of the text."""
    for index in range(len(paragraphs) - 1, max(-1, len(paragraphs) - 4), -1):
        match = REFERENCE_LINE.match(paragraphs[index])
        if match:
            return paragraphs[:index] + paragraphs[index + 1 :], match["ref"].strip()
    return paragraphs, None


def strip_site_suffix(title: str, site_names: Iterable[str] = ()) -> str:
    """'LKPP Tandatangani MoU | LKPP - Lembaga ...' -> 'LKPP Tandatangani MoU'.

    The title is cut before the first separated part that is a site name (or the start of
    one); titles with a dash of their own keep it."""
    title = " ".join(title.split())
    names = [n.lower() for n in site_names if n]
    pieces = TITLE_SEPARATORS.split(title)  # text, separator, text, ...
    for index in range(2, len(pieces), 2):
        part = pieces[index].lower()
        if any(part == name or name.startswith(part) or part.startswith(name) for name in names):
            return "".join(pieces[: index - 1]).strip()
    return title


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    return "\n\n".join(p for p in paragraphs if p)


def clean_author(raw: str | None) -> str | None:
    """'Ditulis oleh Humas LKPP' -> 'Humas LKPP'."""
    if not raw:
        return None
    return AUTHOR_PREFIX.sub("", " ".join(raw.split())).strip() or None
