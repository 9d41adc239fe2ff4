"""Datasette plugin: a table's `allow` blocks read from the metadata once, not on every
permission check.

Datasette 0.65.5 finds them (`Datasette._table_permission_allows`, behind every view-table
check) by deep-copying the whole metadata, every table's and column's description
included, on each call: nine times for a filtered articles page (the page, its links and
datasette-search-all's search box), some 4 ms of a 30 ms page. The answer depends on the
metadata alone, which is read from metadata.yml when the site starts; it is kept for each
table while the metadata is the same object and no plugin supplies metadata of its own
(the get_metadata hook, whose answers may change). On a Datasette without the method,
nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from datasette import hookimpl
from datasette.plugins import pm

MAX_TABLES = 4096  # the tables asked about (a crawler may ask about any name)


Allows = Callable[[str, str], list[Any]]


def remembered_allows(datasette: Any, allows: Allows) -> Allows:
    """`allows` (Datasette's own) answered once for each table while the metadata stays."""
    kept: dict[tuple[str, str], list[Any]] = {}
    read_from: list[Any] = [datasette._metadata_local]

    def table_permission_allows(database: str, table: str) -> list[Any]:
        if datasette._metadata_local is not read_from[0]:
            kept.clear()
            read_from[0] = datasette._metadata_local
        key = (database, table)
        if key not in kept:
            if len(kept) >= MAX_TABLES:
                kept.clear()
            kept[key] = allows(database, table)
        return list(kept[key])

    return table_permission_allows


@hookimpl
def startup(datasette: Any) -> None:
    if not hasattr(datasette, "_table_permission_allows"):
        return
    if pm.hook.get_metadata.get_hookimpls():
        return  # metadata a plugin supplies may change between calls
    datasette._table_permission_allows = remembered_allows(
        datasette, datasette._table_permission_allows
    )
