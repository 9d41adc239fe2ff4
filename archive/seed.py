"""A shard's start: what the last merged archive holds of the job's source, copied in read-only
before the crawl reads anything, so that the job's crawl knows what a crawl of the archive
itself would (what needs no fetch, the validators to send, the parts carried over when a
page fails, what is gone) and counts new, changed and unchanged as it would.

The copy is the source's slice only: its crawls, articles (with their versions, addresses,
agencies and MoUs), an SPSE job's LPSEs' notices (with versions, schedule and awards), the
documents they link, and the captures all of those cite plus the last good capture of each
of the source's URLs. The merger skips every copied state, which the archive already holds
(archive.merge_history); derived tables are left to triggers and the post-crawl steps."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from sqlite_utils import Database

from archive.merge import applied_migrations, read_schema

SEEN = "seen"  # the attached archive's schema name
ARTICLES = "SELECT id FROM seen.articles WHERE source = :source"
NOTICES = "SELECT id FROM seen.notices WHERE lpse IN (SELECT value FROM json_each(:lpses))"
LINKS = (
    f"(parent_type = 'article' AND parent_id IN ({ARTICLES})) OR "
    f"(parent_type = 'notice' AND parent_id IN ({NOTICES}))"
)
SOURCE_CRAWLS = "SELECT id FROM seen.crawls WHERE source = :source"
# (table, its rows in the slice), a row before the rows that cite it.
SLICE = (
    ("articles", "source = :source"),
    ("article_versions", f"article_id IN ({ARTICLES})"),
    ("article_urls", f"article_id IN ({ARTICLES})"),
    ("article_agencies", f"article_id IN ({ARTICLES})"),
    ("mous", f"article_id IN ({ARTICLES})"),
    ("mou_parties", f"article_id IN ({ARTICLES})"),
    ("notices", f"id IN ({NOTICES})"),
    ("notice_versions", f"notice_id IN ({NOTICES})"),
    ("notice_schedule", f"notice_id IN ({NOTICES})"),
    ("notice_awards", f"notice_id IN ({NOTICES})"),
    ("document_links", LINKS),
    ("documents", f"url IN (SELECT document_url FROM seen.document_links WHERE {LINKS})"),
    ("agencies", "1"),
)
# Columns citing a derived table, left for the post-crawl steps to fill again.
DERIVED_COLUMNS = {("mous", "signing_id"): "NULL"}
CITING = ("articles", "article_versions", "notices", "notice_versions", "documents")


class SeedRefused(ValueError):
    """The archive to seed from cannot be read by this procarchive (newer, or not one)."""


def seed_shard(
    shard: Database, seen_path: str | Path, source: str, lpses: Sequence[str] = ()
) -> dict[str, int]:
    """Copy the source's slice of the archive at `seen_path` into the empty `shard`, in one
    transaction; the rows copied a table."""
    path = Path(seen_path)
    if not path.is_file():
        raise SeedRefused(f"no archive at {path} to read the seen state from")
    _check_schema(shard, path)
    shard.execute(f"ATTACH DATABASE ? AS {SEEN}", [f"file:{path.resolve()}?mode=ro"])
    try:
        params = {"source": source, "lpses": json.dumps(list(lpses))}
        counts: dict[str, int] = {}
        with shard.atomic():
            counts["crawls"] = _copy_crawls(shard, params)
            counts["captures"] = _copy_captures(shard, params)
            for table, where in SLICE:
                counts[table] = _copy(shard, table, where, params)
        return counts
    finally:
        shard.execute(f"DETACH DATABASE {SEEN}")


def _check_schema(shard: Database, path: Path) -> None:
    try:
        theirs = read_schema(path)[1]
    except sqlite3.DatabaseError as exc:
        raise SeedRefused(f"{path} is not an SQLite database ({exc})") from None
    if theirs is None:
        raise SeedRefused(f"{path} is not a procarchive archive")
    ours = applied_migrations(shard.conn, set(shard.table_names())) or set()
    if newer := sorted(theirs - ours):
        raise SeedRefused(
            f"{path} has a newer schema than this node's procarchive (migrations "
            f"{', '.join(newer)}): update procarchive on this node"
        )


def _copy(shard: Database, table: str, where: str, params: dict[str, str]) -> int:
    names = [column.name for column in shard.table(table).columns]
    values = ", ".join(
        f"{DERIVED_COLUMNS[table, name]} AS [{name}]" if (table, name) in DERIVED_COLUMNS
        else f"[{name}]" for name in names
    )  # fmt: skip
    columns = ", ".join(f"[{name}]" for name in names)
    cursor = shard.execute(
        f"INSERT OR IGNORE INTO main.[{table}] ({columns}) SELECT {values} FROM seen.[{table}] "
        f"WHERE {where}",
        params,
    )
    return cursor.rowcount


def _copy_crawls(shard: Database, params: dict[str, str]) -> int:
    """The source's crawls, ids kept (the copied rows cite them; the merger maps a crawl by
    its run, source and start)."""
    return _copy(shard, "crawls", f"id IN ({SOURCE_CRAWLS})", params)


def _copy_captures(shard: Database, params: dict[str, str]) -> int:
    """Captures the slice's rows cite, the last good one of each URL the source's crawls
    fetched (a listing's validators), and the originals of those that are revisits."""
    cited = " UNION ".join(
        f"SELECT capture_id FROM seen.[{table}] WHERE " + dict(SLICE)[table] for table in CITING
    )
    latest = (
        "SELECT max(rowid) FROM seen.captures WHERE status = 200 AND crawl_id IN "
        f"({SOURCE_CRAWLS}) GROUP BY url"
    )
    shard.execute(
        "CREATE TEMP TABLE seeded_captures AS SELECT id FROM seen.captures WHERE id IN "
        f"({cited}) "
        f"OR rowid IN ({latest})",
        params,
    )
    try:
        shard.execute(
            "INSERT INTO temp.seeded_captures SELECT revisit_of FROM seen.captures WHERE id IN "
            "(SELECT id FROM temp.seeded_captures) AND revisit_of IS NOT NULL"
        )
        # Cited captures of other sources' crawls (a shared document): their crawls too.
        _copy(shard, "crawls", "id IN (SELECT crawl_id FROM seen.captures WHERE id IN "
                               "(SELECT id FROM temp.seeded_captures))", params)  # fmt: skip
        return _copy(shard, "captures", "id IN (SELECT id FROM temp.seeded_captures)", params)
    finally:
        shard.execute("DROP TABLE temp.seeded_captures")
