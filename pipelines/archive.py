"""Opening the archive: WAL mode, a busy timeout, the schema up to date."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from pipelines.migrations import migrate


def open_archive(path: str | Path, create: bool = True) -> Database:
    """The archive at `path`, migrated. `create=False` refuses a missing file."""
    if str(path) != ":memory:" and not create and not Path(path).exists():
        raise FileNotFoundError(f"no archive at {path}: run `procarchive crawl` first")
    conn = sqlite3.connect(str(path), timeout=30)
    db = Database(conn)
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    migrate(db)
    return db
