"""What the benchmarks share: a generated sample site in its own process, and one crawl."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def generated_site(articles: int) -> Iterator[str]:
    """Serve `articles` generated agency articles from another process; yields the base URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "samples", "--generated", str(articles)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        yield json.loads(server.stdout.readline())["lkpp"]
    finally:
        server.terminate()
        server.wait()


def one_crawl(mode: str, base: str, db: Path) -> dict[str, Any]:
    """Run benchmarks.one_crawl in its own process (a reactor starts once) and read its figures."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.one_crawl", mode, base, str(db)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result
