"""The bulk CSV writer stops reading the table when the client leaves mid-stream."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from datasette_plugins.fast_csv import CHUNK, asgi_wrapper

ROWS = 40 * CHUNK


def table(path: Path, unreadable_at: int | None = None) -> Any:
    with sqlite3.connect(path) as conn:
        conn.execute("create table lines (id integer primary key, text text)")
        conn.executemany(
            "insert into lines (text) values (?)", ([f"line {n}"] for n in range(ROWS))
        )
        if unreadable_at is not None:  # bytes that are not UTF-8: reading the row fails
            conn.execute(
                "update lines set text = cast(x'ff' as text) where id = ?", [unreadable_at]
            )
    conn.close()
    database = SimpleNamespace(name="db", path=str(path), is_mutable=False)
    return SimpleNamespace(databases={"db": database}, metadata=lambda *args, **kwargs: None)


def stream(
    datasette: Any, leave_after: int | None, received: list[bytes] | None = None
) -> tuple[list[bytes], float]:
    """The body chunks received, the client leaving after `leave_after` of them."""
    received = [] if received is None else received

    async def main() -> float:
        left = asyncio.Event()
        requests = iter([{"type": "http.request", "body": b"", "more_body": False}])

        async def receive() -> dict[str, Any]:
            if (request := next(requests, None)) is not None:
                return request
            await left.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                received.append(message["body"])
                if leave_after is not None and len(received) >= leave_after:
                    left.set()
                await asyncio.sleep(0)

        app = asgi_wrapper(datasette)(None)
        scope = {"type": "http", "method": "GET", "path": "/db/lines.csv",
                 "query_string": b"_stream=on"}  # fmt: skip
        started = time.perf_counter()
        await app(scope, receive, send)
        return time.perf_counter() - started

    return received, asyncio.run(main())


def readers() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "fast-csv"]


def wait_for_readers_to_end(seconds: float = 5) -> list[threading.Thread]:
    deadline = time.monotonic() + seconds
    while readers() and time.monotonic() < deadline:
        time.sleep(0.05)
    return readers()


def test_a_whole_stream_has_every_row_and_ends_its_reader(tmp_path: Path) -> None:
    chunks, _ = stream(table(tmp_path / "db.db"), leave_after=None)
    assert b"".join(chunks).count(b"\r\n") == ROWS + 1 and chunks[-1] == b""
    assert not wait_for_readers_to_end()


def test_a_client_leaving_stops_the_reader(tmp_path: Path) -> None:
    chunks, _ = stream(table(tmp_path / "db.db"), leave_after=3)
    assert 3 <= len(chunks) < ROWS // CHUNK // 2  # not the whole table
    assert chunks[-1] != b""  # no end of body for a client that is gone
    assert not wait_for_readers_to_end()


def test_a_failed_read_leaves_the_response_unfinished(tmp_path: Path) -> None:
    """Never a short file that looks whole: the error ends the response without its end."""
    received: list[bytes] = []
    with pytest.raises(sqlite3.OperationalError, match="UTF-8"):
        stream(table(tmp_path / "db.db", unreadable_at=3 * CHUNK), None, received)
    assert len(received) >= 2 and received[-1] != b""
    assert not wait_for_readers_to_end()
