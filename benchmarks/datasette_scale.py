"""Datasette at publication scale (`python -m benchmarks.datasette_scale`).

Generates (or reuses, from --workdir) an archive of N articles (default 1,000,000, with 2 %
MoUs and N/5 notices), serves it as `procarchive serve --public` does, and loads it from
--clients concurrent clients on 127.0.0.1: the searches, a faceted table page and canned
queries (p50/p95 latency of whole responses), then the streamed CSV of a 10 % filter and
`procarchive export` of it (rows/s), each against plain dumps of the same rows measured just
after it (sqlite3 + csv.writer, and sqlite3 + archive.csv_text).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from archive.connection import open_archive
from archive.csv_text import csv_lines
from benchmarks.scale_archive import KINDS, SOURCES, generate
from procarchive import cores
from procarchive.serve import datasette_command, write_inspect_file

CSV_SOURCE = "kebijakan_pbj_blog"  # 10 % of the articles
WHOLE_ROWS = "CSV stream, whole rows"


def archive(workdir: Path, articles: int, notices: int) -> tuple[Path, dict[str, Any]]:
    """The generated archive for these sizes, made once; later runs migrate it only."""
    (workdir / str(articles)).mkdir(parents=True, exist_ok=True)
    db_path = workdir / str(articles) / "archive.db"  # the name metadata.yml knows
    about_path = db_path.with_suffix(".json")
    if not about_path.exists():
        db_path.unlink(missing_ok=True)
        about_path.write_text(json.dumps(generate(db_path, articles, notices)))
    db = open_archive(db_path, create=False)  # applies migrations added since
    if not db["sqlite_stat1"].exists():
        db.execute("ANALYZE")  # an archive generated before the nightly crawl's ANALYZE
    db.execute("PRAGMA journal_mode=DELETE")
    db.close()
    about: dict[str, Any] = json.loads(about_path.read_text())
    return db_path, about


def distinct_filters(count: int, seed: int = 1) -> list[str]:
    """Article pages filtered by one to three of source, kind and year, each asked for once:
    what a crowd of researchers clicking through facets asks for (no page served from cache)."""
    rng = random.Random(seed)
    pages: dict[str, None] = {}
    combinations = (len(SOURCES) + 1) * (len(KINDS) + 1) * 17 - 1
    if count > combinations:
        raise ValueError(f"{count} distinct pages asked for; there are {combinations}")
    while len(pages) < count:
        chosen = {
            "source": rng.choice(list(SOURCES)) if rng.random() < 0.5 else None,
            "kind": rng.choice(list(KINDS)) if rng.random() < 0.5 else None,
            "year": str(rng.randint(2010, 2025)) if rng.random() < 0.5 else None,
        }
        query = "&".join(f"{name}={value}" for name, value in chosen.items() if value)
        if query:
            pages[f"/archive/articles?{query}"] = None
    return list(pages)


def requests(about: dict[str, Any], count: int) -> dict[str, str | list[str]]:
    common, rare = about["common_term"], quote(about["rare_term"])
    return {
        "search page, common term": f"/archive/articles?_search={common}",
        "search page, rare term": f"/archive/articles?_search={rare}",
        "search query, common term": f"/archive/search?term={common}",
        "search query, rare term": f"/archive/search?term={rare}",
        "table page with facets": "/archive/articles",
        "table page, filtered": f"/archive/articles?source={CSV_SOURCE}",
        "table page, 2 filters": f"/archive/articles?source={CSV_SOURCE}&year=2020",
        "table pages, distinct filters": distinct_filters(count + 1),
        # What the "search all tables" page fetches: articles and notices through their
        # search queries.
        "search-all: articles": f"/archive/search.json?_shape=objects&term={common}",
        "search-all: notices": f"/archive/search_notices.json?_shape=objects&term={common}",
        "canned: articles_mentioning": f"/archive/articles_mentioning?term={common}&source=pps_news",
        "canned: search_stories": f"/archive/search_stories?term={common}",
        "canned: mous_of_an_agency": "/archive/mous_of_an_agency?agency=LKPP",
        "agencies facet": "/archive/article_agencies",
        "home page": "/",
        "chart: articles per month": "/archive/articles_per_month",
        "chart: MoUs per month": "/archive/mous_per_month",
        "notices page": "/archive/notices",
    }


def next_pages(base: str) -> dict[str, str]:
    """The second page of the articles table, unfiltered and filtered (`_next` from the first)."""
    pages = {}
    for name, query in {"next page": "", "next page, filtered": f"source={CSV_SOURCE}"}.items():
        first = httpx.get(f"{base}/archive/articles.json?{query}", timeout=60).json()
        pages[name] = first["next_url"].replace(base, "").replace(".json", "", 1)
    return pages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def datasette(db_path: Path, workers: int = 1) -> Iterator[str]:
    port = free_port()
    write_inspect_file(db_path)  # as `procarchive serve --public` does
    log = db_path.with_name(f"datasette-{workers}.log")  # read when the server fails to start
    with log.open("wb") as output:
        server = subprocess.Popen(
            datasette_command(db_path, port, public=True, workers=workers),
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(base + "/-/versions.json", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if server.poll() is not None:
                    raise RuntimeError(log.read_text()[-3000:]) from None
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait()


async def load(
    base: str, paths: str | list[str], clients: int, count: int, budget: float
) -> dict[str, Any]:
    """`count` requests from `clients` concurrent clients (fewer when the time budget runs
    out), of one path or of each of a list in turn; latencies of whole responses."""
    queue = [paths] * (count + 1) if isinstance(paths, str) else list(paths)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + budget

    async def client(http: httpx.AsyncClient) -> None:
        while queue and time.perf_counter() < deadline:
            started = time.perf_counter()
            response = await http.get(queue.pop())
            latencies.append(time.perf_counter() - started)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    async with httpx.AsyncClient(base_url=base, timeout=300, follow_redirects=True) as http:
        started = time.perf_counter()
        await http.get(queue.pop())  # the first request: computed, then kept if cacheable
        first = time.perf_counter() - started
        await asyncio.gather(*(client(http) for _ in range(clients)))
    latencies.sort()
    return {
        "n": len(latencies),
        "first": first,
        "p50": statistics.median(latencies),
        "p95": latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)],
        "statuses": statuses,
    }


def stream_csv(base: str, path: str) -> dict[str, Any]:
    """The whole streamed CSV, timed to its last byte (counted and parsed afterwards, so the
    client's own decoding is not charged to the server)."""
    received = io.BytesIO()
    started = time.perf_counter()
    with httpx.stream("GET", base + path, timeout=600) as response:
        for chunk in response.iter_raw():
            received.write(chunk)
    seconds = time.perf_counter() - started
    body = received.getvalue().decode("utf-8")
    rows = sum(1 for _ in csv.reader(io.StringIO(body))) - 1
    return {"rows": rows, "seconds": seconds, "rows_s": rows / seconds, "mb": len(body) / 1e6}


def plain_dump(db_path: Path, nocol: tuple[str, ...] = (), bulk: bool = False) -> dict[str, Any]:
    """What the streamed CSV is held to: the same rows and columns, in the same order, read
    by sqlite3 and written by csv.writer to a file in one process, nothing else. `bulk`: by
    archive.csv_text instead (the same bytes, what the stream and the export write), the
    ceiling of a Python writer of these rows."""
    with sqlite3.connect(f"file:{db_path}?immutable=1", uri=True) as conn:
        names = [row[0] for row in conn.execute("select name from pragma_table_info('articles')")]
        columns = [name for name in names if name not in nocol]
        sql = (
            f"select {', '.join(f'[{c}]' for c in columns)} from articles where source = ? "
            "order by published_at desc, id"
        )  # the table page's order (metadata.yml)
        with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "dump.csv", "w",
                                                        encoding="utf-8", newline="") as out:  # fmt: skip
            started = time.perf_counter()
            writer = csv.writer(out)
            writer.writerow(columns)
            rows = 0
            cursor = conn.execute(sql, [CSV_SOURCE])
            while batch := cursor.fetchmany(1000):
                if bulk:
                    out.write(csv_lines(batch))
                else:
                    writer.writerows(batch)
                rows += len(batch)
            out.flush()
            seconds = time.perf_counter() - started
    conn.close()
    return {"rows": rows, "seconds": seconds, "rows_s": rows / seconds}


