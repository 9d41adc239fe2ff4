"""The archive's Datasette served by uvicorn, in one process or several.

`procarchive serve` runs `python -m procarchive.asgi DB --workers N ...`: uvicorn's
processes each call `create_app`, which builds `procarchive.serve.build_datasette`'s
Datasette (the one configuration of it) from the options `main` put in the environment,
with one DATASETTE_SECRET for all (a cookie or CSRF token one signs, the others accept).
One Python process renders pages on one core at a time; a page of a million-article
archive costs some 50 ms of Python, so a second core nearly doubles the pages served a
second. Datasette's startup hooks run on a process's first request, and each process keeps
its own page cache.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
from typing import Any

SERVE_OPTIONS = "PROCARCHIVE_SERVE"  # the environment variable create_app reads


def create_app() -> Any:
    from procarchive.serve import build_datasette

    if SERVE_OPTIONS not in os.environ:
        raise RuntimeError(f"{SERVE_OPTIONS} is not set: start this with `procarchive serve`")
    options = json.loads(os.environ[SERVE_OPTIONS])
    return build_datasette(options["db_path"], public=options["public"]).app()


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
