"""Datasette over the archive, on 127.0.0.1 with metadata.yml, our plugins and templates:
`build_datasette` is its one configuration, which `serve` runs (procarchive.asgi) and the
tests build.

`public=True` is for a deployment others reach: the database opened immutable (read-only,
and Datasette can trust its counts), tight time and row limits, no arbitrary SQL, no
whole-database download.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import yaml
from datasette.app import SETTINGS as DATASETTE_SETTINGS
from datasette.app import Datasette
from datasette.utils import value_as_boolean

from archive.site import database_name

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
PLUGINS = ROOT / "datasette_plugins"
TEMPLATES = ROOT / "templates"

SETTINGS = {
    "sql_time_limit_ms": "3000",
    "facet_time_limit_ms": "1000",
    "suggest_facets": "off",
}
PUBLIC_SETTINGS = {
    "sql_time_limit_ms": "1000",  # a query that takes longer is stopped, the server stays up
    "facet_time_limit_ms": "500",
    "suggest_facets": "off",
    "max_returned_rows": "1000",  # pages and JSON; CSV streams every row with _stream=on
    "allow_csv_stream": "on",
    "max_csv_mb": "0",  # no cap: a streamed export's pages are each time-limited instead
    "allow_download": "off",  # the whole database is not a link for crawlers to follow
    # Canned queries, tables, search and CSV only: no ?sql= nor _where=. One SQLite call (a
    # replace() building a gigabyte) runs to its end past any time limit.
    "default_allow_sql": "off",
    "default_cache_ttl": "300",
    "num_sql_threads": "3",
}


def inspect_path(db_path: str | Path) -> Path:
    return Path(db_path).with_suffix(".inspect.json")


def load_metadata() -> dict[str, Any]:
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


def write_inspect_file(db_path: str | Path) -> Path:
    """The row count of every table, for `datasette --inspect-file`: an immutable database's
    table pages and home page then show counts without counting a million rows each time.
    Keyed by the name the database is served under. Rewritten when the database is newer
    than the file."""
    path, db_path = inspect_path(db_path), Path(db_path)
    if path.exists() and path.stat().st_mtime >= db_path.stat().st_mtime:
        return path
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        names = [row[0] for row in conn.execute(
            "select name from sqlite_master where type = 'table' and sql not like 'CREATE VIRTUAL%'"
        )]  # fmt: skip
        tables = {name: {"count": conn.execute(f"select count(*) from [{name}]").fetchone()[0]}
                  for name in names}  # fmt: skip
    conn.close()
    about = {"hash": None, "size": db_path.stat().st_size, "file": db_path.name, "tables": tables}
    path.write_text(json.dumps({database_name(load_metadata()): about}), encoding="utf-8")
    return path


def datasette_command(
    db_path: str | Path,
    port: int = 8001,
    host: str = "127.0.0.1",
    public: bool = False,
    workers: int = 1,
) -> list[str]:
    """The server of `serve`: uvicorn running `build_datasette`'s Datasette in `workers`
    processes (procarchive.asgi), for one process as for several."""
    return [
        sys.executable, "-m", "procarchive.asgi", str(db_path), "--host", host,
        "--port", str(port), "--workers", str(workers), *(["--public"] if public else []),
    ]  # fmt: skip


def typed_settings(public: bool) -> dict[str, Any]:
    """SETTINGS or PUBLIC_SETTINGS as `datasette serve --setting` reads them."""
    defaults = {setting.name: setting.default for setting in DATASETTE_SETTINGS}
    return {
        name: value_as_boolean(value)
        if isinstance(defaults[name], bool)
        else type(defaults[name])(value)
        for name, value in (PUBLIC_SETTINGS if public else SETTINGS).items()
    }


def build_datasette(db_path: str | Path, public: bool = False) -> Datasette:
    """The archive's Datasette, the one configuration of it: the file `db_path` served under
    the configured name (whatever the file is called, metadata.yml, the plugins and the
    templates apply), immutable with strict limits when `public`."""
    db_path = str(db_path)
    metadata = load_metadata()
    inspect = inspect_path(db_path)
    datasette = Datasette(
        files=[] if public else [db_path],
        immutables=[db_path] if public else [],
        inspect_data=json.loads(inspect.read_text()) if public and inspect.exists() else None,
        metadata=metadata,
        plugins_dir=str(PLUGINS),
        template_dir=str(TEMPLATES),
        settings=typed_settings(public),
        secret=os.environ.get("DATASETTE_SECRET"),
    )
    database = datasette.databases[Path(db_path).stem]  # as Datasette names a file
    datasette.remove_database(database.name)
    datasette.add_database(database, name=database_name(metadata))
    return datasette


def serve(
    db_path: str | Path,
    port: int = 8001,
    host: str = "127.0.0.1",
    public: bool = False,
    workers: int = 1,
) -> None:
    """Replace this process with the server (Ctrl-C stops it)."""
    if public:
        write_inspect_file(db_path)
    command = datasette_command(db_path, port, host, public, workers)
    processes = f" ({workers} processes)" if workers > 1 else ""
    print(f"Serving {db_path} at http://{host}:{port}/{processes}", flush=True)
    os.execv(command[0], command)
