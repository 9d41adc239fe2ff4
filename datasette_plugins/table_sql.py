"""Datasette plugin: the changes to Datasette 0.65's table-page SQL that no hook allows, all
here. Datasette builds a table page's row count, ORDER BY and `_next` cursor inside its
TableView (views/table.py) and hands them to `Database.execute`; this module wraps that
method, once a database, and rewrites the SQL it is given. What a hook can do is done by
hooks (the facets: precounted_facets.py, a facet class).

Written for Datasette 0.65 (WRITTEN_FOR), whose SQL the patterns below match. On another
version the startup logs a warning and leaves Datasette's SQL alone: the site works, with
counts counted from the rows, later pages sorted after their cursor, and ties on a first
page in SQLite's order.

The rewrites, applied in this order to every statement (REWRITES), each to what the one
before left. They match statements of different shapes (a count; a first page; a later
page), and only a table page's "select ... from T [where ...] order by C [desc] limit N" or
"select count(*) from T where ..." on one table, without alias or join, so users' queries
keep their meaning.

1. summed_count: a page's count of rows matching equalities on the columns a companion
   table T_facet_counts counts (`n` rows for each combination, kept by triggers:
   archive/migrations.py), Datasette's `select count(*) from T where "c" = :p0 and ...`,
   is run as a sum over the companion. Counting 780,000 articles of one kind reads their
   index: 40 ms from memory, seconds from disk.
2. first_page_tie_broken: a first page sorted by a column (articles by published_at) is
   ordered by that column alone, the next pages (`?_next=`) by the column and the primary
   key. Rows sharing a value (articles published the same day, dates without a time) then
   come back in one order on the first page and in another after it: some twice, some
   never, in a page or in a streamed CSV. The first page gets the primary key as
   tie-breaker too.
3. later_page_in_index_order: a page after the first of a table sorted descending by a
   column that may be NULL is selected with `(published_at < :p1 or published_at is null
   or (published_at = :p1 and id > :p0))`. SQLite answers that OR from three index
   searches whose union it then sorts: every row after the cursor, a million for the second
   page of the articles table, which runs into the time limit. Written `+published_at is
   null` (the same value: unary plus is a no-op) the middle branch cannot use an index, so
   SQLite reads the sort index in order (skipping the entries before the cursor) and stops
   after a page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from datasette import hookimpl
from datasette import version as installed
from datasette.utils import escape_sqlite

WRITTEN_FOR = "0.65"  # the major.minor version whose table-page SQL these patterns match
log = logging.getLogger("datasette_plugins.table_sql")

NAME = r"\[[^\]]+\]|\w+"  # a column or table as Datasette's escape_sqlite writes it
EQUALITY = re.compile(r'"(\w+)" = :p\d+')  # Datasette's exact filter on a plain column name
COUNT = re.compile(
    rf'^select count\(\*\) from (?P<table>{NAME}) where (?P<where>"\w+" = :p\d+'
    rf'(?: and "\w+" = :p\d+)*)\s*$'
)
# A table page's query sorted by one column (the next pages' "order by C desc, PK" has a
# comma and is left alone).
SORTED_PAGE = re.compile(
    rf"^(?P<head>select .+ from (?P<table>{NAME}) (?:where .+ )?order by (?:{NAME})(?: desc)?)"
    r"(?P<tail> limit \d+)$",
    re.DOTALL,
)
DESCENDING_CURSOR = re.compile(
    rf"\((?P<column>{NAME}) < :p(?P<p>\d+) or (?P=column) is null "
    r"or \((?P=column) = :p(?P=p) and "
)


async def summed_count(database: Any, sql: str) -> str:
    """A table page's count of rows matching equalities on counted columns, as a sum over
    the companion table; any other SQL unchanged."""
    match = COUNT.match(sql)
    if match is None:
        return sql
    table = match["table"].strip("[]")
    counts = f"{table}_facet_counts"
    if not await database.table_exists(counts):
        return sql
    counted = set(await database.table_columns(counts)) & set(await database.table_columns(table))
    if not set(EQUALITY.findall(match["where"])) <= counted:
        return sql
    return f"select coalesce(sum(n), 0) from {escape_sqlite(counts)} where {match['where']}"


def with_tie_breaker(sql: str, keys: list[str]) -> str:
    """A first page sorted by one column, ordered by the primary key (or rowid) within ties,
    as Datasette orders the pages after it."""
    page = SORTED_PAGE.match(sql)
    if page is None:
        return sql
    tie_breaker = ", ".join(escape_sqlite(key) for key in keys) or "rowid"
    return f"{page['head']}, {tie_breaker}{page['tail']}"


async def first_page_tie_broken(database: Any, sql: str) -> str:
    page = SORTED_PAGE.match(sql)
    if page is None:
        return sql
    table = page["table"].strip("[]")
    if not await database.table_exists(table):
        return sql  # a view: no primary key to break ties with
    return with_tie_breaker(sql, await database.primary_keys(table))


def in_index_order(sql: str) -> str:
    return DESCENDING_CURSOR.sub(
        lambda m: (
            f"({m['column']} < :p{m['p']} or +{m['column']} is null "
            f"or ({m['column']} = :p{m['p']} and "
        ),
        sql,
    )


async def later_page_in_index_order(database: Any, sql: str) -> str:
    return in_index_order(sql)


Rewrite = Callable[[Any, str], Awaitable[str]]
REWRITES: tuple[Rewrite, ...] = (summed_count, first_page_tie_broken, later_page_in_index_order)


async def rewritten(database: Any, sql: str) -> str:
    for rewrite in REWRITES:
        sql = await rewrite(database, sql)
    return sql


def rewriting(database: Any) -> Callable[..., Awaitable[Any]]:
    execute = database.execute

    async def execute_rewritten(sql: str, *args: Any, **kwargs: Any) -> Any:
        return await execute(await rewritten(database, sql), *args, **kwargs)

    return execute_rewritten


def written_for(version: str) -> bool:
    return version.split(".")[:2] == WRITTEN_FOR.split(".")


@hookimpl
def startup(datasette: Any) -> None:  # once a Datasette (invoke_startup runs hooks once)
    version = installed.__version__
    if not written_for(version):
        log.warning(
            "table_sql was written for Datasette %s.x, this is Datasette %s: its SQL is left "
            "as it is. Table pages work, slower (counts from the rows, later pages sorted "
            "after their cursor), and rows tied on the sort column may come twice or never "
            "across pages. Check datasette_plugins/table_sql.py's patterns against this "
            "version's views/table.py, then update WRITTEN_FOR.",
            WRITTEN_FOR,
            version,
        )
        return
    for database in datasette.databases.values():
        database.execute = rewriting(database)
