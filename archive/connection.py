"""Opening the archive (WAL mode, a busy timeout, the schema up to date) and telling a
refused write from a bug."""

from __future__ import annotations

import errno
import logging
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from archive.migrations import MIGRATIONS, OLD_RECORD, migrate

logger = logging.getLogger(__name__)
# What a write to the archive raises when the disk or the file refuses it (refused_write
# tells those from a bug's "no such column").
WRITE_ERRORS = (sqlite3.OperationalError, OSError)
REFUSING_SQLITE = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY,
                   sqlite3.SQLITE_CANTOPEN}  # fmt: skip
REFUSING_ERRNO = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.EACCES}


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of an error (SQLITE_BUSY, SQLITE_FULL, ...), if any."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None  # extended codes share it


def refused_write(exc: BaseException) -> bool:
    """Did the disk or the file refuse the write (full, read-only, an I/O error)?"""
    if isinstance(exc, sqlite3.Error):
        return sqlite_code(exc) in REFUSING_SQLITE
    return isinstance(exc, OSError) and exc.errno in REFUSING_ERRNO


class ArchiveUnwritable(Exception):
    """A write the archive refused; the crawl stops (CrawlSession.write_failed)."""


class NotAnArchive(ValueError):
    """The file is not an SQLite database, or one that procarchive did not make."""


def open_archive(path: str | Path, create: bool = True) -> Database:
    """The archive at `path`, migrated. `create=False` refuses a missing file; neither
    writes a schema into a file that is not an archive (an empty one, another program's)."""
    if str(path) != ":memory:" and not create and not Path(path).exists():
        raise FileNotFoundError(f"no archive at {path}: run `procarchive crawl` first")
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        check_archive(conn, path, create or str(path) == ":memory:")
    except BaseException:
        conn.close()
        raise
    db = Database(conn)
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    migrate(db)
    return db


def check_archive(conn: sqlite3.Connection, path: str | Path, create: bool) -> None:
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise NotAnArchive(f"{path} is not an SQLite database ({exc})") from None
    if OLD_RECORD in tables or ours(conn, tables) or (create and not tables):
        return
    what = "an empty file" if not tables else f"tables {', '.join(sorted(tables)[:5])}"
    raise NotAnArchive(f"{path} is not a procarchive archive ({what}, no migrations of ours)")


def ours(conn: sqlite3.Connection, tables: set[str]) -> bool:
    """Does `_sqlite_migrations` record procarchive's migrations? Other programs that use
    sqlite-utils' Migrations have the table too, with their own migration sets."""
    if MIGRATIONS.migrations_table not in tables:
        return False
    query = f"SELECT 1 FROM [{MIGRATIONS.migrations_table}] WHERE migration_set = ? LIMIT 1"
    return conn.execute(query, [MIGRATIONS.name]).fetchone() is not None
