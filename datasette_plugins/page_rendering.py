"""Datasette plugin: the rows table and the facet lists of a page rendered at once, to the
bytes Datasette's own templates (_table.html, _facet_results.html) give.

Datasette renders pages with Jinja in async mode, where each piece of output passes through
an async generator at every level of inheritance and inclusion (six for the articles
page): 20 articles of 27 columns are some 6,000 pieces, about half of a filtered page's
time. The two templates call nothing asynchronous, so a synchronous overlay of the same
environment (its loader, filters and globals) renders them in one piece
(`rendered_synchronously`, which templates/_table.html and _facet_results.html call), and
the table's cells, 540 of them, are written by one filter (`cells_html`, in
templates/_rows_and_columns.html) where the template spent some 10 µs on each.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from datasette import hookimpl
from datasette.utils import to_css_class
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

CACHED_TEMPLATES = 50  # its own cache: templates compiled for async cannot run synchronously
# What Datasette's _table.html writes for each cell, whitespace and all.
CELL = '\n                    <td class="col-{column} type-{value_type}">{value}</td>\n                '


@lru_cache(maxsize=4096)
def css_class(column: str) -> str:
    return str(escape(to_css_class(column)))


def cells_html(cells: Iterable[dict[str, Any]]) -> Markup:
    """One row's cells as `{% for cell in row %}<td ...>{{ cell.value }}</td>{% endfor %}`
    writes them (autoescaped)."""
    return Markup(
        "".join(
            CELL.format(
                column=css_class(cell["column"]),
                value_type=escape(cell["value_type"]),
                value=escape(cell["value"]),
            )
            for cell in cells
        )
    )


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    synchronous = env.overlay(enable_async=False, cache_size=CACHED_TEMPLATES)

    @pass_context
    def rendered_synchronously(context: Context, name: str) -> Markup:
        return Markup(synchronous.get_template(name).render(context.get_all()))

    env.globals["rendered_synchronously"] = rendered_synchronously
    env.filters["cells_html"] = cells_html
