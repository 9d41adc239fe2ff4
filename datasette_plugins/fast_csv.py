"""Datasette plugin: a table's streamed CSV (`.csv?_stream=on`) written in bulk.

Datasette streams CSV a page of rows at a time, each page a time-limited query and each row
written on its own: about 8,000 rows/s for 3 KB articles, and a page that reads its rows
from disk past the time limit ends the file early. For a table filtered by plain column
values (`?source=lkpp_news&year=2016`, with `_col`/`_nocol` choosing columns), this plugin
runs one query in a worker thread and writes rows in chunks, in the table pages' order (ties
broken by the primary key), with the same columns and CSV as Datasette. Any other request
(other filter forms, sorts, searches, facets) is left to Datasette. Its CSV text is
archive.csv_text's, which `procarchive export` writes too (a published folder carries it).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import suppress
from typing import Any
from urllib.parse import parse_qsl

from datasette import hookimpl
from datasette.utils import sqlite_timelimit

from archive.csv_text import csv_lines

Scope = MutableMapping[str, Any]
App = Callable[[Scope, Any, Any], Awaitable[None]]
CSV_PATH = re.compile(r"^/(?P<database>[^/]+)/(?P<table>[^/.]+)\.csv$")
PASSIVE = frozenset({"_stream", "_size", "_dl", "_col", "_nocol"})  # options that keep the rows
CHUNK = 2000
# A later chunk's read: 2,000 rows of 3 KB from a cold 6 GB archive on a loaded machine took
# over a second (benchmarks.datasette_scale: the public site's 1,000 ms limit cut a 300 MB
# export at 235 MB). Ten seconds is many times a read, and still stops a query that scans
# the whole table between two matches.
CHUNK_LIMIT_MS = 10_000
MAX_STREAMS = 4  # streams at once; more wait their turn


async def plan(
    scope: Scope, datasette: Any
) -> tuple[Any, str, list[str], dict[str, str], str] | None:
    """(database, table, columns, filters, order) of a request this plugin serves, or None."""
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return None
    match = CSV_PATH.match(scope.get("path", ""))
    pairs = parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), True)
    params = dict(pairs)
    if not match or params.get("_stream") != "on" or match["database"] not in datasette.databases:
        return None
    database = datasette.databases[match["database"]]
    if not database.path:
        return None
    columns, keys = await table_columns(database, match["table"])
    filters = {k: v for k, v in params.items() if k not in PASSIVE}
    repeated = len([k for k, _ in pairs if k not in PASSIVE]) > len(filters)
    if not columns or not set(filters) <= set(columns) or repeated:
        return None  # a repeated filter (Datasette ANDs them) stays with Datasette
    chosen = chosen_columns(columns, keys, pairs)
    if chosen is None:
        return None
    if not keys:  # a rowid table: Datasette lists the rowid first
        keys, chosen = ["rowid"], ["rowid", *chosen]
    sort_desc = datasette.metadata("sort_desc", database=database.name, table=match["table"])
    sort = datasette.metadata("sort", database=database.name, table=match["table"])
    return database, match["table"], chosen, filters, order_by(sort, sort_desc, keys)


async def table_columns(database: Any, table: str) -> tuple[list[str], list[str]]:
    """A table's columns and primary key, read through Datasette (its time limit); none for
    a view or a table with foreign keys (Datasette adds label columns for those: they stay
    with Datasette)."""
    kind = await database.execute("select type from sqlite_master where name = ?", [table])
    if not kind.rows or kind.rows[0][0] != "table":
        return [], []
    if (await database.execute("select 1 from pragma_foreign_key_list(?)", [table])).rows:
        return [], []
    info = (await database.execute("select name, pk from pragma_table_info(?)", [table])).rows
    keys = [row[0] for row in sorted(info, key=lambda row: row[1]) if row[1]]
    return [row[0] for row in info], keys


def chosen_columns(
    columns: list[str], keys: list[str], pairs: list[tuple[str, str]]
) -> list[str] | None:
    """The columns `_col` and `_nocol` leave, as Datasette chooses them (the primary key
    always); None for a column that does not exist, which Datasette answers with its error."""
    wanted = [value for name, value in pairs if name == "_col"]
    unwanted = {value for name, value in pairs if name == "_nocol"}
    if not set(wanted) <= set(columns) or not unwanted <= set(columns) - set(keys):
        return None  # "_col=" included: Datasette answers 400
    chosen = [*keys, *dict.fromkeys(wanted)] if wanted else columns
    return [column for column in chosen if column not in unwanted]


def query(table: str, columns: list[str], filters: dict[str, str], order: str) -> str:
    where = " and ".join(f"[{column}] = :{index}" for index, column in enumerate(filters))
    listed = ", ".join(f"[{column}]" for column in columns)
    return f"select {listed} from [{table}]" + (f" where {where}" if where else "") + order


def order_by(sort: str | None, sort_desc: str | None, keys: list[str]) -> str:
    """The order of the table's pages: the sort column, then the primary key (ascending, as
    Datasette breaks ties); a sorted index is read in order with only ties sorted."""
    tie_breaker = ", ".join(f"[{key}]" for key in keys)
    if sort_desc:
        return f" order by [{sort_desc}] desc, {tie_breaker}"
    return f" order by [{sort}], {tie_breaker}" if sort else f" order by {tie_breaker}"


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[App], App]:
    streams = asyncio.Semaphore(MAX_STREAMS)  # each has a thread and a connection of its own

    def wrap(app: App) -> App:
        async def csv_app(scope: Scope, receive: Any, send: Any) -> None:
            planned = await plan(scope, datasette)
            if planned is None:
                await app(scope, receive, send)
                return
            database, table, columns, filters, order = planned
            sql = query(table, columns, filters, order)
            params = {str(index): value for index, value in enumerate(filters.values())}
            headers = [(b"content-type", b"text/plain; charset=utf-8")]
            if "_dl" in dict(parse_qsl(scope.get("query_string", b"").decode())):
                headers = [
                    (b"content-type", b"text/csv; charset=utf-8"),
                    (b"content-disposition", f'attachment; filename="{table}.csv"'.encode()),
                ]
            headers.append((b"x-csv-writer", b"bulk"))  # says which path served it
            async with streams:
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                limit_ms = datasette.setting("sql_time_limit_ms")
                reader = TableReader(database, sql, params, columns, limit_ms)
                watcher = asyncio.create_task(watch_disconnect(receive, reader))
                try:
                    # A failed read raises here: the response is cut off unfinished, never
                    # ended as if the file were whole.
                    while (chunk := await reader.next_chunk()) is not None:
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    if not reader.ended.is_set():
                        await send({"type": "http.response.body", "body": b""})
                finally:
                    reader.stop()
                    watcher.cancel()

        return csv_app

    return wrap


async def watch_disconnect(receive: Any, reader: TableReader) -> None:
    try:
        while (await receive())["type"] != "http.disconnect":
            pass
    finally:  # the client left (or the response ended): the table is no longer read
        reader.stop()


class TableReader:
    """The CSV of one query in chunks, read and encoded in a thread of its own. `stop()`
    (the client left, the server stops) interrupts the query and ends the thread.

    Why not Datasette's `execute`: it returns a whole result, at most max_returned_rows of
    it, so a streamed export through it is a query a page (Datasette's own CSV streaming:
    9,000-10,000 rows/s of 3 KB rows against 40,000-47,000 here, 30,000 rows through
    `datasette.client`, 2026-12, 2 cores); and
    `execute_fn` would hold one of Datasette's `num_sql_threads` read connections (3 on a
    public site) for the whole export, so three exports would stop every page of the site.
    So the read has its own connection, opened as Datasette opens the database (read-only
    or immutable) and bounded as Datasette's queries are: reading each chunk (the query's
    first step, a sort included) is stopped at sql_time_limit_ms as a page's query is, and
    every later CHUNK rows at the larger of that and CHUNK_LIMIT_MS, by Datasette's own
    progress handler (`sqlite_timelimit`), the response then ending unfinished; at most MAX_STREAMS such readers at once; a client that leaves stops it."""

    def __init__(
        self,
        database: Any,
        sql: str,
        params: dict[str, str],
        columns: list[str],
        limit_ms: int,
    ):
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue()
        self.slots = threading.Semaphore(8)  # chunks read ahead of the response at most
        self.stopped = threading.Event()  # for the reader's thread
        self.ended = asyncio.Event()  # for the response
        self.connection: sqlite3.Connection | None = None
        mode = "mode=ro" if database.is_mutable else "immutable=1"
        self.url = f"file:{database.path}?{mode}"
        self.sql, self.params, self.columns, self.limit_ms = sql, params, columns, limit_ms
        threading.Thread(target=self.produce, name="fast-csv", daemon=True).start()

    async def next_chunk(self) -> bytes | None:
        """The next chunk; None at the end or once stopped; raises what the reader raised."""
        if self.ended.is_set():
            return None
        taking = asyncio.ensure_future(self.queue.get())
        ending = asyncio.ensure_future(self.ended.wait())
        try:
            await asyncio.wait({taking, ending}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            ending.cancel()
        if not taking.done():
            taking.cancel()
            return None
        item = taking.result()
        self.slots.release()
        if isinstance(item, BaseException):
            raise item
        return item

    def stop(self) -> None:
        """Called on the event loop's thread."""
        self.ended.set()
        self.stopped.set()
        connection = self.connection
        if connection is not None:
            with suppress(sqlite3.ProgrammingError):  # closed meanwhile: nothing to end
                connection.interrupt()  # thread-safe: ends a long step of the query

    def put(self, item: bytes | BaseException | None) -> bool:
        """Hand an item over once one of the 8 slots is free; False once stopped."""
        while not self.stopped.is_set():
            if self.slots.acquire(timeout=0.2):
                try:
                    self.loop.call_soon_threadsafe(self.queue.put_nowait, item)
                except RuntimeError:  # the event loop has closed
                    return False
                return True
        return False

    def produce(self) -> None:
        conn = sqlite3.connect(self.url, uri=True, check_same_thread=False)
        self.connection = conn
        try:
            with sqlite_timelimit(conn, self.limit_ms):
                cursor = conn.execute(self.sql, self.params)
                rows = cursor.fetchmany(CHUNK)
            if not self.put(csv_lines([self.columns]).encode("utf-8")):
                return
            while not self.stopped.is_set() and rows:
                if not self.put(csv_lines(rows).encode("utf-8")):
                    return
                with sqlite_timelimit(conn, max(self.limit_ms, CHUNK_LIMIT_MS)):
                    rows = cursor.fetchmany(CHUNK)
            self.put(None)
        except Exception as error:  # handed to the response, which ends unfinished
            if not self.stopped.is_set():
                self.put(error)
        finally:
            self.connection = None
            conn.close()
