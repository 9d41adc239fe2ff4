"""One identity per page: the URLs each archived article was read at or claims.

A page read at one URL (a mobile `?m=1`, tracking parameters, a mirror's path) that names
another as its own (rel=canonical) is archived under that other URL's id. `article_urls`
keeps both, so what later comes from the URL it was read at (a 404, a 304, a listing's change
hint, a listing naming it) finds the article. A URL is an alias of one article only: one
already another's stays so, and the page claiming it too is a conflict, logged and counted,
so that two pages are never merged through a URL they shared.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from archive.ids import article_id

if TYPE_CHECKING:
    from archive.session import CrawlSession

logger = logging.getLogger(__name__)


def write_aliases(db: Database, rows: Iterable[dict[str, Any]], at: str) -> int:
    """Record each article row's `url`, `page_url` and the URLs that redirected to it as its
    aliases (seen at the row's
    `fetched_at`, else `at`), in the caller's transaction. Returns the number of conflicts:
    URLs already another article's."""
    wanted: dict[str, tuple[str, str, str, str]] = {}  # url id -> (url, article, source, at)
    conflicts = 0
    for row in rows:
        seen_at = row.get("fetched_at") or at
        urls = (row["url"], row.get("page_url"), *(row.get("redirected_from") or ()))
        for url in dict.fromkeys(u for u in urls if u):
            key = article_id(url)
            claim = wanted.setdefault(key, (url, row["id"], row["source"], seen_at))
            if claim[1] != row["id"]:
                conflicts += _conflict(url, claim[1], row["id"])
    if not wanted:
        return conflicts
    keys = list(wanted)
    known = dict(
        db.execute(
            f"SELECT url_id, article_id FROM article_urls WHERE url_id IN ({','.join('?' * len(keys))})",
            keys,
        ).fetchall()
    )
    seen, new = [], []
    for key, (url, identifier, source, seen_at) in wanted.items():
        if key not in known:
            new.append((key, url, identifier, source, seen_at, seen_at))
        elif known[key] == identifier:
            seen.append((seen_at, key))
        else:
            conflicts += _conflict(url, known[key], identifier)
    db.conn.executemany(
        "INSERT INTO article_urls (url_id, url, article_id, source, first_seen_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        new,
    )
    db.conn.executemany("UPDATE article_urls SET last_seen_at = ? WHERE url_id = ?", seen)
    return conflicts


def _conflict(url: str, kept: str, refused: str) -> int:
    logger.warning(
        "%s is an address of article %s; the page read there now claims article %s: the "
        "address stays %s's (the two are not merged)", url, kept, refused, kept,
    )  # fmt: skip
    return 1


def load_aliases(db: Database, source: str) -> dict[str, str]:
    """The URLs of a source's articles that are not their own (url id -> article id): a URL
    whose own id is its article's needs no entry."""
    return dict(
        db.execute(
            "SELECT url_id, article_id FROM article_urls WHERE source = ? AND url_id != article_id",
            [source],
        ).fetchall()
    )


class PageAliases:
    """A crawl's source's aliases, loaded on first use, shared by the store, the budget and
    the incremental middlewares (CrawlSession.aliases): which article a URL of a request, a
    listing or a 404 is."""

    def __init__(self, session: CrawlSession) -> None:
        self.session = session
        self._known: dict[str, str] | None = None

    def article_id(self, url: str) -> str:
        """The id of the article `url` was read at or names; else the URL's own id."""
        identifier = article_id(url)
        return self.known.get(identifier, identifier)

    @property
    def known(self) -> dict[str, str]:
        if self._known is None:
            self._known = load_aliases(self.session.db, self.session.source)
        return self._known
