"""Large CSV exports masked and formatted by worker processes: the same bytes as one process
writes, in the rows' order, whether the workers read their own rows (a dataset to a file) or
are sent them, and whether they write the file or send the text back; a worker that dies or
fails stops the export, which then leaves no file; a commit as the workers begin sends the
export back to its one query; small exports start none."""

from __future__ import annotations

import io
import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from archive.connection import open_archive
from procarchive import export, export_shares, export_workers
from procarchive.cli import main
from procarchive.export import export_csv, output
from procarchive.export_shares import write_shares
from procarchive.sensitive import NPWP_MASK, PERSON
from tests.test_metadata import add_notices

ROWS = 1200
PRINTED, BARE = "01.234.567.8-901.000", "0123456789012345"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """add_notices' archive (Budi Santoso is its person supplier), with ROWS articles that
    name him and print tax numbers in their texts, titles and URLs."""
    path = tmp_path / "archive.db"
    db = open_archive(path)
    add_notices(db)
    db.table("articles").insert_all(
        {"id": f"a{number:06d}", "source": "news", "content_hash": "h",
         "url": f"https://news.test/{number}/budi-santoso/{PRINTED}",
         "title": f"Tender {number}: BUDI santoso menang", "agencies": '["LKPP", "Budi Santoso"]',
         "text": f'Pemenang Budi\nSantoso, NPWP {PRINTED} ({BARE}), "kontrak" {number}.\n' * 3,
         "published_at": "2026-05-05", "first_seen_at": "2026-05-05", "last_seen_at": "2026-05-05"}
        for number in range(ROWS)
    )  # fmt: skip
    db.close()
    return path


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """The workers started: whether they read their rows themselves ("shares") or are sent
    them ("sent"), and how many; small batches and tasks, workers past 100 rows."""
    started: list[tuple[str, int]] = []

    class Counted(ProcessPoolExecutor):
        def __init__(self, workers: int, **kwargs: Any) -> None:
            started.append(("sent", workers))
            super().__init__(workers, **kwargs)

    def counted_shares(*args: Any) -> int | None:
        started.append(("shares", args[-1]))
        return write_shares(*args)

    monkeypatch.setattr(export_workers, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(export, "write_shares", counted_shares)
    monkeypatch.setattr(export, "BATCH", 37)
    monkeypatch.setattr(export_workers, "IN_PROCESS_ROWS", 100)
    monkeypatch.setattr(export_workers, "TASK_ROWS", 10)  # batches cut in tasks
    return started


def _in_one_process(archive: Path, what: str = "articles") -> str:
    buffer = io.StringIO()
    export_csv(open_archive(archive, create=False), what, buffer, workers=0)
    return buffer.getvalue()


def test_workers_write_what_one_process_writes(
    archive: Path, tmp_path: Path, pools: list[tuple[str, int]]
) -> None:
    expected = _in_one_process(archive)
    assert expected.count(PERSON) >= 3 * ROWS and expected.count(NPWP_MASK) >= 6 * ROWS
    assert "santoso" not in expected.lower() and PRINTED not in expected and BARE not in expected
    ids = [line.split(",", 1)[0] for line in expected.splitlines() if line.startswith("a0")]
    assert ids == sorted(ids) and len(ids) == ROWS  # the rows' order
    db = open_archive(archive, create=False)
    for workers in (1, 2):
        written = tmp_path / f"workers-{workers}.csv"
        with output(written) as out:  # a file: the workers write it, each in its turn
            assert export_csv(db, "articles", out, workers=workers, bom=True) == ROWS + 1
        assert written.read_bytes() == ("\ufeff" + expected).encode("utf-8")
        sent = io.StringIO()  # no file: the workers send their text back
        export_csv(db, "articles", sent, workers=workers)
        assert sent.getvalue() == expected
    assert pools == [("shares", 1), ("sent", 1), ("shares", 2), ("sent", 2)]
    with_names = io.StringIO()
    export_csv(db, "articles", with_names, include_sensitive=True, workers=2)
    assert with_names.getvalue().count(PRINTED) >= 4 * ROWS  # nothing masked, as asked


def test_a_small_export_starts_no_worker(archive: Path, pools: list[tuple[str, int]]) -> None:
    db = open_archive(archive, create=False)
    export_csv(db, "notices", io.StringIO(), workers=2)
    export_csv(db, "articles", io.StringIO(), workers=0)
    assert pools == []


def test_a_worker_that_dies_stops_the_export_and_leaves_no_file(
    archive: Path, tmp_path: Path, pools: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    exporter = os.getpid()
    masked = export._redacted_csv

    def dies_in_a_worker(redact: Any, batch: Any) -> str:
        if os.getpid() != exporter and any(row[0] == "a000900" for row in batch):
            os._exit(9)  # as the kernel's out-of-memory killer would leave it
        return masked(redact, batch)

    monkeypatch.setattr(export, "_redacted_csv", dies_in_a_worker)
    monkeypatch.setattr(export_workers, "worker_count", lambda: 2)
    out = tmp_path / "articles.csv"
    out.write_text("an earlier export\n")
    assert main(["export", "articles", "--db", str(archive), "-o", str(out)]) == 2
    assert "a worker process of the export stopped" in capsys.readouterr().err
    assert pools == [("shares", 2)]
    assert out.read_text() == "an earlier export\n"
    assert [p.name for p in tmp_path.iterdir() if "archive.db" not in p.name] == [out.name]


def test_an_error_in_a_worker_is_raised_by_the_export(
    archive: Path, pools: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    exporter = os.getpid()
    masked = export._redacted_csv

    def fails_in_a_worker(redact: Any, batch: Any) -> str:
        if os.getpid() != exporter:
            raise UnicodeError(f"cannot format {batch[0][0]}")
        return masked(redact, batch)

    monkeypatch.setattr(export, "_redacted_csv", fails_in_a_worker)
    with pytest.raises(UnicodeError, match="cannot format "):
        export_csv(open_archive(archive, create=False), "articles", io.StringIO(), workers=2)


def test_a_worker_that_fails_on_one_batch_stops_the_others(
    archive: Path, tmp_path: Path, pools: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers after the failed batch do not wait for its turn forever."""
    exporter = os.getpid()
    masked = export._redacted_csv

    def fails_once(redact: Any, batch: Any) -> str:
        if os.getpid() != exporter and any(row[0] == "a000500" for row in batch):
            raise UnicodeError("cannot format a000500")
        return masked(redact, batch)

    monkeypatch.setattr(export, "_redacted_csv", fails_once)
    with pytest.raises(UnicodeError, match="a000500"), output(tmp_path / "out.csv") as out:
        export_csv(open_archive(archive, create=False), "articles", out, workers=2)
    assert pools == [("shares", 2)]
    assert not (tmp_path / "out.csv").exists()


def test_an_archive_written_to_as_the_workers_begin_is_read_the_usual_way(
    archive: Path, tmp_path: Path, pools: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crawl commits between the choice of the rows and the workers' first read: their
    snapshot could be another, so they write nothing and the export reads one query."""
    begin = export_shares.RowidReader.begin

    def crawl_commits_first(reader: export_shares.RowidReader) -> None:
        with sqlite3.connect(reader.path) as crawl:
            crawl.execute(
                "INSERT OR IGNORE INTO articles (id, url, source, content_hash, text, "
                "first_seen_at, last_seen_at) VALUES ('a999999', 'https://news.test/new', "
                "'news', 'h', 'Berita baru', '2026-05-06', '2026-05-06')"
            )
        crawl.close()
        begin(reader)

    monkeypatch.setattr(export_shares.RowidReader, "begin", crawl_commits_first)
    written = tmp_path / "articles.csv"
    with output(written) as out:
        assert export_csv(open_archive(archive, create=False), "articles", out) == ROWS + 2
    assert pools == [("shares", 2), ("sent", 2)]
    text = written.read_bytes().decode("utf-8")
    assert text == _in_one_process(archive) and "a999999" in text


def test_a_worker_whose_exporter_is_gone_does_not_wait_for_its_turn(tmp_path: Path) -> None:
    import multiprocessing

    with open(tmp_path / "out", "wb") as file:
        turn = export_workers.Turn(multiprocessing.get_context("fork"), file.fileno())
        turn.exporter = -1  # as a worker sees it once the exporter was killed
        assert turn.write_bytes(3, b"not written") is False
        assert turn.write_bytes(0, b"batch 0") is True  # its turn: no wait
    assert (tmp_path / "out").read_bytes() == b"batch 0"
