"""The archive's Datasette served by uvicorn, in one process or several.

`procarchive serve` runs `python -m procarchive.asgi DB --workers N ...`: uvicorn's
processes each call `create_app`, which builds `procarchive.serve.build_datasette`'s
Datasette (the one configuration of it) from the options `main` put in the environment,
with one DATASETTE_SECRET for all (a cookie or CSRF token one signs, the others accept).
One Python process renders pages on one core at a time; a filtered page of a
million-article archive costs some 15 ms of Python, so a second core nearly doubles the
pages served a second. Each process keeps its own page cache. Before a process accepts its
first connection (uvicorn's lifespan startup) it runs Datasette's startup hooks, opens a
connection in each query thread and renders an articles page and a filtered one
(`warmed_up`): compiling the templates and reading the schema cost the first page some
200 ms, and the first eight pages of a crowd took 130-180 ms each with only the first page
rendered, which a crowd's requests would otherwise queue behind in each process. Then it collects less often (`collect_less`): a page makes some 1,300 objects that
outlive a moment, so Python's default threshold (700) ran two collections a page, and a
full one every hundred pages walked every object of Datasette, Jinja and the caches (45 ms
once, 1.3 ms a page in all). Frozen after the warm-up, those are no longer walked, and with
a threshold of GEN0_THRESHOLD a collection runs every few pages.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import secrets
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

SERVE_OPTIONS = "PROCARCHIVE_SERVE"  # the environment variable create_app reads
WARM_UP_TABLE = "articles"  # the table page a crowd asks for in most variants
# A page of one row, and a filtered page (of none): what a filter adds is ready too.
WARM_UP_QUERIES = ("?_size=1", "?year=0&_size=1")
GEN0_THRESHOLD = 10_000

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
        served = [name for name in datasette.databases if name != "_internal"]
        for name in served:
            await open_connections(datasette, datasette.databases[name])
        for name in served[:1]:
            for query in WARM_UP_QUERIES:
                await datasette.client.get(datasette.urls.table(name, WARM_UP_TABLE) + query)
        collect_less()

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


async def open_connections(datasette: Any, database: Any) -> None:
    """A connection to `database` opened in each of Datasette's query threads (each opens
    its own at its first query, and reads the schema then)."""
    threads = datasette.setting("num_sql_threads")
    if threads < 2:
        await database.execute_fn(read_schema)
        return
    # Each waits for the others: the queries are run by as many threads at once.
    together = threading.Barrier(threads, timeout=5)

    def opened(conn: Any) -> None:
        read_schema(conn)
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait()

    await asyncio.gather(*(database.execute_fn(opened) for _ in range(threads)))


def read_schema(conn: Any) -> None:
    conn.execute("select count(*) from sqlite_master").fetchone()


def collect_less() -> None:
    """What the process holds once it has started is kept out of later garbage collections
    (collected first, so that no garbage is kept with it), which run less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GEN0_THRESHOLD, *gc.get_threshold()[1:])


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
