"""A table's `allow` blocks read from the metadata once (datasette_plugins/table_permissions.py):
the same answers, each table's found once, found again when the metadata is replaced, and
left to Datasette when a plugin supplies metadata."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm

from archive.connection import open_archive
from datasette_plugins.table_permissions import remembered_allows
from procarchive.serve import PLUGINS, load_metadata

ROOT_ONLY = {"id": "root"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("permissions") / "archive.db"
    open_archive(path).close()
    return path


def site(archive: Path) -> Datasette:
    """The archive's metadata, with the notices table for the root actor only."""
    metadata = load_metadata()
    metadata["databases"]["archive"]["tables"]["notices"]["allow"] = ROOT_ONLY
    return Datasette([str(archive)], metadata=metadata, plugins_dir=str(PLUGINS))


def test_a_table_for_root_only_stays_so_page_after_page(archive: Path) -> None:
    datasette = site(archive)

    async def run() -> list[int]:
        await datasette.invoke_startup()
        paths = ["/archive/notices", "/archive/articles", "/archive/notices?_size=1"]
        return [(await datasette.client.get(path)).status_code for path in paths]

    assert asyncio.run(run()) == [403, 200, 403]
    assert "_table_permission_allows" in datasette.__dict__  # the plugin's, on the instance


def test_each_tables_allows_found_once_and_again_for_new_metadata(archive: Path) -> None:
    datasette = site(archive)
    asked: list[str] = []

    def found(database: str, table: str) -> list[Any]:
        asked.append(table)
        return Datasette._table_permission_allows(datasette, database, table)

    allows = remembered_allows(datasette, found)
    answers = [allows("archive", table) for table in ("notices", "articles", "notices")]
    assert answers == [[ROOT_ONLY], [], [ROOT_ONLY]] and asked == ["notices", "articles"]
    answers[0].append("changed by a caller")
    datasette._metadata_local = load_metadata()  # notices open to all again
    assert allows("archive", "notices") == [] and asked[-1] == "notices"


@hookimpl
def get_metadata(datasette: Any, key: str, database: str, table: str) -> dict[str, Any]:
    return {}


def test_metadata_a_plugin_supplies_is_left_to_datasette(archive: Path) -> None:
    plugin = ModuleType("metadata_of_its_own")
    plugin.get_metadata = get_metadata  # type: ignore[attr-defined]
    pm.register(plugin, name="metadata_of_its_own")
    try:
        datasette = site(archive)
        asyncio.run(datasette.invoke_startup())
        assert "_table_permission_allows" not in datasette.__dict__
    finally:
        pm.unregister(plugin)
