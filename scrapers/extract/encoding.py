"""Reading a page whose charset is wrong or missing.

Two cases from older Indonesian government sites: a windows-1252 body served as UTF-8
(replacement characters that the body does not contain), and an 8-bit body that declares no
charset at all, where statistical detection guesses badly on short Indonesian text (Baltic
code pages for "café"). For the second, the web's own rule applies: undeclared legacy pages
are windows-1252 (WHATWG Encoding Standard). A third, mojibake, is in the text itself (UTF-8
that the site once read as windows-1252 and stored so): ftfy undoes it."""

from __future__ import annotations

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


def mend_mojibake(text: str) -> str | None:
    """The text with mojibake undone ("â€“" back to "–": UTF-8 once read as windows-1252 or
    latin-1 before it was served), by ftfy; None when there is none to undo."""
    if not is_bad(text):
        return None
    mended = ftfy.fix_encoding(text)
    return mended if mended != text else None
