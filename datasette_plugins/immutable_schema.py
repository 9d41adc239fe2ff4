"""Datasette plugin: the schema of an immutable database (`procarchive serve --public`,
`publish`) is read once, not on every page.

Datasette 0.65 asks SQLite about tables, columns, keys and full-text indexes each time a
page needs them, each question a round trip through its SQL threads: some 35 of the 50 a
filtered articles page makes (the page itself, datasette-search-all's search box, the facet
and count plugins). Under a crowd of readers those round trips queue behind each other's
queries. An immutable database cannot change while served, so each answer (and any
statement that reads only sqlite_master) is kept, up to MAX_ANSWERS of them, least recently
used out first: a crawler asking for tables that do not exist cannot grow it without bound.
A database opened mutable is asked every time, as Datasette does.

Datasette's own `_internal` database is asked too, on every page: datasette-search-all's
menu looks through its tables (four round trips) and Datasette's schema refresh reads its
versions (two). Its tables are Datasette's, created by the first refresh; with them made at
startup, their names and full-text indexes are remembered as well (not its rows, which a
refresh rewrites). While every database served is immutable and none has been added, a
refresh finds nothing to do, so none is run.
"""

from __future__ import annotations

import copy
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from datasette import hookimpl
from datasette.database import Results

from archive.site import INTERNAL, serves_only_immutable

MAX_ANSWERS = 4096
ATOMS = (str, int, float, bool, type(None))
# Database methods whose answer depends on the schema (and metadata) alone.
SCHEMA_METHODS = (
    "table_exists", "table_names", "view_names", "hidden_table_names", "table_columns",
    "table_column_details", "primary_keys", "fts_table", "label_column_for_table",
    "foreign_keys_for_table", "get_all_foreign_keys", "get_table_definition",
    "get_view_definition",
)  # fmt: skip
# A statement that reads the schema table and nothing else (Datasette's own lookups), or
# the schema's version (asked on every request).
SCHEMA_STATEMENT = re.compile(
    r"^\s*(select\s[^;]*\bfrom\s+sqlite_master\b[^;]*|pragma\s+schema_version\s*)$", re.I | re.S
)
SCHEMA_FREE = re.compile(r"\bjoin\b|\bfrom\s+(?!sqlite_master\b)|\(\s*select\b", re.I)


class Answers:
    """Answers by question, bounded, least recently used out first."""

    def __init__(self, limit: int = MAX_ANSWERS) -> None:
        self.limit = limit
        self.kept: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    async def get(self, key: tuple[Any, ...], ask: Callable[[], Awaitable[Any]]) -> Any:
        if key in self.kept:
            self.kept.move_to_end(key)
            return self.kept[key]
        answer = await ask()
        self.kept[key] = answer
        if len(self.kept) > self.limit:
            self.kept.popitem(last=False)
        return answer


def reads_only_the_schema(sql: str) -> bool:
    return bool(SCHEMA_STATEMENT.match(sql)) and not SCHEMA_FREE.search(sql)


def remembering(database: Any, answers: Answers, statements: bool = True) -> None:
    """Wrap `database`'s schema methods, and its `execute` for statements that read only the
    schema (`statements`), so each answer is asked once."""

    def method(name: str) -> Callable[..., Awaitable[Any]]:
        ask = getattr(database, name)

        async def remembered(*args: Any) -> Any:
            return copied(await answers.get((name, *args), lambda: ask(*args)))

        return remembered

    for name in SCHEMA_METHODS:
        setattr(database, name, method(name))
    if not statements:
        return
    execute = database.execute

    async def execute_remembered(sql: str, *args: Any, **kwargs: Any) -> Any:
        if not reads_only_the_schema(sql):
            return await execute(sql, *args, **kwargs)
        key = ("execute", sql, repr(args), repr(sorted(kwargs.items())))
        results = await answers.get(key, lambda: execute(sql, *args, **kwargs))
        return Results(list(results.rows), results.truncated, results.description)

    database.execute = execute_remembered


def refreshing_when_added(datasette: Any) -> None:
    """Datasette's schema refresh, run only when the databases served are not those of the
    last refresh (all immutable)."""
    refresh = datasette.refresh_schemas
    refreshed: set[str] = set()

    async def refresh_schemas() -> None:
        if set(datasette.databases) != refreshed:
            await refresh()
            refreshed.clear()
            refreshed.update(datasette.databases)

    datasette.refresh_schemas = refresh_schemas


def copied(answer: Any) -> Any:
    """A copy callers may change: a list of strings or of tuples of them copied by itself
    (most answers; deepcopy was a millisecond a page), anything else deep."""
    if isinstance(answer, ATOMS):
        return answer
    if isinstance(answer, list) and all(
        isinstance(item, ATOMS)
        or (isinstance(item, tuple) and all(isinstance(i, ATOMS) for i in item))
        for item in answer
    ):
        return list(answer)
    return copy.deepcopy(answer)


@hookimpl
def startup(datasette: Any) -> Any:  # once a Datasette (invoke_startup runs hooks once)
    for name, database in datasette.databases.items():
        if name != INTERNAL and not database.is_mutable and not database.is_memory:
            remembering(database, Answers())
    if not serves_only_immutable(datasette):
        return None

    async def internal_tables_made() -> None:
        await datasette.refresh_schemas()
        remembering(datasette.get_database(INTERNAL), Answers(), statements=False)
        refreshing_when_added(datasette)

    return internal_tables_made
