"""Datasette plugin: a search typed into the articles table page goes to the "search" query.

The table page's own `_search` collects, counts and facets every match: for a word in most
of a million articles that takes seconds and ends at the SQL time limit. The "search"
canned query reads the full-text index newest first and stops at 50 hits. A plain search
(the search box, nothing else asked of the page) is sent there; a search combined with
filters, facets or a format other than HTML stays on the table page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

Scope = MutableMapping[str, Any]
App = Callable[[Scope, Any, Any], Awaitable[None]]
TABLE = "/archive/articles"
PLAIN = frozenset({"_search", "_sort", "_sort_desc"})


def search_target(scope: Scope) -> str | None:
    """Where a plain article search should go, or None to leave the request alone."""
    if scope.get("type") != "http" or scope.get("method") != "GET" or scope.get("path") != TABLE:
        return None
    params = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    term = params.get("_search", "").strip()
    if not term or set(params) - PLAIN:
        return None
    return "/archive/search?" + urlencode({"term": term})


@hookimpl
def asgi_wrapper() -> Callable[[App], App]:
    def wrap(app: App) -> App:
        async def redirecting_app(scope: Scope, receive: Any, send: Any) -> None:
            target = search_target(scope)
            if target is None:
                await app(scope, receive, send)
                return
            headers = [(b"location", target.encode("latin-1")), (b"content-length", b"0")]
            await send({"type": "http.response.start", "status": 302, "headers": headers})
            await send({"type": "http.response.body", "body": b""})

        return redirecting_app

    return wrap
