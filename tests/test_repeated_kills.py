"""A crawl killed again and again (SIGKILL at seeded random points, each run resuming the
last) ends with the archive an uninterrupted crawl makes, table by table, and is consistent
after every kill."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tests.test_crash_safety import (
    check_consistent,
    registry,  # noqa: F401 (a fixture)
    start_crawl,
    wait_for_articles,
)
from tests.test_end_to_end import procarchive

# What a crawl's own clock and order decide (when a row was seen, by which crawl and from
# which capture, rowids): not the archive's content.
PER_CRAWL = {"first_seen_at", "last_seen_at", "crawl_id", "capture_id", "linked_at"}
ROWIDS = {"mou_parties": {"id"}}
TABLES = (
    "articles", "article_agencies", "article_urls", "article_versions", "mirror_links",
    "mous", "mou_parties", "articles_facet_counts", "documents", "document_links",
)  # fmt: skip
KILLS = 3


def contents(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows without the per-crawl columns, sorted; sketches by article id."""
    with sqlite3.connect(db) as conn:
        tables: dict[str, list[tuple[Any, ...]]] = {}
        for table in TABLES:
            columns = [row[1] for row in conn.execute(f"pragma table_info([{table}])")]
            dropped = PER_CRAWL | ROWIDS.get(table, set())
            kept = ", ".join(f"[{c}]" for c in columns if c not in dropped)
            tables[table] = sorted(
                conn.execute(f"select {kept} from [{table}]").fetchall(), key=repr
            )
        tables["article_sketches"] = sorted(
            conn.execute(
                "select s.hash, a.id from article_sketches s join articles a on a.rowid = "
                "s.article_rowid"
            ).fetchall()
        )
    return tables


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory, registry: Path) -> dict[str, Any]:  # noqa: F811
    workdir = tmp_path_factory.mktemp("uninterrupted")
    run = procarchive(
        "crawl", "--registry", str(registry), "--db", str(workdir / "archive.db"), cwd=workdir
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return contents(workdir / "archive.db")


@pytest.mark.parametrize("seed", [14, 2026, 7])
def test_a_crawl_killed_at_random_points_resumes_to_the_same_archive(
    tmp_path: Path,
    registry: Path,  # noqa: F811
    uninterrupted: dict[str, Any],
    seed: int,
) -> None:
    chance = random.Random(seed)
    total = len(uninterrupted["articles"])
    db = tmp_path / "archive.db"
    # Kill points: after this many articles are in the archive, then a random moment more.
    points = sorted(chance.sample(range(2, total - 5), KILLS))
    killed = 0
    for point in points:
        crawl = start_crawl(tmp_path, registry, "--resume")
        try:
            wait_for_articles(db, point, crawl)
        except AssertionError:
            crawl.wait(timeout=120)  # it finished first: nothing more to interrupt
            break
        time.sleep(chance.uniform(0, 0.4))
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait(timeout=60)
        killed += 1
        check_consistent(db)
    assert killed >= 2, f"only {killed} of the crawls could be killed before they ended"
    resumed = procarchive(
        "crawl", "--registry", str(registry), "--db", str(db), "--resume", cwd=tmp_path
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    check_consistent(db)
    assert contents(db) == uninterrupted
    assert not any((tmp_path / ".jobs").iterdir())
