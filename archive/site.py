"""The name the archive is served under, as configured: metadata.yml's one database.

Datasette applies metadata.yml's `databases:` entry by the database's name, so the server
(procarchive.serve) serves whatever file it is given under this name, and the plugins,
templates and `procarchive export` read it from there instead of spelling it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def database_name(metadata: Mapping[str, Any]) -> str:
    """The one database metadata.yml describes (Datasette's merged metadata will do)."""
    names = list(metadata.get("databases") or {})
    if len(names) != 1:
        raise ValueError(f"metadata.yml should describe one database, not {names}")
    return names[0]


def served_database(datasette: Any) -> str | None:
    """That name in a Datasette the plugins are loaded into, or None where its metadata
    describes no one database: plugins loaded once apply to every Datasette of the process,
    and leave such a one alone."""
    databases = datasette.metadata().get("databases") or {}
    return database_name(datasette.metadata()) if len(databases) == 1 else None


INTERNAL = "_internal"  # Datasette's own database, beside those it serves


def serves_only_immutable(datasette: Any) -> bool:
    """Whether every database the Datasette serves is an immutable file (`procarchive serve
    --public`, `publish`): nothing it answers from them can change while it runs."""
    served = [db for name, db in datasette.databases.items() if name != INTERNAL]
    return bool(served) and not any(db.is_mutable or db.is_memory for db in served)
