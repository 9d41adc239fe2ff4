"""Where a page shows a date: in its article's area, or only in the site around it.

The article's area is found by structure, not by class names: the main text block (the
deepest element holding most of the paragraphs the extractor read; without them, the one
with the most paragraph text of its own), the heading that titles it (the one the page's
<title> names nearest before its first paragraph, else the nearest h1-h3 there: a
WordPress post's h2, a Blogger post's h3, not the site's logo heading that comes first)
and their nearest common ancestor.
The short blocks before it or one of its wrappers count too, up to the first wrapper with
a real block before it (a menu, a list of posts or events, a box with its own heading) or
the page's frame: so a
Blogger `.date-header` above its `.post` is the article's, a site's top bar is not. After
it, up to the first long block (the comments), only a date labelled as the publication
("Veröffentlicht am", "Posted on") is the article's; inside it, a long block after the
main text (a comment list nested in <article>) is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from scrapers.extract.bylines import PHRASES, date_label, dated_phrase, match_moment, month_number

HEADINGS = {"h1", "h2", "h3"}
PARAGRAPHS = {"p", "blockquote"}
MATCHED = 40  # the start of a paragraph of the extracted text looked for in the page
MAX_MATCHED = 30
PAGE_FRAME = {"body", "html"}
MAX_META = 200  # a byline, a date header, a "posted in" line; a comment list is longer
MAX_META_LINKS = 2  # a menu or a list of posts has more
MAX_PLACE = 300  # the text of an element read as the place a date is shown
MAX_BADGE = 40  # a date badge without its year ("Dez · 12"); a sentence is longer
_WORD = r"[^\W\d_]{3,12}"
DAY_MONTH = [  # month names only: "12/05" is too often something else
    re.compile(rf"\b(?P<d>\d{{1,2}})\.?\s+(?:de\s+)?(?P<m>{_WORD})\b", re.IGNORECASE),
    re.compile(rf"\b(?P<m>{_WORD})\.?\s+(?P<d>\d{{1,2}})\b", re.IGNORECASE),
]
SEPARATORS = re.compile(r"\s*[·•|]\s*")


def shown_outside_only(html: str, day: str, main_text: str = "") -> bool:
    """True if the page shows `day` (YYYY-MM-DD) to a reader and never in its article's
    area; False if the area shows it, if no text shows it (a stamp, the URL) or if the
    page has no area to judge by. `main_text` is the article's text as the extractor read
    it (paragraphs on lines of their own), which finds its block; without it, the element
    with the most paragraph text of its own is taken."""
    root = Selector(text=html).root
    for unseen in root.xpath("//script | //style | //template"):  # not <noscript>: it is read
        unseen.drop_tree()
    body = root.find("body")
    if body is None:
        return False
    places = list(_places(body, day))
    if not places:
        return False
    area = _area(root, body, main_text)
    if area is None:
        return False
    roots, excluded, labelled = area
    outside = {element for e in excluded for element in e.iter(etree.Element)}
    inside = [e for r in roots for e in r.iter(etree.Element) if e not in outside]
    if any(place in inside for place in places):
        return False
    if any(_shows(_text(e), day, partly=True) for e in inside if len(_text(e)) <= MAX_BADGE):
        return False  # a date badge without its year: "Dez · 12"
    return not any(
        _labelled_published(place, day)
        for place in places
        if any(_within(place, b) for b in labelled)
    )


def _area(
    root: HtmlElement, body: HtmlElement, main_text: str
) -> tuple[list[HtmlElement], list[HtmlElement], list[HtmlElement]] | None:
    """The article's area (its roots), the blocks inside it that are not the article's and
    the blocks that follow it up to a long one (where a date labelled as the publication
    is the article's: a post-meta line after the text); None when the page has no main
    text or its area is the whole page."""
    block = _block_of(body, main_text)
    if block is None:
        block = _densest_block(body)
    if block is None:
        return None
    title = _title(root, body, block)
    core = block if title is None else _common_ancestor(block, title)
    if core.tag in PAGE_FRAME:
        return None
    roots = [core, *_preceding_meta(core, _document_title(root))]
    after = [e for e in _branches_after(core, block) if _is_long(e)]
    return roots, after, list(_following_meta(core))


def _block_of(body: HtmlElement, main_text: str) -> HtmlElement | None:
    """The deepest element holding most of the extractor's paragraphs."""
    starts = [" ".join(line.split())[:MATCHED] for line in main_text.splitlines()]
    starts = [start for start in starts if len(start) == MATCHED][:MAX_MATCHED]
    if not starts:
        return None
    elements = list(body.iter(etree.Element))
    texts = [_text(e) for e in elements]
    holders = []
    for start in starts:
        holding = [(len(t), i) for i, t in enumerate(texts) if start in t]
        if holding:
            holders.append(elements[min(holding)[1]])
    if not holders:
        return None
    needed = len(holders) // 2 + 1
    counts: dict[HtmlElement, int] = {}
    for holder in holders:
        for element in [holder, *holder.iterancestors()]:
            counts[element] = counts.get(element, 0) + 1
    held = [e for e, n in counts.items() if n >= needed]
    return max(held, key=lambda e: sum(1 for _ in e.iterancestors()))


def _densest_block(body: HtmlElement) -> HtmlElement | None:
    best, best_chars = None, 0
    for element in body.iter(etree.Element):
        chars = len((element.text or "").strip())
        for child in element.iterchildren(etree.Element):
            chars += len((child.tail or "").strip())
            if child.tag in PARAGRAPHS:
                chars += len(_text(child))
        if chars > best_chars:
            best, best_chars = element, chars
    return best


def _title(root: HtmlElement, body: HtmlElement, block: HtmlElement) -> HtmlElement | None:
    """The nearest heading before the block's first paragraph, of those the document's
    <title> names if any does (the site's logo heading, named there too, comes first)."""
    named = _document_title(root)
    first_paragraph = next(block.iter(*PARAGRAPHS), block)
    before: list[HtmlElement] = []
    for element in body.iter(etree.Element):
        if element is first_paragraph:
            break
        if element.tag in HEADINGS and _text(element):
            before.append(element)
    matching = [h for h in before if named and _text(h).casefold() in named]
    return (matching or before or [None])[-1]


def _document_title(root: HtmlElement) -> str:
    return " ".join(" ".join(root.xpath("//title//text()")).split()).casefold()


def _common_ancestor(a: HtmlElement, b: HtmlElement) -> HtmlElement:
    lineage = [a, *a.iterancestors()]  # kept alive: lxml's proxies are the same objects then
    for element in [b, *b.iterancestors()]:
        if any(element is e for e in lineage):
            return element
    return a.getroottree().getroot()


def _preceding_meta(core: HtmlElement, named: str) -> Iterator[HtmlElement]:
    """The short blocks before the area or its wrappers, up to a wrapper with a real block
    before it, or the page's frame (a top bar is the site's)."""
    node = core
    while (parent := node.getparent()) is not None and parent.tag not in PAGE_FRAME:
        siblings = list(node.itersiblings(etree.Element, preceding=True))
        if any(_is_block(s, named) for s in siblings):
            return
        yield from siblings
        node = parent


def _is_block(element: HtmlElement, named: str) -> bool:
    """True for a block of its own rather than a post's header or byline: long, a menu, a
    list (an agenda, popular posts) or one with a heading that is neither a date nor the
    post's title (which the document's <title>, `named`, names)."""
    return (
        _is_long(element)
        or len(element.xpath(".//a")) > MAX_META_LINKS
        or bool(element.xpath("descendant-or-self::li"))
        or any(
            dated_phrase(_text(h), None) is None and _text(h).casefold() not in named
            for h in element.xpath("descendant-or-self::*[self::h1 or self::h2 or self::h3 "
                                   "or self::h4 or self::h5 or self::h6]")
        )
    )  # fmt: skip


def _following_meta(core: HtmlElement) -> Iterator[HtmlElement]:
    """The blocks after the area or its wrappers, up to the first long one."""
    node = core
    while (parent := node.getparent()) is not None and parent.tag not in PAGE_FRAME:
        for sibling in node.itersiblings(etree.Element):
            if _is_long(sibling):
                return
            yield sibling
        node = parent


def _labelled_published(place: HtmlElement, day: str) -> bool:
    """True if the short text around the place labels its date as the publication's
    ("Veröffentlicht am: 6. August 2009", "Posted on ...")."""
    for element in [place, *place.iterancestors()]:
        text = _text(element)
        if len(text) > MAX_META:
            return False
        if (found := dated_phrase(text, None)) and found[:10] == day and _is_published(text):
            return True
    return False


def _is_published(text: str) -> bool:
    return any(
        date_label(text[: m.start()]) == "published" for p in PHRASES for m in p.finditer(text)
    )


def _branches_after(core: HtmlElement, block: HtmlElement) -> Iterator[HtmlElement]:
    """The blocks of the area that follow the main text block, one for each level."""
    node = block
    while node is not core and (parent := node.getparent()) is not None:
        yield from node.itersiblings(etree.Element)
        node = parent


def _places(root: HtmlElement, day: str) -> Iterator[HtmlElement]:
    """The smallest elements whose text shows the day."""
    for element in root.iter(etree.Element):
        text = _text(element)
        if (
            len(text) <= MAX_PLACE
            and _shows(text, day)
            and not any(_shows(_text(c), day) for c in element.iterchildren(etree.Element))
        ):
            yield element


def _shows(text: str, day: str, partly: bool = False) -> bool:
    """True if the text shows the day; `partly`: its day and month without the year."""
    text = SEPARATORS.sub(" ", text)  # a date badge's spans: "Dez · 12 · 2015"
    if partly:
        month, day_number = (int(part) for part in day.split("-")[1:])
        return any(
            month_number(match["m"]) == month and int(match["d"]) == day_number
            for pattern in DAY_MONTH
            for match in pattern.finditer(text)
        )
    return any(
        (moment := match_moment(match, None)) is not None and moment[:10] == day
        for pattern in PHRASES
        for match in pattern.finditer(text)
    )


def _within(element: HtmlElement, ancestor: HtmlElement) -> bool:
    return element is ancestor or any(a is ancestor for a in element.iterancestors())


def _is_long(element: HtmlElement) -> bool:
    return len(_text(element)) > MAX_META


def _text(element: HtmlElement) -> str:
    return " ".join(" ".join(element.itertext()).split())
