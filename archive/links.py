"""The links post-crawl linking (procarchive.linking) finds, as the archive keeps them:
reposts (`mirror_links`, `articles.mirror_of/mirror_status/attributed_to`, the sketches
candidates are found by), articles citing notices (`article_notices`), one record per MoU
signing (`mou_signings`, `mous.signing_id`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

CHUNK = 500  # ids per statement, well under SQLite's bound-parameter limit


def replace_sketches(db: Database, rowid: int, values: Iterable[int]) -> None:
    """An article's sketch, for the content it has now (`sketched_hash`)."""
    db.execute("DELETE FROM article_sketches WHERE article_rowid = ?", [rowid])
    db.conn.executemany(
        "INSERT OR IGNORE INTO article_sketches (hash, article_rowid) VALUES (?, ?)",
        [(value, rowid) for value in values],
    )
    db.execute("UPDATE articles SET sketched_hash = content_hash WHERE rowid = ?", [rowid])


def attribute(db: Database, article_id: str, site: str) -> None:
    """An article credited to a site the archive holds no copy of."""
    db.execute("UPDATE articles SET attributed_to = ? WHERE id = ?", [site, article_id])


def save_mirror_link(db: Database, row: dict[str, Any]) -> None:
    """A copy's link to its original (one a copy: a better original replaces the last)."""
    db.table("mirror_links").upsert(row, pk="copy_id")
    db.execute(
        "UPDATE articles SET mirror_of = ?, attributed_to = NULL WHERE id = ?",
        [row["original_id"], row["copy_id"]],
    )


def point_at_root(db: Database, copy: str) -> set[str]:
    """Point a newly linked copy, and the copies that pointed at it, at the first publication
    of its story (a copy of a copy included). Returns the articles whose place changed."""
    root, seen = copy, {copy}
    while True:
        row = db.execute(
            "SELECT original_id FROM mirror_links WHERE copy_id = ?", [root]
        ).fetchone()
        if row is None or row[0] in seen:
            break
        root = row[0]
        seen.add(root)
    followers = [r[0] for r in db.execute("SELECT id FROM articles WHERE mirror_of = ?", [copy])]
    db.execute(
        "UPDATE articles SET mirror_of = ? WHERE id = ? OR mirror_of = ?", [root, copy, copy]
    )
    return {copy, root, *followers, *seen}


def set_mirror_status(db: Database, ids: Iterable[str]) -> None:
    """Each article's place in its story: original, mirror or unique."""
    identifiers = list(ids)
    for start in range(0, len(identifiers), CHUNK):
        chunk = identifiers[start : start + CHUNK]
        db.execute(
            "UPDATE articles SET mirror_status = CASE WHEN mirror_of IS NOT NULL THEN 'mirror' "
            "WHEN EXISTS (SELECT 1 FROM articles m WHERE m.mirror_of = articles.id) THEN 'original' "
            f"ELSE 'unique' END WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        )


def write_notice_links(
    db: Database,
    links: dict[tuple[str, str], tuple[str, str]],
    articles: Iterable[str],
    notices: Iterable[str],
) -> None:
    """Links (article, notice) → (matched on, evidence), and the articles and notices read
    for them, which the next run reads again only once they change."""
    with db.atomic():
        db.conn.executemany(
            "INSERT OR IGNORE INTO article_notices VALUES (?, ?, ?, ?)",
            [(a, n, matched_on, evidence) for (a, n), (matched_on, evidence) in links.items()],
        )
        db.conn.executemany(
            "UPDATE articles SET notices_scanned = content_hash WHERE id = ?",
            [(identifier,) for identifier in articles],
        )
        db.conn.executemany(
            "UPDATE notices SET scanned_version = version WHERE id = ?",
            [(identifier,) for identifier in notices],
        )


def replace_signings(db: Database, rows: list[dict[str, Any]]) -> None:
    """Every MoU signing, rebuilt: the rows, and each report's `signing_id`."""
    with db.atomic():
        db.execute("UPDATE mous SET signing_id = NULL")
        db.execute("DELETE FROM mou_signings")
        if rows:
            db.table("mou_signings").insert_all(rows)
        db.conn.executemany(
            "UPDATE mous SET signing_id = ? WHERE article_id = ?",
            [(row["id"], member) for row in rows for member in json.loads(str(row["report_ids"]))],
        )
