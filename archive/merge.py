"""A shard (an archive one job crawled into: same schema, its own WARC files) folded into
the archive, in one transaction, idempotently: rows by their natural keys, articles and
notices through the archive's own writers (archive.merge_history), crawls under new ids,
captures and documents kept with their WARC files copied beside the archive's.

Every table of the schema is either merged here or derived (kept by triggers, rebuilt by
the post-crawl steps); a shard with any other table, or with migrations this code does not
know, is refused: nothing in it is silently dropped."""

from __future__ import annotations

import filecmp
import hashlib
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive.connection import open_archive
from archive.merge_history import CrawlIds, merge_articles, merge_notices
from archive.migrations import MIGRATIONS, OLD_RECORD

# Merged, in this order (a row's crawl and capture before the rows that cite them).
MERGED = (
    "crawls", "captures", "agencies", "flag_thresholds", "articles", "article_versions",
    "article_urls", "article_agencies", "mous", "mou_parties", "notices", "notice_versions",
    "notice_schedule", "notice_awards", "documents", "document_links", "merged_shards",
)  # fmt: skip
DERIVED = {
    "articles_fts": "triggers", "notices_fts": "triggers", "documents_fts": "triggers",
    "articles_facet_counts": "triggers", "article_sketches": "link_archive (mirrors)",
    "mirror_links": "link_archive (mirrors)", "mou_signings": "link_archive (signings)",
    "article_notices": "link_archive (notices)", "_sqlite_migrations": "the migrations",
    "sqlite_stat1": "ANALYZE", "sqlite_stat4": "ANALYZE", "sqlite_sequence": "SQLite",
}  # fmt: skip
FTS_SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content")
WARC_SUFFIXES = (".warc.gz", ".warc", ".cdxj")


class ShardRefused(ValueError):
    """A shard that cannot be merged as it is; the archive is left untouched."""


@dataclass
class MergeReport:
    shard: str
    fingerprint: str
    skipped: bool = False  # merged before: nothing written
    counts: dict[str, int] = field(default_factory=dict)
    warc_files: int = 0  # copied into the archive's WARC folder

    def line(self) -> str:
        if self.skipped:
            return f"{self.shard}: already merged ({self.fingerprint[:12]}), skipped"
        figures = ", ".join(f"{key} {value}" for key, value in self.counts.items() if value)
        return f"{self.shard}: {figures or 'nothing new'}; {self.warc_files} WARC files copied"


def ensure_merged_shards(db: Database) -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS merged_shards (fingerprint TEXT PRIMARY KEY, path TEXT "
        "NOT NULL, merged_at TEXT NOT NULL, counts TEXT)"
    )


def known_table(name: str) -> bool:
    base = next((name[: -len(s)] for s in FTS_SHADOWS if name.endswith(s)), name)
    return name in MERGED or name in DERIVED or (base != name and base in DERIVED)


def applied_migrations(conn: sqlite3.Connection, tables: set[str]) -> set[str] | None:
    """The names of procarchive's migrations an archive records (in `_migrations` if it is
    older than sqlite-utils' Migrations); None for a database that records none."""
    if MIGRATIONS.migrations_table in tables:
        query = f"SELECT name FROM [{MIGRATIONS.migrations_table}] WHERE migration_set = ?"
        return {row[0] for row in conn.execute(query, [MIGRATIONS.name])}
    if OLD_RECORD in tables:
        return {row[0] for row in conn.execute(f"SELECT name FROM [{OLD_RECORD}]")}
    return None


def read_schema(path: Path) -> tuple[set[str], set[str] | None]:
    """The tables of the database at `path` and the migrations it records, read read-only
    (nothing migrates or writes it); sqlite3.DatabaseError for a file that is no database."""
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return tables, applied_migrations(conn, tables)
    finally:
        conn.close()


