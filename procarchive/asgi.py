"""The archive's Datasette served by uvicorn, in one process or several.

`procarchive serve` runs `python -m procarchive.asgi DB --workers N ...`: uvicorn's
processes each call `create_app`, which builds `procarchive.serve.build_datasette`'s
Datasette (the one configuration of it) from the options `main` put in the environment,
with one DATASETTE_SECRET for all (a cookie or CSRF token one signs, the others accept).
One Python process renders pages on one core at a time; a filtered page of a
million-article archive costs some 15 ms of Python, so a second core nearly doubles the
pages served a second. Each process keeps its own page cache. Before a process accepts its
first connection (uvicorn's lifespan startup) it runs Datasette's startup hooks and renders
one articles page (`warmed_up`): compiling the templates and reading the schema cost that
first page some 200 ms, which a crowd's requests would otherwise queue behind in each
process.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

SERVE_OPTIONS = "PROCARCHIVE_SERVE"  # the environment variable create_app reads
WARM_UP_TABLE = "articles"  # the table page a crowd asks for in most variants

Message = MutableMapping[str, Any]
App = Callable[
    [Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]


def create_app() -> Any:
    from procarchive.serve import build_datasette

    if SERVE_OPTIONS not in os.environ:
        raise RuntimeError(f"{SERVE_OPTIONS} is not set: start this with `procarchive serve`")
    options = json.loads(os.environ[SERVE_OPTIONS])
    return warmed_up(build_datasette(options["db_path"], public=options["public"]))


def warmed_up(datasette: Any) -> App:
    """Datasette's app, which on the lifespan startup first starts Datasette and renders one
    page of WARM_UP_TABLE (a small one, so no large page is computed for nobody)."""
    app = datasette.app()

    async def warm_up() -> None:
        await datasette.invoke_startup()
        for database in [name for name in datasette.databases if name != "_internal"][:1]:
            await datasette.client.get(datasette.urls.table(database, WARM_UP_TABLE) + "?_size=1")

    async def serve(scope: Message, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def after_warm_up() -> Message:
            message: Message = await receive()
            if message["type"] == "lifespan.startup":
                await warm_up()
            return message

        await app(scope, after_warm_up, send)

    return serve


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m procarchive.asgi")
    parser.add_argument("db_path")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--public", action="store_true")
    args = parser.parse_args(argv)
    os.environ[SERVE_OPTIONS] = json.dumps({"db_path": args.db_path, "public": args.public})
    os.environ.setdefault("DATASETTE_SECRET", secrets.token_hex(32))  # the workers inherit it
    uvicorn.run(
        "procarchive.asgi:create_app", factory=True, host=args.host, port=args.port,
        workers=args.workers, access_log=False, timeout_graceful_shutdown=5,
    )  # fmt: skip


if __name__ == "__main__":
    main()
