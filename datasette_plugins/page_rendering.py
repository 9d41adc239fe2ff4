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
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import to_css_class
from jinja2 import BaseLoader, Environment, Template, TemplateNotFound
from markupsafe import Markup, escape

from archive.site import serves_only_immutable

CACHED_TEMPLATES = 50  # its own cache: templates compiled for async cannot run synchronously
# What Datasette's _table.html writes around each cell, whitespace and all.
CELL_START = '\n                    <td class="col-'
CELL_END = "</td>\n                "


@lru_cache(maxsize=4096)
def css_class(column: str) -> str:
    return str(escape(to_css_class(column)))


@lru_cache(maxsize=64)
def escaped(name: str) -> str:
    return str(escape(name))


def escaped_text(text: str) -> str:
    """markupsafe.escape of a plain str, as a str: no Markup made for each of 540 cells."""
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def html_of(value: Any) -> str:
    """markupsafe.escape of any value, as a str: Markup (links, "&nbsp;") as it is."""
    html = getattr(value, "__html__", None)
    return str(html()) if html is not None else escaped_text(str(value))


def cells_html(cells: Iterable[dict[str, Any]]) -> Markup:
    """One row's cells as `{% for cell in row %}<td ...>{{ cell.value }}</td>{% endfor %}`
    writes them (autoescaped)."""
    parts: list[str] = []
    for cell in cells:
        value = cell["value"]
        parts += [
            CELL_START, css_class(cell["column"]), " type-", escaped(cell["value_type"]), '">',
            escaped_text(value) if type(value) is str else html_of(value), CELL_END,
        ]  # fmt: skip
    return Markup("".join(parts))


def headers_html(
    columns: Iterable[dict[str, Any]],
    request: Any,
    sort: str | None,
    sort_desc: str | None,
    fix_path: Callable[[str], str],
) -> Markup:
    """The table's column headers as Datasette's _table.html writes them, each sortable one
    a link that sorts by it (27 links an articles page, some 20 µs each in the template)."""
    sort_link = sort_links(request)
    parts: list[str] = []
    for column in columns:
        name = column["name"]
        parts.append(
            header_start(
                name, column.get("description"), column["type"], column["notnull"],
                bool(column["is_pk"]),
            )
        )  # fmt: skip
        if not column["sortable"]:
            parts.append(f"\n                            {escape(name)}\n                        ")
        else:
            if name == sort:
                link = escape(fix_path(sort_link("_sort_desc", name)))
                shown = f"{escape(name)}&nbsp;▼"
            else:
                link = escape(fix_path(sort_link("_sort", name)))
                shown = f"{escape(name)}&nbsp;▲" if name == sort_desc else str(escape(name))
            parts.append(
                "\n                            \n                                "
                f'<a href="{link}" rel="nofollow">{shown}</a>'
                "\n                            \n                        "
            )
        parts.append("\n                    </th>\n                ")
    return Markup("".join(parts))


SORTING = frozenset({"_sort", "_sort_desc", "_next"})


def sort_links(request: Any) -> Callable[[str, str], str]:
    """`link(key, column)`: `path_with_replaced_args(request, {key: column, and the other
    of _sort and _sort_desc and _next: None})`, the page's query string read once."""
    kept = [(k, v) for k, v in parse_qsl(request.query_string) if k not in SORTING]
    before = urlencode(kept) + "&" if kept else ""
    return lambda key, column: f"{request.path}?{before}{urlencode([(key, column)])}"