def check_shard(path: Path, archive: Database) -> None:
    """Refuse a shard newer than this code's and the archive's schema, or holding a table
    the merger does not know, before anything (open_archive's migrations) writes to it."""
    if not path.is_file():
        raise ShardRefused(f"{path}: no such shard")
    if path.resolve() == database_file(archive).resolve():
        raise ShardRefused(f"{path} is the archive itself")
    try:
        tables, applied = read_schema(path)
    except sqlite3.DatabaseError as exc:
        raise ShardRefused(f"{path} is not an SQLite database ({exc})") from None
    if not applied:
        raise ShardRefused(f"{path} is not a procarchive archive (no migrations of ours)")
    known = {migration.name for migration in MIGRATIONS.pending(Database(memory=True))}
    known |= applied_migrations(archive.conn, set(archive.table_names())) or set()
    if newer := sorted(applied - known):
        raise ShardRefused(
            f"{path} has a newer schema than this archive (migrations {', '.join(newer)} "
            "unknown here): update procarchive where the merger runs, then merge it"
        )
    if unknown := sorted(t for t in tables if not known_table(t) and t != OLD_RECORD):
        raise ShardRefused(
            f"{path} has tables the merger does not know ({', '.join(unknown)}): "
            "refused rather than dropped; teach archive/merge.py to merge them"
        )


