"""Datasette plugin: a table page's cells prepared as Datasette 0.65 prepares them, with a
render_cell hook called only for the cells it may render.

Datasette's `display_columns_and_rows` (views/table.py) calls the render_cell hook through
pluggy for every cell: 540 calls on an articles page, 13% of its time, and all of them
answer None (rupiah.py renders amounts, archive_links.py the cells of query results). A
render_cell function may say which cells it renders with a `renders(table, column)`
attribute (table None for a query's results); this module's `display_columns_and_rows`, put in the
table view's place at startup, calls each hook implementation for the columns it may
render (every column, for one that does not say), in pluggy's order, and prepares every
other cell as Datasette does. Pages whose cells it does not prepare itself (expanded
foreign keys, units, a hook wrapper) are Datasette's own. tests/test_cell_display.py
holds the two to the same columns and cells.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import markupsafe
from datasette import hookimpl
from datasette import version as installed
from datasette.plugins import pm
from datasette.utils import (
    await_me_maybe,
    format_bytes,
    is_url,
    path_from_row_pks,
    truncate_url,
)
from datasette.views import table as table_view

WRITTEN_FOR = "0.65"  # the version whose display_columns_and_rows this one prepares as
log = logging.getLogger("datasette_plugins.cell_display")
# Datasette's own, also where another copy of this module (imported by its path, as a
# plugin, and by its name) has put its function in place.
STOCK = getattr(table_view.display_columns_and_rows, "stock", table_view.display_columns_and_rows)
NBSP = markupsafe.Markup("&nbsp;")
Renders = Callable[[str | None, str], bool]


def implementations() -> list[tuple[Callable[..., Any], tuple[str, ...], Renders | None]] | None:
    """The render_cell implementations in the order pluggy calls them, each with its
    argument names and what it renders; None where one is a wrapper (it may change what
    the others answer) or takes keyword arguments."""
    found = []
    for impl in reversed(pm.hook.render_cell.get_hookimpls()):  # pluggy calls the last first
        if impl.hookwrapper or impl.wrapper or impl.kwargnames:
            return None
        found.append((impl.function, tuple(impl.argnames), getattr(impl.function, "renders", None)))
    return found


async def display_columns_and_rows(
    datasette: Any,
    database_name: str,
    table_name: str,
    description: Sequence[Sequence[Any]],
    rows: Sequence[Any],
    link_column: bool = False,
    truncate_cells: int = 0,
    sortable_columns: set[str] | None = None,
) -> tuple[list[dict[str, Any]], list[Any]]:
    """Datasette's function of this name (views/table.py), to the same columns and cells."""
    impls = implementations()
    table_metadata = datasette.table_metadata(database_name, table_name)
    db = datasette.databases[database_name]
    foreign_keys = await db.foreign_keys_for_table(table_name)
    if impls is None or foreign_keys or table_metadata.get("units"):
        return await STOCK(
            datasette, database_name, table_name, description, rows,
            link_column, truncate_cells, sortable_columns,
        )  # fmt: skip
    sortable_columns = sortable_columns or set()
    column_descriptions = table_metadata.get("columns") or {}
    column_details = {col.name: col for col in await db.table_column_details(table_name)}
    pks = await db.primary_keys(table_name)
    pks_for_display = pks or ["rowid"]
    columns = []
    for r in description:
        if r[0] == "rowid" and "rowid" not in column_details:
            type_, notnull = "integer", 0
        else:
            type_, notnull = column_details[r[0]].type, column_details[r[0]].notnull
        columns.append(
            {
                "name": r[0],
                "sortable": r[0] in sortable_columns,
                "is_pk": r[0] in pks_for_display,
                "type": type_,
                "notnull": notnull,
                "description": column_descriptions.get(r[0]),
            }
        )
    # Each shown column with the hook implementations that may render it.
    skipped = pks[0] if link_column and len(pks) == 1 else None
    shown = [
        (index, column["name"], [
            (function, names) for function, names, renders in impls
            if renders is None or renders(table_name, column["name"])
        ])
        for index, column in enumerate(columns) if column["name"] != skipped
    ]  # fmt: skip
    table_path = datasette.urls.table(database_name, table_name)
    cell_rows = []
    for row in rows:
        cells = []
        if link_column:
            pk_path = path_from_row_pks(row, pks, not pks, False)
            quoted = path_from_row_pks(row, pks, not pks)
            cells.append(
                {
                    "column": pks[0] if len(pks) == 1 else "Link",
                    "value_type": "pk",
                    "is_special_link_column": len(pks) != 1,
                    "raw": pk_path,
                    "value": markupsafe.Markup(
                        f'<a href="{table_path}/{quoted}">{markupsafe.escape(pk_path)}</a>'
                    ),
                }
            )
        for index, column, renderers in shown:
            value = row[index]
            display_value = None
            if renderers:
                arguments = {
                    "row": row, "value": value, "column": column, "table": table_name,
                    "database": database_name, "datasette": datasette,
                }  # fmt: skip
                for function, names in renderers:
                    candidate = function(*[arguments[name] for name in names])
                    if candidate is not None:
                        candidate = await await_me_maybe(candidate)
                    if candidate is not None:
                        display_value = candidate
                        break
            if display_value:
                pass
            elif isinstance(value, bytes):
                display_value = blob_link(
                    datasette, database_name, table_name, row, pks, column, value
                )
            elif value in ("", None):
                display_value = NBSP
            elif isinstance(value, str) and (text := value.strip())[:4] == "http" and is_url(text):
                shown_url = markupsafe.escape(truncate_url(text, truncate_cells))
                display_value = markupsafe.Markup(
                    f'<a href="{markupsafe.escape(text)}">{shown_url}</a>'
                )
            else:
                display_value = str(value)
                if truncate_cells and len(display_value) > truncate_cells:
                    display_value = display_value[:truncate_cells] + "\u2026"
            cells.append(
                {
                    "column": column,
                    "value": display_value,
                    "raw": value,
                    "value_type": "none" if value is None else type(value).__name__,
                }
            )
        cell_rows.append(table_view.Row(cells))
    if link_column:
        if len(pks) == 1:
            columns = [col for col in columns if col["name"] != pks[0]]
            first_column = {
                "name": pks[0],
                "sortable": True,
                "is_pk": True,
                "type": column_details[pks[0]].type,
                "notnull": column_details[pks[0]].notnull,
            }
        else:
            first_column = {
                "name": "Link",
                "sortable": False,
                "is_pk": False,
                "type": "",
                "notnull": 0,
            }
        columns = [first_column, *columns]
    return columns, cell_rows


display_columns_and_rows.stock = STOCK  # type: ignore[attr-defined]


def blob_link(
    datasette: Any, database: str, table: str, row: Any, pks: list[str], column: str, value: bytes
) -> markupsafe.Markup:
    formatted = format_bytes(len(value))
    return markupsafe.Markup(
        '<a class="blob-download" href="{}"{}>&lt;Binary:&nbsp;{:,}&nbsp;byte{}&gt;</a>'.format(
            datasette.urls.row_blob(database, table, path_from_row_pks(row, pks, not pks), column),
            f' title="{formatted}"' if "bytes" not in formatted else "",
            len(value),
            "" if len(value) == 1 else "s",
        )
    )


def written_for(version: str) -> bool:
    return version.split(".")[:2] == WRITTEN_FOR.split(".")


@hookimpl
def startup(datasette: Any) -> None:
    if not written_for(installed.__version__):
        log.warning(
            "cell_display was written for Datasette %s, not %s: table pages call every "
            "render_cell hook for every cell, as Datasette does.",
            WRITTEN_FOR,
            installed.__version__,
        )
        table_view.display_columns_and_rows = STOCK
        return
    table_view.display_columns_and_rows = display_columns_and_rows
