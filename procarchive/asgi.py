"""The archive's Datasette as an ASGI application, for serving it from several processes.

`procarchive serve --workers N` runs `uvicorn --factory procarchive.asgi:create_app
--workers N`: each worker builds the same Datasette as `datasette serve` would (database,
metadata, plugins, templates, settings), from the options `serving_environment` put in the
environment, with one DATASETTE_SECRET for all. One Python process renders pages on one
core at a time; a page of a million-article archive costs some 50 ms of Python, so a second
core nearly doubles the pages served a second. Unlike `datasette serve`, the workers run
Datasette's startup hooks on their first request, and each keeps its own page cache.
"""

from __future__ import annotations

import json
import os
from typing import Any

from procarchive.serve import SERVE_OPTIONS, build_datasette


def create_app() -> Any:
    if SERVE_OPTIONS not in os.environ:
        raise RuntimeError(
            f"{SERVE_OPTIONS} is not set: start this with `procarchive serve --workers N`"
        )
    options = json.loads(os.environ[SERVE_OPTIONS])
    return build_datasette(options["db_path"], public=options["public"]).app()