def against(rows_s: float, db_path: Path, nocol: tuple[str, ...] = ()) -> str:
    """`rows_s` as a share of each plain dump of the same rows, measured now."""
    plain, bulk = plain_dump(db_path, nocol), plain_dump(db_path, nocol, bulk=True)
    return (f"sqlite3 + csv.writer {plain['rows_s']:,.0f} rows/s: {rows_s / plain['rows_s']:.0%}; "
            f"+ csv_text {bulk['rows_s']:,.0f}: {rows_s / bulk['rows_s']:.0%}")  # fmt: skip


def csv_rows_expected(db_path: Path) -> int:
    with sqlite3.connect(f"file:{db_path}?immutable=1", uri=True) as conn:
        found = conn.execute("select count(*) from articles where source = ?", [CSV_SOURCE])
        count = int(found.fetchone()[0])
    conn.close()
    return count


def chosen(only: str | None, name: str) -> bool:
    """Whether `--only` runs the request type `name` (`--only CSV,export`: both)."""
    return not only or any(part in name for part in only.split(","))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/procarchive-scale"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=100, help="a request type")
    parser.add_argument("--budget", type=float, default=30, help="seconds a request type")
    parser.add_argument(
        "--only", help="run the request types containing this text (or one of a,b,...)"
    )
    args = parser.parse_args()
    db_path, about = archive(args.workdir, args.articles, args.articles // 5)
    print(f"archive: {db_path} ({db_path.stat().st_size / 1024**3:.2f} GB), {about['articles']:,} "
          f"articles, {about['notices']:,} notices, generated in {about['seconds']} s "
          f"{about.get('phases', '')}")  # fmt: skip
    print(f"common term {about['common_term']!r}: {about['common_matches']:,} articles; "
          f"rare term {about['rare_term']!r}: {about['rare_matches']:,}")  # fmt: skip
    print(f"{'request':<32} {'n':>5} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8}  statuses")
    expected = csv_rows_expected(db_path)
    streamed: dict[str, float] = {}  # rows/s of the last run of each stream
    # The export of the same rows follows each whole-row stream (`--only CSV,export`: both).
    exporting = not args.only or "export" in args.only
    with datasette(db_path) as base:
        for name, paths in {**requests(about, args.requests), **next_pages(base)}.items():
            if not chosen(args.only, name):
                continue
            r = asyncio.run(load(base, paths, args.clients, args.requests, args.budget))
            print(f"{name:<32} {r['n']:>5} {r['first'] * 1000:>9.0f} {r['p50'] * 1000:>8.0f} {r['p95'] * 1000:>8.0f}  "
                  f"{r['statuses']}", flush=True)  # fmt: skip
        for name, (path, nocol) in {
            WHOLE_ROWS: (f"/archive/articles.csv?source={CSV_SOURCE}&_stream=on&_size=max", ()),
            "CSV stream, without text": (f"/archive/articles.csv?source={CSV_SOURCE}&_stream=on&_size=max&_nocol=text", ("text",)),
        }.items():  # fmt: skip
            if not chosen(args.only, name):
                continue
            for run in ("first", "again"):  # the first may read the rows from disk
                c = stream_csv(base, path)
                print(f"{name + ', ' + run:<32} {c['rows']:>9,} rows of {expected:,} in {c['seconds']:.1f} s: "
                      f"{c['rows_s']:,.0f} rows/s ({c['mb']:.0f} MB); {against(c['rows_s'], db_path, nocol)}",
                      flush=True)  # fmt: skip
                if name == WHOLE_ROWS and exporting:  # right after: the machine as it was
                    print_export(run, db_path, c["rows_s"])
                streamed[name] = c["rows_s"]
    if not args.only or "processes" in args.only:
        # Python renders a page on one core at a time: the same load on one process a core,
        # as `procarchive serve --public` runs by default.
        processes = max(2, cores())
        with datasette(db_path, workers=processes) as base:
            paths = distinct_filters(2 * args.requests + 2)[args.requests + 1 :]  # not seen yet
            r = asyncio.run(load(base, paths, args.clients, args.requests, args.budget))
            name = f"distinct filters, {processes} processes"
            print(f"{name:<32} {r['n']:>5} {r['first'] * 1000:>9.0f} {r['p50'] * 1000:>8.0f} {r['p95'] * 1000:>8.0f}  "
                  f"{r['statuses']}", flush=True)  # fmt: skip
    if exporting and WHOLE_ROWS not in streamed:  # `--only export`: not compared
        for run in ("first", "again"):
            print_export(run, db_path)


def print_export(run: str, db_path: Path, stream_rows_s: float | None = None) -> None:
    c = cli_export(db_path)
    stream = f"; the stream {c['rows_s'] / stream_rows_s:.0%}" if stream_rows_s else ""
    print(f"{'procarchive export, ' + run:<32} {c['rows']:>9,} rows in {c['seconds']:.1f} s: "
          f"{c['rows_s']:,.0f} rows/s ({c['mb']:.0f} MB); {against(c['rows_s'], db_path)}{stream}",
          flush=True)  # fmt: skip


def cli_export(db_path: Path) -> dict[str, Any]:
    """The same 100,000-row filter through `procarchive export` (CSV, whole rows)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "export.csv"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "procarchive.cli", "export", "articles", "--db", str(db_path),
             "--source", CSV_SOURCE, "-o", str(out)],
            check=True, capture_output=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        rows = sum(1 for _ in csv.reader(out.open(encoding="utf-8"))) - 1
        return {
            "rows": rows,
            "seconds": seconds,
            "rows_s": rows / seconds,
            "mb": out.stat().st_size / 1e6,
        }


if __name__ == "__main__":
    main()
