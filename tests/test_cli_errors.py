"""What goes wrong around the archive ends with a message and a status, never a traceback:
a garbage or truncated database, another program writing to it, a read-only folder, a
full disk, the sample sites' ports taken, a capture path that leaves the WARC folder."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.connection import open_archive, refused_write
from procarchive.cli import main
from samples.server import SampleServer
from samples.sites import SAMPLE_PORTS, build_sites
from tests.conftest import ROOT, procarchive, write_registry

# Every command that opens the archive, with what it needs besides --db.
COMMANDS = {
    "crawl": ["crawl", "--start-url", "http://127.0.0.1:9/"],
    "nightly": ["nightly", "--registry", "REGISTRY"],
    "export": ["export", "articles"],
    "export-ocds": ["export", "--format", "ocds"],
    "show-capture": ["show-capture", "x.warc.gz#0"],
    "reclassify": ["reclassify"],
    "link-mirrors": ["link-mirrors"],
    "sources": ["sources"],
    "serve": ["serve"],
    "publish": ["publish", "OUT"],
}


def run(
    tmp_path: Path, command: str, db: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    registry = tmp_path / "empty.yml"
    registry.write_text("sources: []\n", encoding="utf-8")
    args = [
        str(registry) if a == "REGISTRY" else str(tmp_path / "out") if a == "OUT" else a
        for a in COMMANDS[command]
    ]
    return procarchive(*args, "--db", str(db), cwd=tmp_path, timeout=timeout)


def assert_message(result: subprocess.CompletedProcess[str], status: int, *words: str) -> None:
    assert result.returncode == status, (result.returncode, result.stderr[-3000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("procarchive: "), last
    for word in words:
        assert word in last, (word, last)


def a_real_archive(path: Path) -> Path:
    db = open_archive(path)
    db.table("crawls").insert({"source": "x", "status": "ok", "started_at": "2026-01-01"})
    db.close()
    return path


@pytest.mark.parametrize("command", COMMANDS)
def test_a_garbage_database_is_named_not_traced(tmp_path: Path, command: str) -> None:
    db = tmp_path / "archive.db"
    db.write_bytes(b"\x00garbage, not SQLite" * 400)
    before = db.read_bytes()
    assert_message(run(tmp_path, command, db), 2, str(db), "not an SQLite database")
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    "command",
    ["export", "export-ocds", "reclassify", "link-mirrors", "serve", "publish", "show-capture"],
)
def test_an_empty_or_foreign_database_is_not_taken_for_an_archive(
    tmp_path: Path, command: str
) -> None:
    empty = tmp_path / "archive.db"
    empty.touch()
    assert_message(run(tmp_path, command, empty), 2, "not a procarchive archive")
    assert empty.stat().st_size == 0  # no schema written into it
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("create table birds (name text)")
    conn.close()
    assert_message(run(tmp_path, command, foreign), 2, "not a procarchive archive")
    tables = sqlite3.connect(foreign).execute("select name from sqlite_master").fetchall()
    assert tables == [("birds",)]


def test_a_truncated_archive_is_named_not_traced(tmp_path: Path) -> None:
    whole = a_real_archive(tmp_path / "whole.db")
    db = tmp_path / "archive.db"
    db.write_bytes(whole.read_bytes()[: 30 * 4096])
    for command in ("export", "sources", "reclassify"):
        result = run(tmp_path, command, db)
        assert_message(result, 2, str(db))


@pytest.fixture
def writer_holding(tmp_path: Path) -> Iterator[Path]:
    """Another program in the middle of a write transaction on the archive."""
    db = a_real_archive(tmp_path / "archive.db")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); c.execute('insert into crawls (source) values (1)')\n"
         "print('holding', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    yield db
    holder.kill()
    holder.wait()


@pytest.mark.parametrize("command", ["crawl", "reclassify", "link-mirrors"])
def test_an_archive_another_program_writes_to_is_refused_at_once(
    tmp_path: Path, writer_holding: Path, command: str
) -> None:
    result = run(tmp_path, command, writer_holding, timeout=25)  # it waited 31 s before
    assert_message(result, 3, "another program", "is writing")


def without_root_powers() -> list[str]:
    """A command prefix under which file permissions hold, for root too (which writes
    anywhere): util-linux's setpriv, without the capability to override them."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    drop = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={drop}", f"--bounding-set={drop}", "--"]


