"""Datasette plugin (loaded with --plugins-dir): archive ids in query results become links,
so a researcher goes from "what changed" to an article, and from there to its history."""

from __future__ import annotations

import re
from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

ARTICLE_ID = re.compile(r"^[0-9a-f]{16}$")


@hookimpl
def render_cell(
    value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | None:
    if table is not None or not isinstance(value, str) or not ARTICLE_ID.match(value):
        return None  # table pages link their own keys
    if column == "article":
        return Markup(
            f'<a href="{datasette.urls.row(database, "articles", value)}">{escape(value)}</a>'
        )
    if column == "history":
        path = datasette.urls.database(database) + "/article_history?id=" + value
        return Markup(f'<a href="{escape(path)}">versions</a>')
    return None


# The cells it renders: datasette_plugins/cell_display.py calls it for those alone.
render_cell.renders = lambda table, column: table is None and column in ("article", "history")
