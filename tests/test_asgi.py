"""The served app (procarchive/asgi.py): a process starts Datasette and renders an articles
page on uvicorn's lifespan startup, before it accepts a connection, then serves as before."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import httpx

from procarchive.asgi import GEN0_THRESHOLD, warmed_up
from procarchive.serve import build_datasette
from tests.test_metadata import build_archive


def test_a_process_is_warmed_up_before_it_accepts_connections(tmp_path: Path) -> None:
    datasette = build_datasette(build_archive(tmp_path / "archive.db"), public=True)
    app = warmed_up(datasette)
    lifespan = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return lifespan.pop(0)

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "lifespan.startup.complete":
            # What was ready when the process said it was.
            # Pages render with the synchronous overlay (datasette_plugins/page_rendering.py).
            env = datasette.jinja_env
            caches = [*env.cache.values(), *env.synchronous.cache.values()]
            compiled = {template.name for template in caches}
            sent.append({**message, "compiled": compiled, "started": datasette._startup_invoked,
                         "frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()})  # fmt: skip
        else:
            sent.append(dict(message))

    async def run() -> int:
        await app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            return (await http.get("/archive/articles?kind=mou")).status_code

    threshold = gc.get_threshold()
    try:
        assert asyncio.run(run()) == 200
    finally:  # this process's collector as it was
        gc.unfreeze()
        gc.set_threshold(*threshold)
    startup, shutdown = sent
    assert startup["type"] == "lifespan.startup.complete" and startup["started"]
    assert {"table-archive-articles.html", "table.html", "_table.html"} <= startup["compiled"]
    assert shutdown["type"] == "lifespan.shutdown.complete"
    # What it holds once started is left out of the collections, which run less often.
    assert startup["frozen"] > 10_000 and startup["threshold"][0] == GEN0_THRESHOLD