def test_a_read_only_folder_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    a_real_archive(folder / "archive.db")
    folder.chmod(0o555)
    try:
        result = subprocess.run(
            [*without_root_powers(), sys.executable, "-m", "procarchive.cli", "crawl",
             "--start-url", "http://127.0.0.1:9/", "--db", str(folder / "archive.db")],
            cwd=folder, capture_output=True, text=True, timeout=120,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    finally:
        folder.chmod(0o755)
    assert_message(result, 2, str(folder))


def test_a_full_disk_ends_the_crawl_with_a_reason_and_a_summary(tmp_path: Path) -> None:
    with SampleServer(build_sites(generated=300)) as server:
        registry = write_registry(tmp_path / "sources.yml", server.urls, only=("lkpp_news",))
        db = tmp_path / "archive.db"
        open_archive(db).close()  # the schema fits; the articles will not

        def small_disk() -> None:  # files stop growing past 1.5 MB: the disk is full
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (1_500_000, 1_500_000))

        result = subprocess.run(
            [sys.executable, "-m", "procarchive.cli", "crawl", "--registry", str(registry),
             "--db", str(db), "-s", "AUTOTHROTTLE_START_DELAY=0"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300, preexec_fn=small_disk,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "cannot be written" in result.stderr
    summary = result.stdout.splitlines()
    assert summary[1].split()[:2] == ["lkpp_news", "failed"] and summary[-1] == "failed: lkpp_news"
    requests = [line for line in result.stderr.splitlines() if "Failed http" in line]
    assert len(requests) < 50, len(requests)  # the crawl stopped, it did not fail every page
    row = open_archive(db, create=False).execute("select status from crawls").fetchall()
    assert row in ([("failed",)], [("running",)])  # recorded, or left for the next crawl
    again = procarchive("crawl", "--registry", str(registry), "--db", str(db), cwd=tmp_path)
    statuses = open_archive(db, create=False).execute("select status from crawls").fetchall()
    assert statuses[0] in (("failed",), ("interrupted",)) and again.returncode in (0, 1)


def test_sample_ports_in_use_are_named(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        taken.bind(("127.0.0.1", SAMPLE_PORTS["lkpp"]))
    except OSError:
        pytest.skip("the sample ports are in use by something else on this machine")
    taken.listen()
    try:
        result = procarchive("crawl", "--samples", "--db", str(tmp_path / "a.db"), cwd=tmp_path)
    finally:
        taken.close()
    assert_message(result, 3, str(SAMPLE_PORTS["lkpp"]), "in use")


def test_show_capture_never_reads_outside_the_warc_folder(tmp_path: Path) -> None:
    db = a_real_archive(tmp_path / "archive.db")
    conn = sqlite3.connect(db)
    for identifier, path in (("up", "../../../../etc/passwd"), ("abs", "/etc/passwd")):
        conn.execute(
            "insert into captures (id, url, warc_file, warc_offset, record_type) "
            "values (?, 'http://x/', ?, 0, 'response')",
            [identifier, path],
        )
    conn.commit()
    conn.close()
    for identifier in ("up", "abs"):
        result = procarchive("show-capture", identifier, "--db", str(db), cwd=tmp_path)
        assert_message(result, 2, "outside")
        assert "root:" not in result.stdout + result.stderr


def test_show_capture_names_what_is_wrong_with_a_capture(tmp_path: Path) -> None:
    db = a_real_archive(tmp_path / "archive.db")
    (tmp_path / "warcs").mkdir()
    (tmp_path / "warcs" / "garbage.warc.gz").write_bytes(b"not a WARC file at all" * 50)
    conn = sqlite3.connect(db)
    for row in (
        ("dangling", "revisit", "gone", "a.warc.gz"),  # revisits a capture that is not there
        ("self", "revisit", "self", "a.warc.gz"),  # revisits itself (it hung before)
        ("nofile", "response", None, None),
        ("garbage", "response", None, "garbage.warc.gz"),
    ):
        conn.execute(
            "insert into captures (id, url, record_type, revisit_of, warc_file, warc_offset) "
            "values (?, 'http://x/', ?, ?, ?, 0)",
            row,
        )
    conn.commit()
    conn.close()
    expected = {"dangling": "no capture 'gone'", "self": "revisits itself",
                "nofile": "names no WARC record", "garbage": "no readable WARC record"}  # fmt: skip
    for identifier, words in expected.items():
        result = procarchive("show-capture", identifier, "--db", str(db), cwd=tmp_path, timeout=30)
        assert_message(result, 2, words)


def test_only_a_refused_write_counts_as_the_disk_refusing() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("create table t (x)")
    conn.execute("pragma max_page_count = 2")  # the database can grow no further: SQLITE_FULL
    with pytest.raises(sqlite3.OperationalError) as full:
        conn.execute("insert into t values (?)", ["x" * 100_000])
    with pytest.raises(sqlite3.OperationalError) as bug:
        conn.execute("select nosuch from t")
    assert refused_write(full.value) and not refused_write(bug.value)
    assert refused_write(OSError(errno.ENOSPC, "No space left on device"))
    assert not refused_write(OSError(errno.ECONNREFUSED, "Connection refused"))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["crawl", "spse", "--lpse", "nosuch"], "unknown LPSE 'nosuch'"),
        (["crawl", "spse", "--years", "abc"], "--years takes budget years"),
        (["crawl", "--start-url", "http://127.0.0.1:9/", "-s", "CONCURRENT_REQUESTS=abc"],
         "CONCURRENT_REQUESTS takes a number"),
        (["crawl", "--start-url", "http://127.0.0.1:9/", "-s", "ROBOTSTXT_OBEY=maybe"],
         "ROBOTSTXT_OBEY takes true or false"),
        (["reclassify", "--db", "/nonexistent/archive.db"], "no archive at /nonexistent"),
        (["crawl", "--start-url", "http://127.0.0.1:9/", "--db", "/nonexistent/archive.db"],
         "no folder /nonexistent"),
    ],
)  # fmt: skip
def test_bad_values_are_named_before_any_crawl_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    if "--db" not in args:
        args = [*args, "--db", str(tmp_path / "archive.db")]
    assert main(args) == 2
    assert words in capsys.readouterr().err


def test_settings_of_the_right_kind_pass() -> None:
    from procarchive.cli import _crawl_settings

    good = ["DOWNLOAD_DELAY=0.05", "ROBOTSTXT_OBEY=False", "LOG_LEVEL=INFO", "RETRY_TIMES=0"]
    assert _crawl_settings(good) == dict(pair.split("=") for pair in good)
