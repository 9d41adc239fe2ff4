"""Datasette plugin: a search is read as people type it, never as an FTS5 syntax error.

The reading is archive.search's. The canned queries call it as `fts_query(:term)`; the
table pages' `_search` goes through Datasette's `escape_fts`, which this plugin replaces
with the same reading; its notes are shown on the page. `procarchive export` reads its
searches with archive.search too, and refuses one that had to be mended.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl

from archive.search import explained, fts_query, read_search, search_parameters


@hookimpl(trylast=True)  # after Datasette's own, so that its escape_fts is replaced
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    # Datasette's table search: `match escape_fts(:search)` unless metadata says `raw`.
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)


@hookimpl
def extra_template_vars(template: str, database: str | None, request: Any, datasette: Any) -> Any:
    """The notes of a page's searches, as Datasette's messages at the top of the page."""

    async def show_notes() -> dict[str, Any]:
        for text in await _searches(template, database, request, datasette):
            if (reading := read_search(text)).notes:
                datasette.add_message(request, explained(reading), datasette.WARNING)
        return {}

    return show_notes


async def _searches(template: str, database: str | None, request: Any, datasette: Any) -> list[str]:
    if request is None:
        return []
    args = request.args
    if template == "search_all.html":
        names = ["q"]
    elif template.startswith("table"):
        names = [name for name in args if name.startswith("_search") and name != "_searchmode"]
    elif template.startswith("query") and database and "table" in request.url_vars:
        canned = await datasette.get_canned_query(database, request.url_vars["table"], None)
        names = search_parameters(canned["sql"]) if canned else []
    else:
        return []
    return [args[name] for name in names if name in args]
