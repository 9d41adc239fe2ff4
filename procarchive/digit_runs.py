"""`pattern.sub` for tax-number patterns, run only where a text has digits to match.

The regex engine tests every character of a 3 KB article against `\\d` (some 50 us an
article, most of an export's time), yet a tax number always holds three digits in a row and
spans at most a few dozen characters. So the text's runs of three or more characters that
may be digits are found with bytes operations (an ASCII copy, non-ASCII characters as "?",
which may be digits of another script), and the pattern is searched only around those with
enough digits near them for a match, with the whole text before and after each window there
for its look-behind and look-ahead: the same matches, replaced the same, as `pattern.sub`
over the whole text.
"""

from __future__ import annotations

import re

# Each byte to "0" if its character may be a \d (an ASCII digit, or non-ASCII: "?"), else " ".
_MAY_BE_DIGIT = bytes(48 if chr(byte) in "0123456789?" else 32 for byte in range(256))


def sub_near_digit_runs(
    pattern: re.Pattern[str], replacement: str, text: str, reach: int, fewest: int
) -> str:
    """`pattern.sub(replacement, text)` (a literal replacement), for a pattern whose every
    match holds three \\d in a row, `fewest` \\d at least, and is at most `reach` characters
    long."""
    if len(text) < fewest:
        return text
    ascii_copy = text.encode("ascii", "replace")  # one byte a character: the same positions
    digits = ascii_copy.translate(_MAY_BE_DIGIT)
    if digits.count(b"0") < fewest:
        return text
    windows: list[list[int]] = []
    run = digits.find(b"000")  # bytes.find, not a regex: a fast search for rare bytes
    while run >= 0:
        run_end = digits.find(b" ", run)
        run_end = len(digits) if run_end < 0 else run_end
        start, end = max(0, run - reach), min(len(text), run_end + reach + 1)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end  # overlapping windows: one, so no match is found twice
        else:
            windows.append([start, end])
        run = digits.find(b"000", run_end)
    pieces, done = [], 0
    for start, end in windows:
        if digits.count(b"0", start, end) < fewest:
            continue  # a date, a sum of money: too few digits for a match
        # A match ends before `end` (or at the text's end): the look-ahead sees what follows.
        for match in pattern.finditer(text, max(start, done), end):
            pieces += [text[done : match.start()], replacement]
            done = match.end()
    return "".join([*pieces, text[done:]]) if pieces else text
