"""Reading a page whose charset is wrong or missing.

Two cases from older Indonesian government sites: a windows-1252 body served as UTF-8
(replacement characters that the body does not contain), and an 8-bit body that declares no
charset at all, where statistical detection guesses badly on short Indonesian text (Baltic
code pages for "café"). For the second, the web's own rule applies: undeclared legacy pages
are windows-1252 (WHATWG Encoding Standard). A third, mojibake, is in the text itself (UTF-8
that the site once read as windows-1252 and stored so): ftfy undoes it."""

from __future__ import annotations

import re

import ftfy
from ftfy.badness import is_bad
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

REPLACEMENT = "\ufffd"
UTF8_REPLACEMENT = REPLACEMENT.encode("utf-8")
LEGACY_DEFAULT = "cp1252"


def redecode(
    body: bytes, text: str, encoding: str, content_type: str | None
) -> tuple[str, str] | None:
    """A better (encoding, text) for a body decoded as `encoding`, or None if it is fine."""
    declared = (
        http_content_type_encoding(content_type)
        or read_bom(body)[0]
        or html_body_declared_encoding(body)
    )
    if declared is None:
        if resolve_encoding(encoding) in ("ascii", "utf-8", LEGACY_DEFAULT):
            return None
        return LEGACY_DEFAULT, body.decode(LEGACY_DEFAULT, errors="replace")
    if text.count(REPLACEMENT) <= body.count(UTF8_REPLACEMENT):
        return None
    for candidate in dict.fromkeys((html_body_declared_encoding(body), LEGACY_DEFAULT)):
        if candidate and resolve_encoding(candidate) != resolve_encoding(encoding):
            try:
                return candidate, body.decode(candidate)
            except (LookupError, UnicodeDecodeError):
                continue
    return None


# What UTF-8 read as windows-1252 or latin-1 looks like: a lead byte's letter (Â to ô) before
# a continuation byte's (U+0080-U+00BF, or what windows-1252 maps 0x80-0x9F to). A plain scan
# that lets most pages skip ftfy's slower check (some 15 ms for 50 KB, on the reactor thread).
MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]"
)


def mend_mojibake(text: str) -> str | None:
    """The text with mojibake undone ("â€“" back to "–": UTF-8 once read as windows-1252 or
    latin-1 before it was served), by ftfy; None when there is none to undo."""
    if not MOJIBAKE_HINT.search(text) or not is_bad(text):
        return None
    mended = ftfy.fix_encoding(text)
    return mended if mended != text else None
