"""Datasette plugin: datasette-vega's charts drawn at a readable size, 760 x 360 px of plot
instead of vega-lite's default 200 x 200 (a month axis of ten years in 200 px is unreadable).

datasette-vega 0.6.2 has no setting for the size: it builds its vega-lite spec without one
and embeds it with `{theme:"quartz",tooltip:!0}`. This plugin serves its script with a
`config` added to that call, which vega-embed merges over the theme. It is written for that
version: another version, or a script without that exact call, is served as it is (the
charts are then 200 px high again, and tests/test_charts.py fails to say so).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from datasette import hookimpl

Scope = MutableMapping[str, Any]
App = Callable[[Scope, Any, Any], Awaitable[None]]
WRITTEN_FOR = "0.6.2"
PREFIX = "/-/static-plugins/datasette_vega/"
WIDTH, HEIGHT = 760, 360
EMBED_OPTIONS = '{theme:"quartz",tooltip:!0}'
SIZED_OPTIONS = f'{{theme:"quartz",tooltip:!0,config:{{view:{{width:{WIDTH},height:{HEIGHT}}}}}}}'


@cache
def sized_scripts() -> dict[str, bytes]:
    """datasette-vega's scripts by file name, those that embed a chart with the size added;
    none for a version this was not written for."""
    spec = importlib.util.find_spec("datasette_vega")
    if spec is None or spec.origin is None or version("datasette-vega") != WRITTEN_FOR:
        return {}
    scripts = {}
    for path in (Path(spec.origin).parent / "static").glob("*.js"):
        text = path.read_text(encoding="utf-8")
        if text.count(EMBED_OPTIONS) == 1:
            scripts[path.name] = text.replace(EMBED_OPTIONS, SIZED_OPTIONS).encode("utf-8")
    return scripts


@hookimpl
def asgi_wrapper() -> Callable[[App], App]:
    def wrap(app: App) -> App:
        async def sized_app(scope: Scope, receive: Any, send: Any) -> None:
            path = scope.get("path", "") if scope.get("type") == "http" else ""
            script = sized_scripts().get(path[len(PREFIX) :]) if path.startswith(PREFIX) else None
            if script is None:
                await app(scope, receive, send)
                return
            headers = [
                (b"content-type", b"application/javascript; charset=utf-8"),
                (b"content-length", str(len(script)).encode()),
                (b"cache-control", b"max-age=3600"),
            ]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": script})

        return sized_app

    return wrap
