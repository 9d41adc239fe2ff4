"""A cluster's nights: each night every job crawls into a fresh shard that starts from the
last merged archive's slice of its source (archive.seed, PROCARCHIVE_SEEN_DB), and the
shards are merged after the night. The merged archive must come out as one archive that
crawled itself every night would, and each job's crawl must cost and count what that
archive's own crawl did: the seen state is the merged archive's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.connection import open_archive
from archive.seed import SeedRefused, seed_shard
from samples.server import Page, SampleServer
from samples.sites import build_sites
from tests.conftest import procarchive, write_registry
from tests.test_merge import NIGHT_KEYS, merge, second_night, snapshot

SOURCES = ("lkpp_news", "spse")
# A crawl's figures that the seen state decides: what it fetched and what it found.
FIGURES = "source, pages_fetched, items_new, items_changed, items_unchanged, items_gone"


def crawl(db: Path, registry: Path, source: str, *settings: str) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    run = procarchive(
        "crawl", source, "--registry", str(registry), "--db", str(db),
        "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "PROCARCHIVE_REFRESH_SLICES=0",
        *(part for setting in settings for part in ("-s", setting)), cwd=db.parent,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]


def figures(db: Path) -> list[tuple[Any, ...]]:
    archive = open_archive(db, create=False)
    try:
        return archive.execute(f"SELECT {FIGURES} FROM crawls ORDER BY id").fetchall()
    finally:
        archive.close()


def failing_participants(server: SampleServer) -> None:
    """The SPSE site's participants pages answer 500 from now on."""
    site = server.sites["spse"]
    route = site.route

    def failing(path: str, query: dict[str, str]) -> Page:
        return Page.error(500, "Server error") if path.endswith("/peserta") else route(path, query)

    site.route = failing  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def cluster_nights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Three nights: edits, deletions and notice changes on night 2, the participants pages
    failing on night 3 (their bidders carried over, not dropped)."""
    work = tmp_path_factory.mktemp("seeded")
    server = SampleServer(build_sites()).start()
    try:
        registry = write_registry(work / "sources.yml", server.urls, only=SOURCES)
        one, merged = work / "one" / "archive.db", work / "merged" / "archive.db"
        merged.parent.mkdir()
        shard_figures, outputs = [], []
        for night in (1, 2, 3):
            if night == 2:
                second_night(server)
            if night == 3:
                failing_participants(server)
            shards = []
            for source in SOURCES:
                crawl(one, registry, source)
                shard = work / f"night{night}" / source / "shard.db"
                crawl(shard, registry, source, f"PROCARCHIVE_SEEN_DB={merged}")
                shards.append(shard)
                shard_figures.extend(figures(shard)[-1:])
            outputs.append(merge(merged, registry, *shards))
        yield {"one": one, "merged": merged, "shard_figures": shard_figures,
               "outputs": outputs, "work": work}  # fmt: skip
    finally:
        server.stop()


def test_nightly_seeded_shards_merge_into_the_archive_one_machine_makes(
    cluster_nights: dict[str, Any],
) -> None:
    one, merged = cluster_nights["one"], cluster_nights["merged"]
    assert snapshot(merged, NIGHT_KEYS) == snapshot(one, NIGHT_KEYS)
    db = open_archive(merged, create=False)
    try:
        gone = db.execute("SELECT count(*) FROM articles WHERE gone_at IS NOT NULL").fetchone()[0]
        bidders = db.execute("SELECT count(*) FROM notice_awards WHERE role = 'bidder'").fetchone()
    finally:
        db.close()
    assert gone == 2 and bidders[0] > 0


def test_each_job_fetches_and_counts_what_the_archives_own_crawl_did(
    cluster_nights: dict[str, Any],
) -> None:
    """Night 2 and 3 fetch far less than night 1 (archived pages are skipped or revalidated
    from the merged archive's captures), and find the same new, changed and gone."""
    shard_figures = cluster_nights["shard_figures"]
    assert shard_figures == figures(cluster_nights["one"])
    first, later = shard_figures[0][1], shard_figures[2][1]
    assert later < first / 2, shard_figures


def test_a_failed_page_carries_its_part_over_from_the_seen_state(
    cluster_nights: dict[str, Any],
) -> None:
    """Night 3's participants pages all failed: no notice lost its bidders."""
    third = cluster_nights["outputs"][2]
    assert "notice versions" not in third, third


def test_a_seeded_shard_holds_only_its_sources_slice(cluster_nights: dict[str, Any]) -> None:
    shard = cluster_nights["work"] / "night2" / "lkpp_news" / "shard.db"
    db = open_archive(shard, create=False)
    try:
        sources = {row[0] for row in db.execute("SELECT DISTINCT source FROM crawls")}
        notices = db.execute("SELECT count(*) FROM notices").fetchone()[0]
        articles = db.execute("SELECT count(DISTINCT source) FROM articles").fetchone()[0]
    finally:
        db.close()
    assert sources == {"lkpp_news"} and notices == 0 and articles == 1


def test_the_first_night_starts_empty_and_says_so(cluster_nights: dict[str, Any]) -> None:
    log = (cluster_nights["work"] / "night1").glob("*/shard.db")
    assert len(list(log)) == 2  # crawled although nothing was merged yet
    assert cluster_nights["shard_figures"][0][2] > 0  # every article new


def test_a_newer_seen_archive_is_refused(cluster_nights: dict[str, Any], tmp_path: Path) -> None:
    seen = tmp_path / "seen.db"
    newer = open_archive(seen)
    newer.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "SELECT migration_set, '9999_from_the_future', applied_at FROM _sqlite_migrations LIMIT 1"
    )
    newer.conn.commit()
    newer.close()
    shard = open_archive(tmp_path / "shard.db")
    try:
        with pytest.raises(SeedRefused, match="9999_from_the_future"):
            seed_shard(shard, seen, "lkpp_news")
        assert shard.table("articles").count == 0
    finally:
        shard.close()
