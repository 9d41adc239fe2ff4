"""Datasette plugin: no SQL value on a connection to an immutable database (`procarchive
serve --public`, `publish`) grows past MAX_VALUE_BYTES.

Arbitrary SQL is off there (procarchive.serve.PUBLIC_SETTINGS); this holds for canned
queries too. SQLite's functions (replace, hex, zeroblob, group_concat) check the limit as a
value grows, where the progress handler behind the time limit cannot stop one call.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl

# Above the 50 MB one document part may uncompress to (scrapers/extract/documents.py), so a
# document's text, and its row, still read. A row past it fails every page that shows it:
# an XLSX whose shared strings repeat can extract to more, which the caps on what a worker
# reads (issue 14) are to bound.
MAX_VALUE_BYTES = 64 * 1024 * 1024


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    served = datasette.databases.get(database)
    if served is not None and not served.is_mutable:
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