def fingerprint(shard: Database) -> str:
    """The shard's content: every merged table's rows in order (a file's bytes change when
    SQLite merely opens it in WAL mode)."""
    digest = hashlib.sha256()
    for table in MERGED:
        if table in shard.table_names() and table != "merged_shards":
            digest.update(table.encode())
            for row in shard.execute(f"SELECT * FROM [{table}] ORDER BY rowid"):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def database_file(db: Database) -> Path:
    return Path(next(row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"))


def merge_shard(
    archive: Database,
    shard_path: str | Path,
    archive_warcs: Path | None = None,
    shard_warcs: Path | None = None,
) -> MergeReport:
    """Fold the shard at `shard_path` into `archive`; the WARC folders default to `warcs/`
    beside each database (scrapers.capture.warc_dir)."""
    path = Path(shard_path)
    check_shard(path, archive)
    shard = open_archive(path, create=False)  # an older shard is migrated first
    try:
        shard.execute("BEGIN")  # one snapshot of the shard, even if its crawl still writes
        ensure_merged_shards(archive)
        report = MergeReport(str(path), fingerprint(shard))
        if archive.execute(
            "SELECT 1 FROM merged_shards WHERE fingerprint = ?", [report.fingerprint]
        ).fetchone():
            report.skipped = True
            return report
        target = archive_warcs or database_file(archive).parent / "warcs"
        report.warc_files = copy_warcs(shard, shard_warcs or path.parent / "warcs", target)
        with archive.atomic():
            before = archive.table("crawls").count
            crawls = merge_crawls(archive, shard)
            report.counts = {
                "crawls": archive.table("crawls").count - before,
                "captures": merge_captures(archive, shard, crawls),
                **{f"article {k}": v for k, v in merge_articles(archive, shard, crawls).items()},
                **{f"notice {k}": v for k, v in merge_notices(archive, shard, crawls).items()},
                "documents": merge_documents(archive, shard, crawls),
                "document links": copy_rows(archive, shard, "document_links", crawls),
                "agencies": copy_rows(archive, shard, "agencies", crawls, replace=True),
                "flag thresholds": copy_rows(archive, shard, "flag_thresholds", crawls),
            }
            if "merged_shards" in shard.table_names():  # a shard that merged others itself
                report.counts["merged shards"] = copy_rows(archive, shard, "merged_shards", crawls)
            archive.execute(
                "INSERT INTO merged_shards (fingerprint, path, merged_at, counts) VALUES (?, ?, ?, ?)",
                [report.fingerprint, str(path.resolve()), _now(), repr(report.counts)],
            )
        return report
    finally:
        shard.conn.rollback()
        shard.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def copy_warcs(shard: Database, source: Path, target: Path) -> int:
    """The shard's WARC files into the archive's folder (a copy, then a rename: never half a
    file); one already there must be the same file or a prefix of it (the shard's crawl went
    on), else the shard is refused. Every file a capture names must be there or in the
    archive's folder."""
    named = {row[0] for row in shard.execute("SELECT DISTINCT warc_file FROM captures")}
    same = source.resolve() == target.resolve()
    files = [] if same or not source.is_dir() else [
        p for p in source.iterdir() if p.name.endswith(WARC_SUFFIXES)
    ]  # fmt: skip
    # A shard seeded from the archive (archive.seed) names the archive's own files too.
    missing = sorted(n for n in named - {p.name for p in files} if not (target / n).is_file())
    if missing:
        raise ShardRefused(f"WARC files the shard's captures name are missing from {source}: "
                           f"{', '.join(missing[:5])}")  # fmt: skip
    if source.resolve() == target.resolve():
        return 0
    target.mkdir(parents=True, exist_ok=True)
    copied = 0
    for file in sorted(files):
        there = target / file.name
        if there.exists():
            if filecmp.cmp(file, there, shallow=False):
                continue
            if not _is_prefix(there, file):
                raise ShardRefused(
                    f"{there} exists and differs from the shard's {file}: refused, "
                    "both kept as they are"
                )
        partial = there.with_name(f".{there.name}.partial")
        shutil.copyfile(file, partial)
        os.replace(partial, there)
        copied += 1
    return copied


def _is_prefix(short: Path, long: Path) -> bool:
    size = short.stat().st_size
    if size > long.stat().st_size:
        return False
    with open(short, "rb") as a, open(long, "rb") as b:
        while chunk := a.read(1 << 20):
            if chunk != b.read(len(chunk)):
                return False
    return True


def merge_crawls(archive: Database, shard: Database) -> CrawlIds:
    """Shard crawl id -> archive crawl id; a crawl is (run, source, start) wherever it is."""
    mapping: dict[int | None, int | None] = {None: None}
    for row in shard.query("SELECT * FROM crawls ORDER BY id"):
        key = [row["run_id"], row["source"], row["started_at"]]
        values = {k: v for k, v in row.items() if k != "id"}
        found = archive.execute(
            "SELECT id FROM crawls WHERE run_id IS ? AND source IS ? AND started_at IS ?", key
        ).fetchone()
        if found:
            archive.table("crawls").update(found[0], values)  # its figures, if it went on
            mapping[row["id"]] = found[0]
        else:
            cursor = archive.execute(
                f"INSERT INTO crawls ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                list(values.values()),
            )
            mapping[row["id"]] = cursor.lastrowid
    return mapping


def copy_rows(
    archive: Database, shard: Database, table: str, crawls: CrawlIds, replace: bool = False
) -> int:
    """Rows the archive does not hold yet, by primary key (`replace`: the shard's wins)."""
    before = archive.table(table).count
    columns = [c.name for c in shard.table(table).columns]
    verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
    sql = f"{verb} INTO [{table}] ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    for row in shard.query(f"SELECT * FROM [{table}] ORDER BY rowid"):
        if "crawl_id" in row:
            row["crawl_id"] = crawls.get(row["crawl_id"])
        archive.execute(sql, [row[c] for c in columns])
    return archive.table(table).count - before


def merge_captures(archive: Database, shard: Database, crawls: CrawlIds) -> int:
    """Captures by id (WARC file and offset); an id the archive holds for another record
    (another fetch) is refused: the two would be one row."""
    added = copy_rows(archive, shard, "captures", crawls)
    for row in shard.query("SELECT id, url, fetched_at, payload_sha256 FROM captures"):
        held = archive.execute(
            "SELECT url, fetched_at, payload_sha256 FROM captures WHERE id = ?", [row["id"]]
        ).fetchone()
        if tuple(held) != (row["url"], row["fetched_at"], row["payload_sha256"]):
            raise ShardRefused(
                f"capture {row['id']} is another fetch in the archive ({held[0]} at {held[1]}) "
                f"than in the shard ({row['url']} at {row['fetched_at']}): refused"
            )
    return added


def merge_documents(archive: Database, shard: Database, crawls: CrawlIds) -> int:
    """A document is a URL's content (its id): new ones supersede the URL's current one, as
    write_documents does; one already archived takes the later sighting."""
    added = 0
    for row in shard.query("SELECT * FROM documents ORDER BY first_seen_at, rowid"):
        row["crawl_id"] = crawls.get(row["crawl_id"])
        known = archive.execute(
            "SELECT last_seen_at FROM documents WHERE id = ?", [row["id"]]
        ).fetchone()
        if known is None:
            if row["sha256"]:
                archive.execute(
                    "UPDATE documents SET superseded_at = ? WHERE url = ? AND superseded_at IS NULL",
                    [row["first_seen_at"], row["url"]],
                )
            archive.table("documents").insert(row, alter=False)
            added += 1
        elif row["last_seen_at"] > known[0]:
            archive.execute(
                "UPDATE documents SET last_seen_at = ?, crawl_id = ?, superseded_at = ? WHERE id = ?",
                [row["last_seen_at"], row["crawl_id"], row["superseded_at"], row["id"]],
            )
    return added


def table_counts(db: Database) -> dict[str, Any]:
    return {t: db.table(t).count for t in MERGED if t in db.table_names()}
