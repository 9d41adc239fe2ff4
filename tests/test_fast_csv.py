"""The bulk CSV writer: every row, read within Datasette's time limit, and no further once the
client leaves."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette

from datasette_plugins import fast_csv
from datasette_plugins.fast_csv import CHUNK, asgi_wrapper

ROWS = 40 * CHUNK


def table(
    path: Path, unreadable_at: int | None = None, limit_ms: int = 3000, sort: str | None = None
) -> Any:
    """A Datasette over a table of ROWS lines, immutable, its queries stopped at `limit_ms`,
    its pages in the order of `sort` (metadata.yml's `sort`)."""
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
    metadata = {"databases": {path.stem: {"tables": {"lines": {"sort": sort}}}}} if sort else {}
    return Datasette(
        immutables=[str(path)], metadata=metadata, settings={"sql_time_limit_ms": limit_ms}
    )


def stream(
    datasette: Any,
    leave_after: int | None,
    received: list[bytes] | None = None,
    query: bytes = b"_stream=on",
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
                 "query_string": query}  # fmt: skip
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


def test_a_chunk_read_past_the_time_limit_stops_the_export(tmp_path: Path) -> None:
    """Sorting every line by its text (no index) takes longer than 1 ms: Datasette's limit
    stops the read, and the response ends unfinished, as a failed read does."""
    received: list[bytes] = []
    slow = table(tmp_path / "db.db", limit_ms=1, sort="text")
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        stream(slow, None, received)
    assert b"".join(received).count(b"\r\n") < ROWS and (not received or received[-1] != b"")
    assert not wait_for_readers_to_end()
    (tmp_path / "db.db").unlink()
    chunks, _ = stream(table(tmp_path / "db.db", limit_ms=1000, sort="text"), None)  # in time
    assert b"".join(chunks).count(b"\r\n") == ROWS + 1


def test_later_chunks_get_the_chunk_limit_the_first_step_the_page_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The query's first step (a sort) is held to the page limit; each later chunk, a read
    of CHUNK rows that a cold disk makes slower than a page, to CHUNK_LIMIT_MS."""
    limits: list[float] = []
    real = fast_csv.sqlite_timelimit

    @contextmanager
    def recorded(conn: sqlite3.Connection, ms: float) -> Iterator[None]:
        limits.append(ms)
        with real(conn, ms):
            yield

    monkeypatch.setattr(fast_csv, "sqlite_timelimit", recorded)
    chunks, _ = stream(table(tmp_path / "db.db", limit_ms=700), None)
    assert b"".join(chunks).count(b"\r\n") == ROWS + 1
    assert limits[0] == 700
    assert limits[1:] and set(limits[1:]) == {fast_csv.CHUNK_LIMIT_MS}


def test_the_same_bytes_as_datasettes_own_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site's streamed CSVs, bulk or Datasette's own (the plugin declining every request),
    byte for byte: whole rows, chosen columns, filters, a download, texts with quotes, commas,
    line breaks and non-ASCII characters, NULLs, ties in the sort column, and Datasette paging
    through them (3 rows a page) where the bulk writer reads one query."""
    from datasette.plugins import pm

    from procarchive.serve import build_datasette
    from tests.test_metadata import build_archive

    path = build_archive(tmp_path / "archive.db")
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE articles SET title = 'Pengadaan “cepat” – é, 漢字 \"kutip\"', "
            "text = text || '\r\nbaris, \"dua\"\n', author = NULL, published_at = '2015-10-02' "
            "WHERE rowid % 2 = 0"
        )
    conn.close()
    base = "/archive/articles.csv?_stream=on"
    paths = [
        f"{base}&source=lkpp_news", f"{base}&source=lkpp_news&_size=max&_nocol=text",
        f"{base}&_col=title&_col=author", f"{base}&lang=id&kind=news", f"{base}&_dl=1",
        "/archive/notices.csv?_stream=on", "/archive/crawls.csv?_stream=on&_nocol=source",
        "/archive/articles_facet_counts.csv?_stream=on&kind=news",  # a rowid table
    ]  # fmt: skip
    declined = ["/archive/mous.csv?_stream=on", f"{base}&_search=kesepahaman"]

    def fetched(bulk: bool) -> dict[str, Any]:
        async def run() -> dict[str, Any]:
            datasette = build_datasette(path, public=True)
            if not bulk:  # the plugin as Datasette loaded it from plugins_dir, declining
                monkeypatch.setattr(pm.get_plugin("fast_csv.py"), "plan", no_plan)
            datasette._settings["max_returned_rows"] = 3  # Datasette's stream: many pages
            await datasette.invoke_startup()
            return {p: await datasette.client.get(p) for p in [*paths, *declined]}

        return asyncio.run(run())

    async def no_plan(scope: Any, datasette: Any) -> None:
        return None

    ours, theirs = fetched(bulk=True), fetched(bulk=False)
    for p in paths:
        assert ours[p].headers.get("x-csv-writer") == "bulk", p
        assert "x-csv-writer" not in theirs[p].headers, p
        assert ours[p].status_code == theirs[p].status_code == 200, p
        assert ours[p].content == theirs[p].content, p
        assert ours[p].headers["content-type"] == theirs[p].headers["content-type"], p
    for p in declined:  # foreign keys (label columns), a search: Datasette's own on both
        assert "x-csv-writer" not in ours[p].headers and ours[p].content == theirs[p].content, p
    whole = ours[f"{base}&source=lkpp_news"].content.decode()
    assert "漢字" in whole and '""kutip""' in whole and "\r\nbaris" in whole
    assert whole.count("\r\n") > 20
    assert (
        ours[f"{base}&_dl=1"].headers["content-disposition"]
        == (theirs[f"{base}&_dl=1"].headers["content-disposition"])
    )
