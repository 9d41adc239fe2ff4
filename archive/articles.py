"""The archive's writes, each batch one transaction: new, changed, seen, gone.

An article's current state lives in `articles`; whenever it is replaced (content changed,
or a gone page came back) the state it replaces goes to `article_versions` first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from archive.aliases import write_aliases
from archive.statements import insert_sql, update_sql, values

ARTICLE_COLUMNS = (
    "id", "url", "source", "title", "published_at", "year", "author", "lang", "kind", "text",
    "reference", "content_hash", "first_seen_at", "last_seen_at", "crawl_id", "capture_id",
    "source_updated", "agencies", "canonical_claim",
)  # fmt: skip
# What a new state replaces: all but the id, the source (never changes: see write_articles)
# and what every sighting sets.
CONTENT_COLUMNS = tuple(
    c
    for c in ARTICLE_COLUMNS
    if c not in ("id", "source", "first_seen_at", "last_seen_at", "crawl_id")
)
# What re-seeing it unchanged sets, and what a new state sets (a gone page is back).
SIGHTING_COLUMNS = ("last_seen_at", "crawl_id", "capture_id", "source_updated")
REPLACED_COLUMNS = (*CONTENT_COLUMNS, "last_seen_at", "crawl_id", "gone_at", "gone_reason")
MOU_COLUMNS = (
    "article_id", "year", "signed_on", "signed_on_raw", "place", "document_type", "renewal",
    "duration_text", "duration_months", "scope", "weekday_disagrees",
)  # fmt: skip
PARTY_COLUMNS = (
    "article_id", "agency", "role", "in_gazetteer", "person", "person_title", "acting_for",
)  # fmt: skip
VERSION_COLUMNS = (
    "article_id", "superseded_at", "title", "text", "published_at", "author", "reference",
    "content_hash", "first_seen_at", "last_seen_at", "crawl_id", "capture_id", "gone_at",
    "gone_reason",
)  # fmt: skip


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def keep_version(db: Database, old: dict[str, Any], superseded_at: str) -> None:
    version = {**old, "article_id": old["id"], "superseded_at": superseded_at}
    db.execute(insert_sql("article_versions", VERSION_COLUMNS), values(version, VERSION_COLUMNS))


def _previous(db: Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    marks = ",".join("?" * len(ids))
    return {
        row["id"]: row for row in db.query(f"SELECT * FROM articles WHERE id IN ({marks})", ids)
    }


def write_articles(
    db: Database, rows: list[dict[str, Any]], crawl_id: int | None
) -> dict[str, int]:
    """Insert new articles, version changed (or returned) ones, touch unchanged ones. A row
    stays its source's: another source meeting the same page (an ad-hoc crawl of an
    agency's URL) leaves it as it is, counted as `other_source`. The URLs each row was read
    at and claims become its aliases (archive.aliases) in the same transaction; one already
    another article's stays so, counted as `alias_conflict`."""
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    with db.atomic():
        previous = _previous(db, [row["id"] for row in rows])
        owned = []
        for row in rows:
            seen_at = row.get("fetched_at") or now()
            old = previous.get(row["id"])
            if old is not None and old["source"] != row["source"]:
                counts["other_source"] = counts.get("other_source", 0) + 1
                continue
            owned.append(row)
            if old is None:
                new = {
                    **row,
                    "first_seen_at": seen_at,
                    "last_seen_at": seen_at,
                    "crawl_id": crawl_id,
                }
                db.execute(insert_sql("articles", ARTICLE_COLUMNS), values(new, ARTICLE_COLUMNS))
                counts["new"] += 1
            elif old["content_hash"] == row["content_hash"] and not old["gone_at"]:
                seen = {**row, "last_seen_at": seen_at, "crawl_id": crawl_id}
                db.execute(
                    update_sql("articles", SIGHTING_COLUMNS, "id = ?"),
                    [*values(seen, SIGHTING_COLUMNS), row["id"]],
                )
                counts["unchanged"] += 1
            else:
                keep_version(db, old, seen_at)
                replaced = {**row, "last_seen_at": seen_at, "crawl_id": crawl_id,
                            "gone_at": None, "gone_reason": None}  # fmt: skip
                db.execute(
                    update_sql("articles", REPLACED_COLUMNS, "id = ?"),
                    [*values(replaced, REPLACED_COLUMNS), row["id"]],
                )
                counts["changed"] += 1
        if conflicts := write_aliases(db, owned, now()):
            counts["alias_conflict"] = conflicts
    return counts


