"""Write statements built from the columns a writer names, once for each table and columns.

The archive's hot writes (an article or a capture at a time, thousands a crawl) stay plain
parameterised statements, built once here instead of an f-string at each place."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any


@cache
def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return (
        f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )


@cache
def update_sql(table: str, columns: tuple[str, ...], where: str) -> str:
    """UPDATE setting `columns` (parameters first, in their order), then `where`'s."""
    return f"UPDATE [{table}] SET {', '.join(f'[{c}] = ?' for c in columns)} WHERE {where}"


def values(row: Mapping[str, Any], columns: tuple[str, ...]) -> list[Any]:
    """The row's values in the columns' order, None where it has none."""
    return [row.get(column) for column in columns]
