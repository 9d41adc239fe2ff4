"""The ids the archive gives what it keeps: stable across crawls, computed the same way
by whoever writes or looks up a row."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

HASHED_FIELDS = ("title", "text", "published_at", "author", "reference")


@lru_cache(maxsize=1 << 16)
def article_id(url: str) -> str:
    """Stable id of a page: a hash of its canonical URL (query order, fragment ignored).
    Remembered: a crawl asks it of each article URL some eight times (its listing, the
    budget, the skip, the revalidation, the store, its aliases)."""
    parts = urlsplit(canonicalize_url(url.strip(), keep_fragments=False))
    canonical = parts._replace(path=parts.path.rstrip("/")).geturl()
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


def content_hash(fields: dict[str, Any]) -> str:
    """What the page says, hashed: equal hashes mean nothing to store again."""
    payload = json.dumps([fields.get(name) for name in HASHED_FIELDS], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def notice_id(lpse: str, category: str, package_code: str) -> str:
    """A tender notice: its LPSE, its category (lelang, nontender, ...) and its code."""
    return f"{lpse}-{category}-{package_code}"


def document_id(url: str, sha256: str | None, problem: str | None) -> str:
    """One id a URL and content; a fetch that brought no content is keyed by its problem."""
    url_key = hashlib.sha1(url.encode()).hexdigest()[:16]
    return f"{url_key}-{(sha256 or '')[:16] or problem or 'none'}"
