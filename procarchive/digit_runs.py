"""`pattern.sub` for tax-number patterns, run only where a text has digits to match.

The regex engine tests every character of a 3 KB article against `\\d` (some 50 us an
article, most of an export's time), yet a tax number is a chain of at least 15 digits with
at most a few separators (a space, a dot, a dash, a bracket) between two of them. So the
characters that may be digits, and those that may separate them, are marked with bytes
operations (a one-byte copy: Latin-1, or ASCII with "?" for any other character; a non-ASCII
character may be a digit of another script or an en dash), a bytes regex finds the chains of
marks long enough for a match (a date and time, "2020-01-04T10:00:00+07:00", is none: a "T"
or ":" ends a chain), and the pattern is searched only within those, with the whole text before and after for its
look-behind and look-ahead: the same matches, replaced the same, as `pattern.sub` over the
whole text.
"""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=8)
def _marks(between: str) -> bytes:
    """Each byte to "0" if its character may be a \\d (an ASCII digit, or non-ASCII: "?" or
    a Latin-1 byte), to "1" if it is one of `between`, else to " "."""
    return bytes(
        48 if chr(byte) in "0123456789?" or byte > 127 else 49 if chr(byte) in between else 32
        for byte in range(256)
    )


def marked(text: str, between: str = "") -> bytes:
    """The text's characters as bytes at the same positions: "0" for one that may be a \\d,
    "1" for one of `between`."""
    try:  # a copy for a text of one-byte characters; "replace" goes a character at a time
        raw = text.encode("latin-1")
    except UnicodeEncodeError:  # a character past U+00FF, most often near the start
        raw = text.encode("ascii", "replace")
    return raw.translate(_marks(between))


def may_be_digits(text: str) -> int:
    """How many of the text's characters may be a \\d (an upper bound on its digits)."""
    return marked(text).count(b"0")


@functools.lru_cache(maxsize=8)
def _chains(fewest: int, gap: int) -> re.Pattern[bytes]:
    """Runs of at least `fewest` marks, at most `gap` of `between` between two (greedy: each
    as long as it goes, so that a match is within one)."""
    return re.compile(rb"0(?:1{0,%d}0){%d,}" % (gap, fewest - 1))


def sub_near_digit_runs(
    pattern: re.Pattern[str], replacement: str, text: str, fewest: int, gap: int, between: str
) -> str:
    """`pattern.sub(replacement, text)` (a literal replacement), for a pattern whose every
    match starts and ends with a \\d, holds `fewest` \\d at least, and has at most `gap`
    characters between two of its \\d, each an ASCII character of `between` or a non-ASCII
    one."""
    if len(text) < fewest:
        return text
    digits = marked(text, between)
    pieces, done = [], 0
    chains = _chains(fewest, gap)
    # A chain is made of marks alone: it lies within a run of them long enough, which a
    # single-character repeat finds at a fraction of the cost of trying the chain at each mark.
    for run in _runs(fewest).finditer(digits):
        for chain in chains.finditer(digits, run.start(), run.end()):
            # endpos one past the chain: the look-ahead sees the character that follows.
            for match in pattern.finditer(text, max(chain.start(), done), chain.end() + 1):
                pieces += [text[done : match.start()], replacement]
                done = match.end()
    return "".join([*pieces, text[done:]]) if pieces else text


@functools.lru_cache(maxsize=8)
def _runs(fewest: int) -> re.Pattern[bytes]:
    """Runs of marks, from a digit's, at least `fewest` long."""
    return re.compile(rb"0[01]{%d,}" % (fewest - 1))