@lru_cache(maxsize=1024)
def header_start(name: str, described: str | None, type: str, notnull: Any, is_pk: bool) -> str:
    """A column header's <th> tag, which its column alone decides."""
    return (
        "\n                    <th "
        + (f'data-column-description="{escape(described)}" ' if described else "")
        + f'class="col-{css_class(name)}" scope="col" data-column="{escape(name)}" '
        f'data-column-type="{escape(type.lower())}" '
        f'data-column-not-null="{escape(notnull)}" '
        f'data-is-pk="{1 if is_pk else 0}">\n                        '
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


# Values of these types are neither awaitable nor functions.
PLAIN_TYPES = (str, int, float, type(None), dict, list, tuple)


def takes_arguments(function: Any) -> bool:
    """Whether `function` may be called with arguments (*args and **kwargs count). Told
    once for each code: a page's context functions are made anew for each page."""
    plain = getattr(function, "__func__", function)
    code = getattr(plain, "__code__", None)
    if code is None or hasattr(function, "__wrapped__"):
        return signature_takes_arguments(function)
    kind = (
        code, len(plain.__defaults__ or ()), tuple(plain.__kwdefaults__ or ()),
        hasattr(function, "__self__"),
    )  # fmt: skip
    if (known := _TAKES_ARGUMENTS.get(kind)) is None:
        if len(_TAKES_ARGUMENTS) > 1000:
            _TAKES_ARGUMENTS.clear()
        known = _TAKES_ARGUMENTS[kind] = signature_takes_arguments(function)
    return known


_TAKES_ARGUMENTS: dict[tuple[Any, ...], bool] = {}


def signature_takes_arguments(function: Any) -> bool:
    return any(p.default is p.empty for p in inspect.signature(function).parameters.values())


async def synchronous_context(context: dict[str, Any]) -> dict[str, Any] | None:
    """The context with its coroutine functions as plain ones: those without arguments
    (`menu_links`, `table_actions`, ...) awaited here, their result returned by the plain
    one. None where the context holds an awaitable itself."""
    plain: dict[str, Any] = {}
    for name, value in context.items():
        if isinstance(value, PLAIN_TYPES):  # most of a context: no need to inspect them
            plain[name] = value
        elif inspect.isawaitable(value):
            return None
        elif not inspect.iscoroutinefunction(value):
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


# What a plain dict has as attributes; anything else Jinja finds as an item.
DICT_ATTRIBUTES = frozenset(dir(dict))


def items_of_dicts_first(environment: Environment) -> Callable[[Any, str], Any]:
    """`environment.getattr` (what `{{ column.name }}` calls), answering for a plain dict
    without first raising the AttributeError that Jinja's own catches (a dict has no other
    attributes than its class's): some 500 lookups a page."""
    getattr_of_jinja = Environment.getattr

    def getattr_(obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return environment.undefined(obj=obj, name=attribute)
        return getattr_of_jinja(environment, obj, attribute)

    return getattr_


class RememberingMisses(BaseLoader):
    """A loader that remembers the names it found no template for (Datasette's pages ask
    for templates of their table, `_table-archive-articles.html`, that a site rarely has):
    Jinja caches the templates it loads, not the ones it did not find, and looks for those
    in every template folder on every page. For a site whose templates do not change."""

    def __init__(self, loader: BaseLoader, most: int = 1000) -> None:
        self.loader, self.most = loader, most
        self.missing: set[str] = set()

    def get_source(self, environment: Environment, template: str) -> Any:
        if template in self.missing:
            raise TemplateNotFound(template)
        try:
            return self.loader.get_source(environment, template)
        except TemplateNotFound:
            if len(self.missing) < self.most:
                self.missing.add(template)
            raise

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    # Serving only immutable databases (the public site), the template files are not
    # looked at again: Jinja would stat each of a page's seven on every page, and look for
    # the ones a site does not have in every folder.
    reload = not serves_only_immutable(datasette)
    if not reload:
        env.auto_reload = False
        env.loader = RememberingMisses(env.loader)
    env.synchronous = env.overlay(
        enable_async=False, cache_size=CACHED_TEMPLATES, auto_reload=reload
    )
    env.synchronous.template_class = Template
    env.synchronous.getattr = items_of_dicts_first(env.synchronous)
    env.template_class = SynchronousTemplate
    env.filters["cells_html"] = cells_html
    env.filters["headers_html"] = headers_html
