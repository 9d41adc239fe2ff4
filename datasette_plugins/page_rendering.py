"""Datasette plugin: pages rendered synchronously, to the bytes Datasette's async rendering
gives.

Datasette renders pages with Jinja in async mode, where each piece of output passes through
an async generator at every level of inheritance and inclusion (six for the articles page):
a filtered articles page is some 2,400 pieces, each resumed six times. Rendered
synchronously it takes 6.1-7.4 ms instead of 7.0-9.2 (pages of a million articles, the two
ways in turn in one process). What a page's templates call asynchronously is only the
context's own coroutine functions: `render_async` awaits those without arguments first
(Datasette's `menu_links`, `table_actions`, `database_actions`), runs those with arguments
(`crumb_items`) to completion when called, and renders the template with a synchronous
overlay of the same environment (its loader, filters and globals). A page whose call would
wait, or whose context holds an awaitable, renders as Datasette's own does.

The table's cells, 540 of them on an articles page, are written by one filter (`cells_html`,
in templates/_table.html) where the template spent some 10 µs on each.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from datasette import hookimpl
from datasette.utils import to_css_class
from jinja2 import Environment, Template
from markupsafe import Markup, escape

from archive.site import serves_only_immutable

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


class Suspended(Exception):
    """A coroutine function called by a template waited on something: the page renders
    as Datasette renders it."""


def run_to_completion(function: Any) -> Any:
    """`function`, a coroutine function, as a plain one for calls that complete without
    waiting on anything (Datasette's `crumb_items`: permission checks that read no
    database); a call that waits raises Suspended."""

    def call(*args: Any, **kwargs: Any) -> Any:
        coroutine = function(*args, **kwargs)
        try:
            coroutine.send(None)
        except StopIteration as done:
            return done.value
        coroutine.close()
        raise Suspended(function)

    return call


def takes_arguments(function: Any) -> bool:
    """Whether `function` may be called with arguments (*args and **kwargs count)."""
    return any(p.default is p.empty for p in inspect.signature(function).parameters.values())


async def synchronous_context(context: dict[str, Any]) -> dict[str, Any] | None:
    """The context with its coroutine functions as plain ones: those without arguments
    (`menu_links`, `table_actions`, ...) awaited here, their result returned by the plain
    one. None where the context holds an awaitable itself."""
    plain = {}
    for name, value in context.items():
        if inspect.isawaitable(value):
            return None
        if not inspect.iscoroutinefunction(value):
            plain[name] = value
        elif takes_arguments(value):
            plain[name] = run_to_completion(value)
        else:
            plain[name] = (lambda result: lambda: result)(await value())
    return plain


def once(function: Any) -> Any:
    """`function` called at its first call only, its answer given at each."""
    answers: list[Any] = []

    def answer(*args: Any, **kwargs: Any) -> Any:
        if not answers:
            answers.append(function(*args, **kwargs))
        return answers[0]

    return answer


class SynchronousTemplate(Template):
    """A template of the async environment that renders through its synchronous overlay."""

    async def render_async(self, *args: Any, **kwargs: Any) -> str:
        context = dict(*args, **kwargs)
        if callable(shown := context.get("show_messages")):
            # Datasette's messages are taken off the request when shown: a page that starts
            # synchronously and renders again async shows them both times.
            context["show_messages"] = once(shown)
        synchronous: Environment | None = getattr(self.environment, "synchronous", None)
        if synchronous is not None and self.name is not None:
            plain = await synchronous_context(context)
            if plain is not None:
                try:
                    return synchronous.get_template(self.name).render(plain)
                except Suspended:
                    pass
        return await super().render_async(context)


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    # Serving only immutable databases (the public site), the template files are not
    # looked at again: Jinja would stat each of a page's seven on every page.
    env.synchronous = env.overlay(
        enable_async=False,
        cache_size=CACHED_TEMPLATES,
        auto_reload=not serves_only_immutable(datasette),
    )
    env.synchronous.template_class = Template
    env.template_class = SynchronousTemplate
    env.filters["cells_html"] = cells_html
