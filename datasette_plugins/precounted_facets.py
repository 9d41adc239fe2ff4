"""Datasette plugin: facets summed from a table's precomputed counts.

A table T whose companion table T_facet_counts holds the number of rows (`n`) for each
combination of some of its columns (kept by triggers: archive/migrations.py) can list them
as `{precounted: column}` facets in metadata. While a page's only filters are equalities on
the companion's columns, each facet is a sum over at most some tens of thousands of
companion rows, however many rows match (a million articles' facets otherwise cost about
100 ms each). With any other filter or a search, the facet is counted from the rows, as
Datasette's column facets are (on a later page that is the rows after the page's cursor,
as Datasette counts them). The results look like column facets' either way.

A facet class (Datasette's register_facet_classes hook). The page's row count is summed
from the same companion table by table_sql.py: Datasette 0.65 has no hook for it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.utils import (
    escape_sqlite,
    path_with_added_args,
    path_with_removed_args,
    sqlite_timelimit,
)

# Arguments that change how a page looks, not which rows it counts. A later page (`_next`)
# shows the counts of the whole selection, as its first page did (Datasette's own facets
# count only the rows after the page's cursor there).
PRESENTATION_ARGS = {
    "_col", "_dl", "_extra", "_header", "_json", "_labels", "_next", "_nl", "_nocol",
    "_nocount", "_nofacet", "_nolabels", "_nosuggest", "_shape", "_size", "_sort",
    "_sort_desc", "_stream", "_timelimit", "_trace", "_ttl",
}  # fmt: skip


class PrecountedFacet(ColumnFacet):
    type = "precounted"

    async def suggest(self) -> list[dict[str, Any]]:
        return []  # Datasette's column facets suggest columns; these are configured ones

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        if not self.get_configs():
            return [], []
        filters = await self.precounted_filters()
        if filters is None:
            results, timed_out = await super().facet_results()
        else:
            results, timed_out = await self.summed(filters), []
        for result in results:
            result["type"] = ColumnFacet.type
        return results, timed_out

    def columns(self) -> list[str]:
        return [
            config["config"].get("column") or config["config"]["simple"]
            for config in self.get_configs()
        ]

    async def precounted_filters(self) -> dict[str, str] | None:
        """The page's filters when all are equalities the companion table can sum, else None."""
        if not self.table:
            return None
        database = self.ds.get_database(self.database)
        counts = f"{self.table}_facet_counts"
        if not await database.table_exists(counts):
            return None
        # Columns of both (the companion may count expressions too, such as a month).
        counted = set(await database.table_columns(counts)) & set(
            await database.table_columns(self.table)
        )
        if not set(self.columns()) <= counted:
            return None
        filters = {}
        for key in self.request.args:
            values = self.request.args.getlist(key)
            if key in counted and len(values) == 1:
                filters[key] = values[0]
            elif key not in PRESENTATION_ARGS and not key.startswith("_facet"):
                return None
        return filters

    async def summed(self, filters: dict[str, str]) -> list[dict[str, Any]]:
        """Each facet's values and counts, summed over the companion table in one visit to
        a query thread (each visit costs a page some 0.3 ms of handing over)."""
        configs = self.get_configs()
        columns = [
            config["config"].get("column") or config["config"]["simple"] for config in configs
        ]
        size = self.get_facet_size()
        where = "".join(f" and {escape_sqlite(name)} = :{name}" for name in filters)
        statements = [
            f"select {escape_sqlite(column)} as value, sum(n) as count "
            f"from {escape_sqlite(self.table + '_facet_counts')} "
            f"where {escape_sqlite(column)} is not null{where} "
            f"group by value having count > 0 order by count desc, value limit {size + 1}"
            for column in columns
        ]
        limit_ms = self.ds.setting("sql_time_limit_ms")

        def count(conn: sqlite3.Connection) -> list[list[Any]]:
            with sqlite_timelimit(conn, limit_ms):
                try:
                    return [conn.execute(sql, filters).fetchall() for sql in statements]
                except sqlite3.OperationalError as error:
                    if error.args == ("interrupted",):  # as Database.execute says it
                        raise QueryInterrupted(error, statements[0], filters) from error
                    raise

        counted = await self.ds.get_database(self.database).execute_fn(count)
        origin = self.ds.absolute_url(self.request, "/")
        pairs = self.get_querystring_pairs()
        results = []
        for config, column, rows in zip(configs, columns, counted, strict=True):
            shown = rows[:size]
            labels = await self.ds.expand_foreign_keys(
                self.database, self.table, column, [row[0] for row in shown]
            )
            values = []
            for value, number in shown:
                selected = (column, str(value)) in pairs
                if selected:
                    toggle = path_with_removed_args(self.request, {column: str(value)})
                else:
                    toggle = path_with_added_args(self.request, {column: value})
                values.append({
                    "value": value,
                    "label": labels.get((column, value), value),
                    "count": number,
                    "toggle_url": self.absolute(origin, str(self.ds.urls.path(toggle))),
                    "selected": selected,
                })  # fmt: skip
            results.append({
                "name": column,
                "hideable": config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(
                    path_with_removed_args(self.request, {"_facet": column})
                ),
                "results": values,
                "truncated": len(rows) > size,
            })  # fmt: skip
        return results

    def absolute(self, origin: str, path: str) -> str:
        """Datasette's absolute_url of a path (urljoin on the page's URL), written as the
        page's origin and the path where that is what urljoin gives: urljoin of each of a
        page's thirty toggles cost it 0.3 ms."""
        if path.startswith("/") and not path.startswith("//") and "/." not in path.split("?")[0]:
            return origin + path[1:]
        return str(self.ds.absolute_url(self.request, path))


@hookimpl
def register_facet_classes() -> list[type]:
    return [PrecountedFacet]
