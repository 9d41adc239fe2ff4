"""Datasette plugin: a search typed into the articles (or notices) table page goes to the
"search" ("search_notices") query.

The table page's own `_search` collects, counts and facets every match: for a word in most
of a million articles that takes seconds and ends at the SQL time limit. The canned queries
read the full-text index newest first and stop at 50 hits. A plain search (the search box,
nothing else asked of the page) is sent there; a search combined with filters, facets or a
format other than HTML stays on the table page. A blank `_search` (an empty search box) is
no search: it is dropped before Datasette, which would match the empty text.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode

from datasette import hookimpl

from archive.site import served_database

Scope = MutableMapping[str, Any]
App = Callable[[Scope, Any, Any], Awaitable[None]]
SEARCH_QUERIES = {"articles": "search", "notices": "search_notices"}  # table: its query
SEARCH_ALL = "/-/search"  # datasette-search-all's page
PLAIN = frozenset({"_search", "_sort", "_sort_desc"})
HITS = 50  # what each of those queries returns at most
# The "search all tables" page reads documents through their query too: a document's hit is
# a snippet of its text, not the whole text. A documents table search stays on the table.
SEARCH_ALL_QUERIES = {**SEARCH_QUERIES, "documents": "search_documents"}


def paths(queries: dict[str, str], database: str) -> dict[str, str]:
    """Each table's path and its query's, in `database`."""
    return {f"/{database}/{table}": f"/{database}/{query}" for table, query in queries.items()}


def search_target(scope: Scope, database: str | None) -> str | None:
    """Where a plain search of a table should go, or None to leave the request alone. The
    home page's search box names its words `term` (the queries' parameter); sent to "search
    all tables", they become its `q`."""
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return None
    params = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), True))
    if scope.get("path") == SEARCH_ALL and "term" in params and "q" not in params:
        return f"{SEARCH_ALL}?" + urlencode({"q": params["term"]})
    query = paths(SEARCH_QUERIES, database).get(scope.get("path", "")) if database else None
    if query is None:
        return None
    term = params.get("_search", "").strip()
    if not term or set(params) - PLAIN:
        return None
    return f"{query}?" + urlencode({"term": term})


def without_blank_searches(scope: Scope) -> Scope:
    """The request without its blank `_search` and `_search_COLUMN` arguments."""
    query = scope.get("query_string", b"").decode("latin-1")
    kept = [part for part in query.split("&") if not blank_search(part)]
    if len(kept) == len(query.split("&")):
        return scope
    return {**scope, "query_string": "&".join(kept).encode("latin-1")}


def blank_search(part: str) -> bool:
    name, _, value = part.partition("=")
    searching = name.startswith("_search") and name != "_searchmode"
    return searching and not unquote_plus(value).strip()


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> dict[str, str]:
    """The queries of the "search all tables" page (templates/search_all.html)."""
    if template != "search_all.html":
        return {}
    database = served_database(datasette)
    found = paths(SEARCH_ALL_QUERIES, database) if database else {}
    queries = {table: {"url": query, "limit": HITS} for table, query in found.items()}
    return {"search_queries_json": json.dumps(queries)}


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[App], App]:
    database = served_database(datasette)

    def wrap(app: App) -> App:
        async def redirecting_app(scope: Scope, receive: Any, send: Any) -> None:
            scope = without_blank_searches(scope) if scope.get("type") == "http" else scope
            target = search_target(scope, database)
            if target is None:
                await app(scope, receive, send)
                return
            headers = [(b"location", target.encode("latin-1")), (b"content-length", b"0")]
            await send({"type": "http.response.start", "status": 302, "headers": headers})
            await send({"type": "http.response.body", "body": b""})

        return redirecting_app

    return wrap
