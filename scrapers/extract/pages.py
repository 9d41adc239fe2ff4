"""What a page's bytes say before it is read: whether it came whole."""

from __future__ import annotations


def looks_truncated(html: str) -> bool:
    """A page cut short on the way (a listing page of a site under load, a proxy's limit)
    has no closing </html>; a site's templates always write one."""
    return "</html>" not in html[-4096:].lower()
