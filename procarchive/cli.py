"""The `procarchive` command line: thin wrappers over crawl, serve, extract and the registry."""

from __future__ import annotations

import argparse
import errno
import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapers.sources import LIVE_REGISTRY, SAMPLE_REGISTRY, RegistryError, Source, load_registry

DEFAULT_DB = "archive.db"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="procarchive", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    crawl = commands.add_parser("crawl", help="crawl registry sources (all enabled by default)")
    crawl.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="source names from the registry"
    )
    crawl.add_argument("--db", default=DEFAULT_DB, help="archive database (default: archive.db)")
    crawl.add_argument("--start-url", action="append", default=[], metavar="URL",
                       help="ad-hoc crawl of an article, RSS/Atom feed or sitemap URL (repeatable)")  # fmt: skip
    crawl.add_argument("--samples", action="store_true", help="crawl the bundled sample sites")
    crawl.add_argument("--registry", type=Path, help="another source registry file")
    crawl.add_argument(
        "--resume", action="store_true",
        help="keep pending requests on disk (.jobs/ beside the db) and continue a stopped crawl",
    )  # fmt: skip
    crawl.add_argument(
        "--set", "-s", action="append", default=[], metavar="NAME=VALUE",
        help="override a Scrapy or PROCARCHIVE_* setting, e.g. -s DOWNLOAD_TIMEOUT=60",
    )  # fmt: skip
    crawl.add_argument(
        "--lpse", metavar="SLUGS",
        help="SPSE sources: these LPSEs only (comma-separated slugs of scrapers/data/lpse.yml)",
    )  # fmt: skip
    crawl.add_argument("--years", metavar="YEARS", help="SPSE sources: these budget years")

    nightly = commands.add_parser(
        "nightly", help="every enabled source, post-crawl steps, and a summary (for cron)"
    )
    nightly.add_argument("--db", default=DEFAULT_DB)
    nightly.add_argument("--registry", type=Path, help="another source registry file")
    nightly.add_argument("--set", "-s", action="append", default=[], metavar="NAME=VALUE")

    demo = commands.add_parser("demo", help="serve the sample sites, crawl them, serve Datasette")
    demo.add_argument("--db", default=DEFAULT_DB)
    demo.add_argument("--port", type=int, default=8001)
    demo.add_argument("--no-serve", action="store_true", help="stop after the crawl")

    serve = commands.add_parser("serve", help="Datasette on 127.0.0.1 with metadata.yml")
    serve.add_argument("--db", default=DEFAULT_DB)
    serve.add_argument("--port", type=int, default=8001)
    serve.add_argument(
        "--without-sensitive", action="store_true",
        help="serve a copy without NPWP numbers and individual suppliers' names and addresses",
    )  # fmt: skip
    serve.add_argument(
        "--public", action="store_true",
        help="for others to reach: a copy without sensitive data, immutable, strict limits",
    )  # fmt: skip
    serve.add_argument(
        "--host", default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 exposes it on every interface)",
    )  # fmt: skip
    serve.add_argument(
        "--workers", type=positive, default=None,
        help="server processes (default: one a core with --public, as a process renders pages "
        "on one core at a time; else 1)",
    )  # fmt: skip

    publish = commands.add_parser(
        "publish", help="a folder to deploy from: the archive without sensitive data, and more"
    )
    publish.add_argument("out", type=Path, metavar="OUTDIR")
    publish.add_argument("--db", default=DEFAULT_DB)

    export = commands.add_parser(
        "export",
        help="a dataset, table or canned query as CSV or JSON, or the notices as OCDS",
        description="Datasets with a fixed column order and filters: articles, mous, notices, "
        "documents (README.md, Exports). Written to stdout or -o FILE.",
    )
    export.add_argument("what", nargs="?", default="notices",
                        help="dataset, table, view or canned query (metadata.yml); notices for OCDS")  # fmt: skip
    export.add_argument("--format", choices=("csv", "json", "jsonl", "xlsx", "ocds"), default="csv",
                        help="csv, a JSON array, JSON Lines, an Excel workbook (-o FILE), or an OCDS package of the notices")  # fmt: skip
    export.add_argument("--db", default=DEFAULT_DB)
    export.add_argument("-o", "--output", type=Path,
                        help="file to write, replaced only when the export succeeds (default: stdout)")  # fmt: skip
    export.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a canned query's parameter, e.g. -p year=2026")  # fmt: skip
    export.add_argument("--since", metavar="DATE", help="from this day on (YYYY-MM-DD)")
    export.add_argument("--until", metavar="DATE", help="up to this day, included (YYYY-MM-DD)")
    export.add_argument("--source", help="articles, mous: the source; notices: the LPSE")
    export.add_argument("--agency",
                        help="articles: naming it; mous: a party; notices: agency or work unit containing it")  # fmt: skip
    export.add_argument("--search", metavar="TEXT", help="full-text (FTS5) query")
    export.add_argument("--bom", action="store_true", help="CSV: start with a UTF-8 BOM (Excel)")
    export.add_argument(
        "--include-sensitive", action="store_true",
        help="keep NPWP numbers and individual suppliers' names (left out by default)",
    )  # fmt: skip
    export.add_argument(
        "--ocds-package", choices=("release", "record"), default="release",
        help="OCDS: releases (one a notice version) or records (with compiled releases)",
    )  # fmt: skip
    export.add_argument("--ocid-prefix", default=None, help="OCDS: your registered ocid prefix")

    extract = commands.add_parser("extract", help="parse saved pages offline, one JSON line each")
    extract.add_argument("files", nargs="+", type=Path, metavar="FILE")
    extract.add_argument(
        "--url", action="append", default=[], help="each file's original URL, in order"
    )
    extract.add_argument(
        "--set", "-s", action="append", default=[], metavar="NAME=VALUE",
        help="override a setting as for a crawl, e.g. -s PROCARCHIVE_MIN_TEXT_CHARS=100",
    )  # fmt: skip

    show = commands.add_parser("show-capture", help="print the archived bytes of a capture")
    show.add_argument(
        "capture_id",
        metavar="ID",
        help="captures.id, e.g. lkpp_news-20261126...-00000.warc.gz#1234",
    )
    show.add_argument("--db", default=DEFAULT_DB)
    show.add_argument(
        "--raw", action="store_true", help="as received, content-encoding (gzip) kept"
    )

    link = commands.add_parser(
        "link-mirrors",
        help="link reposts to their originals, group MoU signings, link articles to notices",
    )
    link.add_argument("--db", default=DEFAULT_DB)
    link.add_argument(
        "--full", action="store_true", help="compare every article again, not only new ones"
    )
    link.add_argument(
        "--registry", type=Path, help="the registry that says which sources are agencies"
    )

    cluster = commands.add_parser(
        "cluster", help="beyond one machine: Scrapyd nodes on a shared Redis queue, shards merged"
    )
    cluster_commands = cluster.add_subparsers(dest="cluster_command", required=True)
    from procarchive.jobqueue.commands import add_queue_commands
    from procarchive.jobqueue.names import DEFAULT_PREFIX

    add_queue_commands(cluster_commands)
    merge = cluster_commands.add_parser(
        "merge", help="fold shards (one job's archive each) into the archive, in order"
    )
    merge.add_argument("shards", nargs="*", type=Path, metavar="SHARD",
                       help="shard databases (default: those the queue's jobs announced)")  # fmt: skip
    merge.add_argument("--db", default=DEFAULT_DB, type=Path)
    merge.add_argument(
        "--registry", type=Path, help="the registry that says which sources are agencies"
    )
    merge.add_argument("--publish", type=Path, metavar="PATH",
                       help="then swap in a copy of the archive here (served; new shards start from it)")  # fmt: skip
    merge.add_argument("--redis", metavar="URL",
                       help="the shared Redis whose announced shards are merged (default: $PROCARCHIVE_REDIS_URL)")  # fmt: skip
    merge.add_argument("--project", default="procarchive", help="the Scrapyd project")
    merge.set_defaults(cluster_run=cluster_merge, prefix=DEFAULT_PREFIX)

    reclassify = commands.add_parser(
        "reclassify", help="derive kinds, agencies and MoU records again from stored articles"
    )
    reclassify.add_argument("--db", default=DEFAULT_DB)

    probe = commands.add_parser(
        "probe", help="what a site offers a crawler (sitemaps, feeds, articles), and an entry"
    )
    probe.add_argument("url", metavar="URL", help="the site's news page or home page")
    probe.add_argument("--name", help="the source name the entry gets (default: from the host)")
    probe.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a Scrapy setting for the probe's requests",
    )  # fmt: skip

    sources = commands.add_parser("sources", help="the registry with each source's last crawl")
    sources.add_argument("--db", default=DEFAULT_DB)
    sources.add_argument("--samples", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(COMMANDS[args.command](args) or 0)
    except (RegistryError, FileNotFoundError, ValueError) as exc:
        print(f"procarchive: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # another crawl holds the archive
        print(f"procarchive: {exc}", file=sys.stderr)
        return 3
    except sqlite3.DatabaseError as exc:
        status, message = database_trouble(getattr(args, "db", "the archive"), exc)
        print(f"procarchive: {message}", file=sys.stderr)
        return status
    except OSError as exc:  # a folder that cannot be written, a file that cannot be read
        where = f"{exc.filename}: " if exc.filename else ""
        hint = " (a crawl writes beside the archive: its folder must be writable)"
        print(
            f"procarchive: {where}{exc.strerror or exc}"
            + (hint if isinstance(exc, PermissionError) else ""),
            file=sys.stderr,
        )
        return 2


def database_trouble(db: str, exc: sqlite3.DatabaseError) -> tuple[int, str]:
    """An exit status and a message for an archive SQLite cannot read or write."""
    from archive.connection import refused_write, sqlite_code

    code, text = sqlite_code(exc), str(exc)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return 3, f"another program is writing to {db}; try again when it has finished"
    if code == sqlite3.SQLITE_NOTADB:
        return 2, f"{db} is not an SQLite database ({text})"
    if code == sqlite3.SQLITE_CORRUPT:
        return 2, f"{db} is damaged ({text}): restore it from a backup"
    if refused_write(exc):
        return 2, f"{db} cannot be written ({text}): is the disk full, or the file read-only?"
    return 2, f"{db}: {text}"


def cmd_crawl(args: argparse.Namespace) -> int:
    from procarchive.crawl import SAMPLE_SETTINGS, adhoc_sources, crawl, format_results
    from samples.sites import SAMPLE_PORTS, serve_samples

    try:
        server = serve_samples(ports=SAMPLE_PORTS) if args.samples else None
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        ports = f"{min(SAMPLE_PORTS.values())}-{max(SAMPLE_PORTS.values())}"
        raise RuntimeError(
            f"the sample sites' ports ({ports}) on 127.0.0.1 are in use: is another "
            "`procarchive crawl --samples` or `demo` running?"
        ) from None
    try:
        registry = _registry(args.registry, server.urls if server else None)
        chosen = _choose(registry, args.sources, bool(args.start_url)) + adhoc_sources(
            args.start_url
        )
        overrides = {**(SAMPLE_SETTINGS if server else {}), **_crawl_settings(args.set)}
        if getattr(args, "lpse", None):
            _check_lpses(args.lpse, chosen)
            overrides["PROCARCHIVE_LPSE"] = args.lpse
        if getattr(args, "years", None):
            _check_years(args.years)
            overrides["PROCARCHIVE_SPSE_YEARS"] = args.years
        agencies = [s.name for s in registry.values() if s.kind == "agency"]
        found = crawl(chosen, args.db, overrides, resume=args.resume, agency_sources=agencies)
    finally:
        if server:
            server.stop()
    print(format_results(found))
    return 0 if all(r.status == "ok" for r in found) else 1


def cmd_nightly(args: argparse.Namespace) -> int:
    from procarchive.crawl import format_results
    from procarchive.nightly import nightly

    registry = _registry(args.registry, None)
    found = nightly(list(registry.values()), args.db, _crawl_settings(args.set))
    print(format_results(found))
    return 0 if all(r.status == "ok" for r in found) else 1


def cmd_demo(args: argparse.Namespace) -> int:
    status = cmd_crawl(
        argparse.Namespace(
            sources=[], db=args.db, start_url=[], samples=True, registry=None, set=[], resume=False
        )
    )
    if status or args.no_serve:
        return status
    from procarchive.serve import serve

    serve(args.db, args.port)
    return 0


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return number


def migrated(path: str) -> str:
    """The archive at `path`, its schema brought up to date (the site's plugins and queries
    read tables that a newer version adds, such as articles_facet_counts)."""
    from archive.connection import open_archive

    open_archive(path, create=False).close()
    return path


def cmd_serve(args: argparse.Namespace) -> int:
    from procarchive import cores
    from procarchive.sensitive import redacted_copy
    from procarchive.serve import serve

    db: str | Path = migrated(args.db)
    if args.without_sensitive or args.public:
        # Beside it in public/; served under the configured name like any file (serve.py).
        db = redacted_copy(args.db, Path(args.db).parent / "public" / Path(args.db).name)
        print(f"Without sensitive data: {db}", flush=True)
    workers = args.workers or (cores() if args.public else 1)
    serve(db, args.port, args.host, public=args.public, workers=workers)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from procarchive.publish import publish

    out = publish(migrated(args.db), args.out)
    print(f"Published to {out}: see {out / 'README.md'} to deploy it")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from archive.connection import open_archive
    from procarchive.export import Filters, Progress, binary_output, export_xlsx

    filters = Filters(args.since, args.until, args.source, args.agency, args.search)
    if args.bom and args.format != "csv":
        raise ValueError("--bom is for --format csv")
    if args.format == "xlsx" and args.output is None:
        raise ValueError("--format xlsx needs -o FILE (a workbook is not text for a terminal)")
    if args.format == "ocds" and args.what != "notices":
        raise ValueError(f"--format ocds exports the notices, not {args.what}")
    if not Path(args.db).exists():
        raise FileNotFoundError(f"no archive at {args.db}: run `procarchive crawl` first")
    # A live line on the terminal, unless the rows themselves go there.
    progress = Progress(
        sys.stderr, live=sys.stderr.isatty() and bool(args.output or not sys.stdout.isatty())
    )
    db = open_archive(args.db, create=False)
    try:
        if args.format == "xlsx":
            with binary_output(args.output) as workbook:
                written = export_xlsx(
                    db, args.what, workbook, _settings(args.param), args.include_sensitive,
                    filters, progress=progress,
                )  # fmt: skip
        else:
            written = _export_text(args, db, filters, progress)
    finally:
        progress.finish()
        db.close()
    print(f"{written} {'releases' if args.format == 'ocds' else 'rows'} written", file=sys.stderr)
    return 0


def _export_text(args: argparse.Namespace, db: Any, filters: Any, progress: Any) -> int:
    """CSV, JSON, JSON Lines or OCDS to -o FILE (written whole or not at all) or stdout."""
    from procarchive.export import export_csv, export_json, export_ocds, output

    with output(args.output) as out:
        if args.format == "ocds":
            return export_ocds(
                db, out, package=args.ocds_package, prefix=args.ocid_prefix,
                include_sensitive=args.include_sensitive, filters=filters, progress=progress,
            )  # fmt: skip
        if args.format == "csv":
            return export_csv(
                db, args.what, out, _settings(args.param), args.include_sensitive, filters,
                bom=args.bom, progress=progress,
            )  # fmt: skip
        return export_json(
            db, args.what, out, _settings(args.param), args.include_sensitive, filters,
            lines=args.format == "jsonl", progress=progress,
        )  # fmt: skip


def cmd_extract(args: argparse.Namespace) -> int:
    from procarchive.crawl import project_settings
    from procarchive.extract import extract_files

    if args.url and len(args.url) != len(args.files):
        raise ValueError(f"--url given {len(args.url)} times for {len(args.files)} files")
    settings = project_settings("", _crawl_settings(args.set))  # "": no archive to read
    failed = 0
    for record in extract_files(args.files, args.url, load_registry(), settings):
        failed += "error" in record
        print(json.dumps(record, ensure_ascii=False), flush=False)
    return 1 if failed == len(args.files) else 0


def cmd_probe(args: argparse.Namespace) -> int:
    from procarchive.crawl import project_settings
    from procarchive.probe import probe, proposal, report

    if urlsplit(args.url).scheme not in ("http", "https") or not urlsplit(args.url).hostname:
        raise ValueError(f"{args.url}: not an http(s) URL")
    with tempfile.TemporaryDirectory() as scratch:  # the probe archives nothing
        settings = project_settings(Path(scratch) / "unused.db", _crawl_settings(args.set))
        found = probe(args.url, settings)
    entry = proposal(found, args.name)
    print(report(found, entry))
    return 0 if found.article_urls or found.spse else 1


def cmd_show_capture(args: argparse.Namespace) -> int:
    from procarchive.captures import capture_payload
    from procarchive.crawl import project_settings
    from scrapers.capture import warc_dir

    directory = warc_dir(project_settings(args.db))
    sys.stdout.buffer.write(capture_payload(args.db, args.capture_id, directory, args.raw))
    sys.stdout.buffer.flush()
    return 0


def cmd_link_mirrors(args: argparse.Namespace) -> int:
    from archive.connection import open_archive
    from procarchive.crawl import crawl_lock
    from procarchive.linking import link_archive

    registry = _registry(args.registry, None)
    with crawl_lock(args.db, existing=True):
        db = open_archive(args.db, create=False)
        linked = link_archive(
            db, [s.name for s in registry.values() if s.kind == "agency"], args.full
        )
        stories = db.execute(
            "SELECT count(*) FROM articles WHERE mirror_status = 'original'"
        ).fetchone()[0]
        db.close()
    print("\n".join([*linked.lines(), f"{stories} stories have reposts"]))
    return 0


def cluster_merge(args: argparse.Namespace) -> int:
    from procarchive.cluster import merge_announced, merge_shards

    registry = _registry(args.registry, None)
    agencies = [s.name for s in registry.values() if s.kind == "agency"]
    if args.shards:
        merged = merge_shards(args.shards, args.db, agencies, args.publish)
    else:
        from procarchive.jobqueue.commands import open_queue

        merged = merge_announced(open_queue(args), args.db, agencies, args.publish)
    rows = ", ".join(f"{table} {count}" for table, count in merged.counts.items())
    lines = [r.line() for r in merged.reports] or ["no shard to merge"]
    lines += [*(merged.linked.lines() if merged.linked else []), f"{args.db}: {rows}"]
    if merged.published:
        lines.append(f"published: {merged.published}")
    print("\n".join(lines))
    return 0


def cmd_reclassify(args: argparse.Namespace) -> int:
    from procarchive.crawl import crawl_lock
    from procarchive.reclassify import reclassify

    with crawl_lock(args.db, existing=True):
        kinds = reclassify(args.db)
    print(", ".join(f"{kind}: {count}" for kind, count in kinds.most_common()))
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from archive.connection import open_archive

    registry = _registry(
        SAMPLE_REGISTRY if args.samples else None, _placeholders() if args.samples else None
    )
    last: dict[str, dict[str, object]] = {}
    if Path(args.db).exists():
        db = open_archive(args.db, create=False)
        for row in db.query(
            "SELECT * FROM crawls WHERE id IN (SELECT max(id) FROM crawls GROUP BY source)"
        ):
            last[row["source"]] = row
        db.close()
    for source in registry.values():
        crawl = last.get(source.name)
        when = (
            f"last crawl {crawl['started_at']} {crawl['status']}, {crawl['items_new']} new"
            if crawl
            else "never crawled"
        )
        state = "" if source.enabled else " (disabled)"
        print(f"{source.name:<28}{source.spider:<18}{source.start_urls[0]:<52}{when}{state}")
        if crawl and crawl.get("cut_short"):
            print(f"{'':<28}{crawl['status']}: {crawl['cut_short']}")
        if crawl and crawl.get("drift"):
            print(f"{'':<28}drifted: {crawl['drift']}")
    return 0


def _registry(path: Path | None, base_urls: dict[str, str] | None) -> dict[str, Source]:
    return load_registry(path or (SAMPLE_REGISTRY if base_urls else LIVE_REGISTRY), base_urls)


def _settings(pairs: list[str]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--set takes NAME=VALUE, not {pair!r}")
        found[name.strip()] = value
    return found


def _crawl_settings(pairs: list[str]) -> dict[str, str]:
    """-s NAME=VALUE pairs, refused here where the value cannot be what the setting takes
    (the crawl would otherwise fail inside Scrapy, with a traceback)."""
    from scrapy.settings import Settings

    found = _settings(pairs)
    defaults = Settings()
    defaults.setmodule("scrapers.settings", priority="project")
    for name, value in found.items():
        default = defaults.get(name)
        try:
            if isinstance(default, bool):
                Settings({name: value}).getbool(name)
            elif isinstance(default, int | float):  # DOWNLOAD_DELAY's default is 0, not 0.0
                Settings({name: value}).getfloat(name)
        except ValueError:
            kind = "true or false" if isinstance(default, bool) else "a number"
            raise ValueError(f"-s {name}={value!r}: {name} takes {kind}") from None
    return found


def _check_lpses(slugs: str, sources: list[Source]) -> None:
    from scrapers.lpse import choose_lpses

    own = [e for s in sources for e in s.options.get("lpses") or [] if isinstance(e, dict)]
    try:
        choose_lpses(slugs, own)
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None


def _check_years(years: str) -> None:
    bad = [y for y in years.split(",") if y.strip() and not y.strip().isdigit()]
    if bad:
        raise ValueError(f"--years takes budget years such as 2026,2025, not {', '.join(bad)}")


def _placeholders() -> dict[str, str]:
    from samples.sites import SAMPLE_PORTS

    return {name: f"http://127.0.0.1:{port}" for name, port in SAMPLE_PORTS.items()}


def _choose(registry: dict[str, Source], names: list[str], adhoc: bool) -> list[Source]:
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise ValueError(f"unknown source(s): {', '.join(unknown)}; known: {', '.join(registry)}")
    if names:
        return [registry[n] for n in dict.fromkeys(names)]  # a source named twice runs once
    return [] if adhoc else [s for s in registry.values() if s.enabled]


def cmd_cluster(args: argparse.Namespace) -> int:
    if args.cluster_command == "merge" and args.shards:  # shards by path: no Redis needed
        return cluster_merge(args)
    try:
        from redis import RedisError
    except ImportError:
        raise RuntimeError(
            "the cluster commands need its extra: pip install 'procarchive[cluster]'"
        ) from None
    try:
        return int(args.cluster_run(args))
    except RedisError as exc:
        raise RuntimeError(f"the shared Redis: {exc}") from None


COMMANDS = {
    "crawl": cmd_crawl,
    "nightly": cmd_nightly,
    "demo": cmd_demo,
    "serve": cmd_serve,
    "export": cmd_export,
    "publish": cmd_publish,
    "extract": cmd_extract,
    "show-capture": cmd_show_capture,
    "reclassify": cmd_reclassify,
    "link-mirrors": cmd_link_mirrors,
    "sources": cmd_sources,
    "probe": cmd_probe,
    "cluster": cmd_cluster,
}

if __name__ == "__main__":
    sys.exit(main())
