"""Datasette plugin: pages of a sorted table that are complete, in order, and read from an
index in order. Two changes to the SQL of Datasette 0.65's table pages, nothing else:

1. A first page sorted by a column (articles by published_at) is ordered by that column
   alone, the next pages (`?_next=`) by the column and the primary key. Rows sharing a
   value (articles published the same day, dates without a time) then come back in one
   order on the first page and in another after it: some twice, some never, in a page or
   in a streamed CSV. The first page gets the primary key as tie-breaker too.
2. A page after the first of a table sorted descending by a column that may be NULL is
   selected with `(published_at < :p1 or published_at is null or (published_at = :p1 and
   id > :p0))`. SQLite answers that OR from three index searches whose union it then sorts:
   every row after the cursor, a million for the second page of the articles table, which
   runs into the time limit. Written `+published_at is null` (the same value: unary plus
   is a no-op) the middle branch cannot use an index, so SQLite reads the sort index in
   order (skipping the entries before the cursor) and stops after a page.

Only the SQL of a table page is changed: "select ... from T [where ...] order by C [desc]
limit N" on one table, without alias or join, so users' queries keep their meaning.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from datasette import hookimpl
from datasette.utils import escape_sqlite

NAME = r"\[[^\]]+\]|\w+"  # a column or table as Datasette's escape_sqlite writes it
DESCENDING_CURSOR = re.compile(
    rf"\((?P<column>{NAME}) < :p(?P<p>\d+) or (?P=column) is null "
    r"or \((?P=column) = :p(?P=p) and "
)
# A table page's query sorted by one column (the next pages' "order by C desc, PK" has a
# comma and is left alone).
SORTED_PAGE = re.compile(
    rf"^(?P<head>select .+ from (?P<table>{NAME}) (?:where .+ )?order by (?:{NAME})(?: desc)?)"
    r"(?P<tail> limit \d+)$",
    re.DOTALL,
)


def in_index_order(sql: str) -> str:
    return DESCENDING_CURSOR.sub(
        lambda m: (
            f"({m['column']} < :p{m['p']} or +{m['column']} is null "
            f"or ({m['column']} = :p{m['p']} and "
        ),
        sql,
    )


def with_tie_breaker(sql: str, keys: list[str]) -> str:
    """A first page sorted by one column, ordered by the primary key (or rowid) within ties,
    as Datasette orders the pages after it."""
    page = SORTED_PAGE.match(sql)
    if page is None:
        return sql
    tie_breaker = ", ".join(escape_sqlite(key) for key in keys) or "rowid"
    return f"{page['head']}, {tie_breaker}{page['tail']}"


def rewriting(database: Any) -> Callable[..., Awaitable[Any]]:
    execute = database.execute

    async def execute_in_order(sql: str, *args: Any, **kwargs: Any) -> Any:
        page = SORTED_PAGE.match(sql)
        if page is not None:
            table = page["table"].strip("[]")
            if await database.table_exists(table):
                sql = with_tie_breaker(sql, await database.primary_keys(table))
        return await execute(in_index_order(sql), *args, **kwargs)

    return execute_in_order


@hookimpl
def startup(datasette: Any) -> None:  # once a Datasette (invoke_startup runs hooks once)
    for database in datasette.databases.values():
        database.execute = rewriting(database)