def write_records(db: Database, rows: list[dict[str, Any]]) -> None:
    """Replace what was derived from these articles: organisations named, the MoU reported
    (of the rows their source owns: see write_articles)."""
    stored = {
        identifier: source
        for identifier, source in db.execute(
            f"SELECT id, source FROM articles WHERE id IN ({','.join('?' * len(rows))})",
            [row["id"] for row in rows],
        )
    }
    rows = [row for row in rows if stored.get(row["id"]) == row["source"]]
    if not rows:
        return
    ids = [row["id"] for row in rows]
    marks = ",".join("?" * len(ids))
    with db.atomic():
        for table in ("mou_parties", "mous", "article_agencies"):
            db.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", ids)
        for row in rows:
            db.conn.executemany(
                "INSERT INTO article_agencies (article_id, agency, mentions, in_gazetteer) VALUES (?, ?, ?, 1)",
                [
                    (row["id"], agency, count)
                    for agency, count in (row.get("agency_counts") or {}).items()
                ],
            )
            mou = row.get("mou")
            if not mou:
                continue
            year = int(mou["signed_on"][:4]) if mou.get("signed_on") else row.get("year")
            db.execute(
                insert_sql("mous", MOU_COLUMNS),
                values({**mou, "article_id": row["id"], "year": year}, MOU_COLUMNS),
            )
            db.conn.executemany(
                insert_sql("mou_parties", PARTY_COLUMNS),
                [values({**p, "article_id": row["id"]}, PARTY_COLUMNS) for p in mou["parties"]],
            )


def refresh_agencies(db: Database, agencies: Iterable[Any]) -> None:
    """The gazetteer as a table, for Datasette's labels and joins."""
    with db.atomic():
        db.conn.executemany(
            "INSERT OR REPLACE INTO agencies (name, full_name, country, type) VALUES (?, ?, ?, ?)",
            [(a.name, a.full, a.country, a.type) for a in agencies],
        )


def mark_seen(db: Database, ids: list[str], crawl_id: int | None, seen_at: str) -> dict[str, int]:
    """Articles found current without being parsed again (304, or unchanged per listing).
    One that had been found gone is back: its gone state becomes a version."""
    counts = {"unchanged": 0, "changed": 0}
    with db.atomic():
        for identifier, old in _previous(db, ids).items():
            if old["gone_at"]:
                keep_version(db, old, seen_at)
                counts["changed"] += 1
            else:
                counts["unchanged"] += 1
            db.execute(
                "UPDATE articles SET last_seen_at = ?, crawl_id = ?, gone_at = NULL, gone_reason = NULL "
                "WHERE id = ?",
                [seen_at, crawl_id, identifier],
            )
    return counts


def mark_gone(db: Database, gone: Iterable[tuple[str, str]], crawl_id: int | None, at: str) -> int:
    """Archived articles the site no longer has, with the reason; never deleted here. One
    that crawl `crawl_id` met alive (at another of its URLs: archive.aliases) is not gone."""
    marked = 0
    met = " AND crawl_id IS NOT ?" if crawl_id is not None else ""
    with db.atomic():
        for identifier, reason in gone:
            cursor = db.execute(
                "UPDATE articles SET gone_at = ?, gone_reason = ?, crawl_id = ? "
                f"WHERE id = ? AND gone_at IS NULL{met}",
                [at, reason, crawl_id, identifier, *([crawl_id] if met else [])],
            )
            marked += cursor.rowcount
    return marked


def mark_unlisted(
    db: Database,
    source: str,
    missing: list[str] | None,
    listed: set[str],
    crawl_id: int | None,
    at: str,
) -> tuple[int, int]:
    """Articles a complete listing walk no longer names are gone only when the walk before
    did not name them either: a page that drops out for one night (a cache, a maintenance
    page that passed for a listing) is not a deletion. The first miss is kept in
    `unlisted_at`, cleared when the article is listed again or a complete walk (`missing`
    is None for an incomplete one) does not miss it. Returns (gone, missed once)."""
    with db.atomic():
        earlier = {
            row[0]
            for row in db.execute(
                "SELECT id FROM articles WHERE source = ? AND unlisted_at IS NOT NULL", [source]
            )
        }
        missed = set(missing or ())
        forgiven = {i for i in earlier if i in listed or (missing is not None and i not in missed)}
        first = missed - earlier
        db.conn.executemany(
            "UPDATE articles SET unlisted_at = NULL WHERE id = ?", [(i,) for i in forgiven]
        )
        db.conn.executemany(
            "UPDATE articles SET unlisted_at = ? WHERE id = ?", [(at, i) for i in first]
        )
    gone = mark_gone(db, [(i, "unlisted") for i in missed & earlier], crawl_id, at)
    return gone, len(first)


def unlisted(db: Database, source: str, listed: set[str]) -> list[str]:
    """Articles of a source that a complete, newest-first listing no longer names although it
    names older ones: deleted, or hidden, from the site's own index."""
    ordered = [
        row[0]
        for row in db.execute(
            "SELECT id FROM articles WHERE source = ? AND gone_at IS NULL "
            "ORDER BY published_at, first_seen_at, id",
            [source],
        )
    ]
    positions = [index for index, identifier in enumerate(ordered) if identifier in listed]
    if not positions:
        return []
    oldest_listed = positions[0]
    return [identifier for identifier in ordered[oldest_listed:] if identifier not in listed]


def set_classification(db: Database, rows: list[dict[str, Any]]) -> None:
    """Articles' kinds and organisations derived again (procarchive reclassify), and the
    records derived with them."""
    with db.atomic():  # one transaction: kinds and records never out of step
        db.conn.executemany(
            "UPDATE articles SET kind = ?, agencies = ? WHERE id = ?",
            [(row["kind"], row["agencies"], row["id"]) for row in rows],
        )
        write_records(db, rows)
