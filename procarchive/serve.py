"""Datasette over the archive, on 127.0.0.1 with metadata.yml."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
PLUGINS = ROOT / "datasette_plugins"


def datasette_command(db_path: str | Path, port: int = 8001, host: str = "127.0.0.1") -> list[str]:
    return [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--metadata", str(METADATA), "--plugins-dir", str(PLUGINS), "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", "3000",
        "--setting", "facet_time_limit_ms", "1000",
        "--setting", "suggest_facets", "off",
    ]  # fmt: skip


def serve(db_path: str | Path, port: int = 8001, host: str = "127.0.0.1") -> None:
    """Replace this process with Datasette (Ctrl-C stops it)."""
    command = datasette_command(db_path, port, host)
    print(f"Serving {db_path} at http://{host}:{port}/", flush=True)
    os.execv(command[0], command)
