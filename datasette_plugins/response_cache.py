"""Datasette plugin: pages of an immutable database (`procarchive serve --public`,
`publish`) are computed once and served from memory.

An immutable database cannot change while served, so a page's bytes depend on its URL and
on the origin its absolute links are written with (Datasette takes the scheme and Host of
the request: sitemap.xml, robots.txt, Atom feeds, the Link headers of every page). Counting
facets over a million articles costs about 150 ms of CPU; under a load of concurrent
readers that queues into seconds, while the same page from memory costs nothing. Streamed
CSV, large responses and anything but a successful GET are never kept; the cache is
bounded in entries and bytes (least recently used out first). Requests for a page that is
being computed wait for it (the 8 readers that asked for an uncached chart at once each
computed it, 1 s each).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_ENTRIES = 512
MAX_BYTES = 128 * 1024 * 1024
MAX_RESPONSE_BYTES = 2 * 1024 * 1024


class ResponseCache:
    def __init__(self) -> None:
        self.entries: OrderedDict[str, list[Message]] = OrderedDict()
        self.sizes: dict[str, int] = {}
        self.size = 0

    def get(self, key: str) -> list[Message] | None:
        messages = self.entries.get(key)
        if messages is not None:
            self.entries.move_to_end(key)
        return messages

    def put(self, key: str, messages: list[Message], size: int) -> None:
        self.entries[key] = messages
        self.sizes[key] = size
        self.size += size
        while len(self.entries) > MAX_ENTRIES or self.size > MAX_BYTES:
            old, _ = self.entries.popitem(last=False)
            self.size -= self.sizes.pop(old)


def cacheable(scope: Scope, datasette: Any) -> str | None:
    """The cache key of a request whose response can be kept, or None."""
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return None
    path: str = scope.get("path", "")
    query = scope.get("query_string", b"").decode("latin-1")
    if path.endswith(".csv") or "_stream" in query or path.startswith("/-/"):
        return None
    names = [name for name in datasette.databases if name != "_internal"]
    if not names or any(datasette.databases[name].is_mutable for name in names):
        return None
    request = Request(scope, None)  # its scheme and host are those absolute_url() writes
    return f"{request.scheme}://{request.host}{path}?{query}"


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[App], App]:
    cache = ResponseCache()
    computing: dict[str, asyncio.Event] = {}  # pages being computed, by key

    def wrap(app: App) -> App:
        async def cached_app(scope: Scope, receive: Receive, send: Send) -> None:
            key = cacheable(scope, datasette)
            if key is None:
                await app(scope, receive, send)
                return
            hit = cache.get(key)
            waited = hit is None and key in computing
            if waited:
                # The same page asked for while it is computed (a crowd's first readers of
                # a chart): its answer is waited for, not computed again by each.
                await computing[key].wait()
                hit = cache.get(key)
            if hit is not None:
                for message in hit:
                    await send(message)
                return
            if waited or key in computing:  # an answer not kept (an error): not queued for
                await keep_response(app, scope, receive, send, key)
                return
            computing[key] = done = asyncio.Event()
            try:
                await keep_response(app, scope, receive, send, key)
            finally:
                del computing[key]
                done.set()

        async def keep_response(
            app: App, scope: Scope, receive: Receive, send: Send, key: str
        ) -> None:
            kept: list[Message] = []
            size = 0

            async def keep(message: Message) -> None:
                nonlocal size
                if size <= MAX_RESPONSE_BYTES:
                    kept.append(dict(message))
                    size += len(message.get("body", b""))
                await send(message)

            await app(scope, receive, keep)
            start = kept[0] if kept else {}
            complete = kept and not kept[-1].get("more_body", False)
            if start.get("status") == 200 and complete and size <= MAX_RESPONSE_BYTES:
                cache.put(key, kept, size)

        return cached_app

    return wrap
