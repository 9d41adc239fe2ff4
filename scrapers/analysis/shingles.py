"""Word shingles and bottom-k MinHash sketches of article text, for finding reposts.

A repost keeps most of the original's 5-word shingles, whatever it adds around them. The
bottom-k sketch (the k smallest shingle hashes: MinHash with one hash function) of a text
shares, with high probability, at least two values with any text that contains half of it:
that is how candidates are found in an index of millions without comparing texts.
"""

from __future__ import annotations

import re
import zlib

SHINGLE_WORDS = 5
SKETCH_SIZE = 8
WORD = re.compile(r"\w+", re.UNICODE)
NUMBERS = re.compile(r"\d+")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[int]:
    """32-bit hashes of the text's word n-grams (a short text is one shingle)."""
    tokens = words(text)
    if len(tokens) < size:
        return {zlib.crc32(" ".join(tokens).encode())} if tokens else set()
    return {
        zlib.crc32(" ".join(tokens[i : i + size]).encode()) for i in range(len(tokens) - size + 1)
    }


def text_shingles(text: str) -> set[int]:
    """The shingles of a text with its numbers aside: a calendar's days read the same
    (the crawl's trap check, scrapers.budget)."""
    return shingles(NUMBERS.sub(" ", text))


def page_shingles(title: str | None, text: str) -> frozenset[int]:
    """An article page's text_shingles as the trap check reads it: its title, then its text."""
    return frozenset(text_shingles(f"{title or ''} {text}"))


def sketch(hashes: set[int], size: int = SKETCH_SIZE) -> list[int]:
    return sorted(hashes)[:size]


def containment(part: set[int], whole: set[int]) -> float:
    """Share of `part`'s shingles found in `whole`."""
    return len(part & whole) / len(part) if part else 0.0
