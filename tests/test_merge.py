"""Shards (one job's archive each) merged into one archive: real crawls of the sample sites
on ephemeral loopback ports, merged with `procarchive cluster merge`, against one archive
that crawled the same sources itself."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.connection import open_archive
from archive.merge import DERIVED, MERGED, ShardRefused, known_table, merge_shard
from archive.warc import read_record
from samples.server import SampleServer
from samples.sites import build_sites
from tests.conftest import procarchive, write_registry

SOURCES = ("lkpp_news", "catatan_pengadaan", "spse")
# What one archive and the merged shards must agree on, table by table: natural keys and
# the content they carry (row ids, times and WARC names differ between two crawls).
NIGHT_KEYS = {
    "articles": "id, source, content_hash, gone_at IS NULL, mirror_of, mirror_status, kind",
    "article_versions": "article_id, content_hash",
    "article_urls": "url_id, article_id",
    "article_agencies": "article_id, agency, mentions",
    "mous": "article_id, signing_id",
    "mou_parties": "article_id, agency, role, person",
    "mou_signings": "id, reports",
    "mirror_links": "copy_id, original_id",
    "article_notices": "article_id, notice_id",
    "articles_facet_counts": "source, kind, year, month, n",
    "notices": "id, version, content_hash, status, announced_at, realised, gone_at IS NULL",
    "notice_versions": "notice_id, version, changes, record",
    "notice_schedule": "notice_id, position, stage, starts_at, ends_at",
    "notice_awards": "notice_id, position, role, supplier_name, npwp, since_version",
    "documents": "id, sha256, superseded_at IS NULL",
    "document_links": "document_url, parent_type, parent_id",
    "agencies": "name",
    "flag_thresholds": "indicator, method_like, threshold",
}
FIRST_NIGHT_KEYS = {
    **NIGHT_KEYS,
    "crawls": "source, spider, status, pages_fetched, items_new",
    "captures": "url, status, method",  # a listing's payload carries a session token
}


def snapshot(path: Path, keys: dict[str, str]) -> dict[str, list[str]]:
    db = open_archive(path, create=False)
    try:
        return {
            table: sorted(map(repr, db.execute(f"SELECT {columns} FROM [{table}]")))
            for table, columns in keys.items()
        }
    finally:
        db.close()


def derived_storage(table: str) -> bool:
    """Tables whose rows are storage, not content: the full-text indexes' segments (merged
    differently by each optimize), the planner's statistics, the record of merges."""
    return (
        table.startswith("sqlite_stat")
        or table == "merged_shards"
        or ("_fts_" in table and not table.endswith("_fts_content"))
    )


def row_counts(path: Path) -> dict[str, int]:
    db = open_archive(path, create=False)
    try:
        return {t: db.table(t).count for t in db.table_names() if not derived_storage(t)}
    finally:
        db.close()


def content(path: Path) -> dict[str, list[str]]:
    """Every row of every table but derived storage, in a stable order."""
    db = open_archive(path, create=False)
    try:
        return {
            t: sorted(map(repr, db.execute(f"SELECT * FROM [{t}]")))
            for t in db.table_names()
            if not derived_storage(t)
        }
    finally:
        db.close()


def searched(path: Path, term: str) -> list[int]:
    """Matches of `term` in the articles' and the notices' full-text indexes."""
    db = open_archive(path, create=False)
    try:
        return [
            db.execute(f"SELECT count(*) FROM {t}_fts WHERE {t}_fts MATCH ?", [term]).fetchone()[0]
            for t in ("articles", "notices")
        ]
    finally:
        db.close()


def crawl_into(folder: Path, registry: Path, *sources: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "archive.db"
    run = procarchive(
        "crawl", *sources, "--registry", str(registry), "--db", str(db),
        "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "PROCARCHIVE_REFRESH_SLICES=0", cwd=folder,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return db


def merge(db: Path, registry: Path, *shards: Path) -> str:
    run = procarchive(
        "cluster", "merge", *map(str, shards), "--db", str(db), "--registry", str(registry),
        cwd=db.parent,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


def copy_archive(db: Path, to: Path) -> Path:
    """The archive and its WARC folder, as they are now."""
    to.mkdir(parents=True)
    source = sqlite3.connect(db)
    source.execute("VACUUM INTO ?", [str(to / "archive.db")])
    source.close()
    if (db.parent / "warcs").is_dir():
        shutil.copytree(db.parent / "warcs", to / "warcs")
    return to / "archive.db"


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Two nights of the same sites: one archive crawling all three sources each night;
    night 1 also as two shards (the agency with the notices, the mirror), night 2 as one
    fresh shard after edits and notice changes."""
    work = tmp_path_factory.mktemp("merge")
    server = SampleServer(build_sites()).start()
    try:
        registry = write_registry(work / "sources.yml", server.urls, only=SOURCES)
        one = crawl_into(work / "one", registry, *SOURCES)
        found = {
            "registry": registry,
            "one_night1": copy_archive(one, work / "one_night1"),
            "shard_a": crawl_into(work / "shard_a", registry, "lkpp_news", "spse"),
            "shard_b": crawl_into(work / "shard_b", registry, "catatan_pengadaan"),
        }
        agency = server.sites["lkpp"]
        for article in agency.articles[3:5]:  # type: ignore[attr-defined]
            agency.edit(article.slug)  # type: ignore[attr-defined]
        server.sites["spse"].advance()  # type: ignore[attr-defined]
        crawl_into(work / "one", registry, *SOURCES)
        found["one_night2"] = one
        found["shard_night2"] = crawl_into(work / "shard_night2", registry, *SOURCES)
        merged = work / "merged" / "archive.db"
        merged.parent.mkdir()
        found["merge_output"] = Path(merge(merged, registry, found["shard_a"], found["shard_b"]))
        found["merged_night1"] = copy_archive(merged, work / "merged_night1")
        merge(merged, registry, found["shard_night2"])
        found["merged"] = merged
        yield found
    finally:
        server.stop()


def test_two_shards_merged_equal_one_archive_crawling_both(nights: dict[str, Path]) -> None:
    merged, one = nights["merged_night1"], nights["one_night1"]
    assert snapshot(merged, FIRST_NIGHT_KEYS) == snapshot(one, FIRST_NIGHT_KEYS)
    counts = row_counts(merged)
    assert counts == row_counts(one)
    assert counts["articles"] > 40 and counts["notices"] > 100 and counts["mirror_links"] > 0
    for term in ("pengadaan", "jalan"):
        assert searched(merged, term) == searched(one, term) != [0, 0]


def test_merge_prints_what_it_merged_and_linked(nights: dict[str, Path]) -> None:
    output = str(nights["merge_output"])
    assert "shard_a/archive.db: crawls 2, captures" in output
    assert "Mirror linking:" in output and "reposts linked" in output


def test_a_shard_merged_twice_changes_nothing(nights: dict[str, Path], tmp_path: Path) -> None:
    db = copy_archive(nights["merged_night1"], tmp_path / "again")
    before, warcs = content(db), sorted((db.parent / "warcs").iterdir())
    output = merge(db, nights["registry"], nights["shard_b"], nights["shard_a"])
    assert output.count("already merged") == 2
    archive = open_archive(db)
    try:  # past the record of merges: every row met again, nothing written
        archive.execute("DELETE FROM merged_shards")
        reports = [merge_shard(archive, nights[name]) for name in ("shard_a", "shard_b")]
    finally:
        archive.close()
    written = ("article new", "article changed", "article seen", "article gone", "captures")
    assert all(sum(r.counts[key] for key in written) == 0 for r in reports)
    assert all(r.counts["notice versions"] == 0 and r.warc_files == 0 for r in reports)
    assert content(db) == before
    assert sorted((db.parent / "warcs").iterdir()) == warcs


def test_second_night_shard_adds_versions_not_duplicates(nights: dict[str, Path]) -> None:
    merged, first = row_counts(nights["merged"]), row_counts(nights["merged_night1"])
    assert merged["articles"] == first["articles"] and merged["article_versions"] == 2
    assert merged["notices"] > first["notices"]  # the sample publishes new packages
    assert merged["notice_versions"] > merged["notices"]
    assert merged["crawls"] == first["crawls"] + len(SOURCES)
    assert snapshot(nights["merged"], NIGHT_KEYS) == snapshot(nights["one_night2"], NIGHT_KEYS)
    db = open_archive(nights["merged"], create=False)
    try:
        edited = db.execute(
            "SELECT count(*) FROM articles a JOIN article_versions v ON v.article_id = a.id "
            "WHERE a.content_hash != v.content_hash AND v.superseded_at <= a.last_seen_at"
        ).fetchone()[0]
        dated = db.execute(
            "SELECT count(*) FROM articles WHERE first_seen_at > last_seen_at"
        ).fetchone()[0]
    finally:
        db.close()
    assert (edited, dated) == (2, 0)


def test_warc_records_still_readable_after_the_merge(nights: dict[str, Path]) -> None:
    db = open_archive(nights["merged"], create=False)
    try:
        captures = list(db.query("SELECT * FROM captures"))
        cited = db.execute(
            "SELECT count(*) FROM articles a LEFT JOIN captures c ON c.id = a.capture_id "
            "WHERE a.capture_id IS NOT NULL AND c.id IS NULL"
        ).fetchone()[0]
    finally:
        db.close()
    assert len(captures) > 1000 and cited == 0
    warcs = nights["merged"].parent / "warcs"
    for capture in captures:
        record = read_record(warcs / capture["warc_file"], capture["warc_offset"])
        assert record.type == capture["record_type"]
        if record.type == "response":
            assert hashlib.sha256(record.received).hexdigest() == capture["payload_sha256"]


def test_a_shard_with_a_newer_schema_is_refused(nights: dict[str, Path], tmp_path: Path) -> None:
    shard = copy_archive(nights["shard_b"], tmp_path / "newer")
    with sqlite3.connect(shard) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('procarchive', '9999_from_the_future', '2027-01-01')"
        )
    db = copy_archive(nights["merged_night1"], tmp_path / "archive")
    before = content(db)
    run = procarchive("cluster", "merge", str(shard), "--db", str(db), cwd=tmp_path)
    assert run.returncode == 2
    assert "newer schema" in run.stderr and "9999_from_the_future" in run.stderr
    assert content(db) == before


def test_a_refused_shard_stops_the_merge_there_and_what_came_before_is_linked(
    nights: dict[str, Path], tmp_path: Path
) -> None:
    newer = copy_archive(nights["shard_b"], tmp_path / "newer")
    with sqlite3.connect(newer) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('procarchive', '9999_from_the_future', '2027-01-01')"
        )
    db = tmp_path / "archive.db"
    shards = (nights["shard_b"], newer, nights["shard_a"])
    run = procarchive("cluster", "merge", *map(str, shards), "--db", str(db), cwd=tmp_path)
    assert run.returncode == 2 and "9999_from_the_future" in run.stderr
    merged = open_archive(db, create=False)
    try:
        counts = {
            t: merged.table(t).count for t in ("merged_shards", "notices", "article_sketches")
        }
        articles = merged.table("articles").count
    finally:
        merged.close()
    assert counts["merged_shards"] == 1 and counts["notices"] == 0  # shard_a never reached
    assert articles == row_counts(nights["shard_b"])["articles"] and counts["article_sketches"] > 0


def test_a_shard_with_an_unknown_table_is_refused(nights: dict[str, Path], tmp_path: Path) -> None:
    shard = copy_archive(nights["shard_b"], tmp_path / "unknown")
    with sqlite3.connect(shard) as conn:
        conn.execute("CREATE TABLE tender_gossip (id INTEGER PRIMARY KEY, said TEXT)")
    archive = open_archive(tmp_path / "archive.db")
    try:
        with pytest.raises(ShardRefused, match="tender_gossip"):
            merge_shard(archive, shard)
        assert archive["articles"].count == 0
    finally:
        archive.close()


def test_an_older_shard_is_migrated_then_merged(nights: dict[str, Path], tmp_path: Path) -> None:
    """A shard made before 0024: its notices' realised totals are empty until it migrates."""
    shard = copy_archive(nights["shard_a"], tmp_path / "older")
    with sqlite3.connect(shard) as conn:
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0024_realised_from_awards'")
        conn.execute("UPDATE notices SET realised = NULL, completed_on = NULL")
    archive = open_archive(tmp_path / "archive.db")
    try:
        report = merge_shard(archive, shard)
        merged = archive.execute("SELECT id, realised FROM notices ORDER BY id").fetchall()
    finally:
        archive.close()
    expected = (
        sqlite3.connect(nights["shard_a"])
        .execute("SELECT id, realised FROM notices ORDER BY id")
        .fetchall()
    )
    assert report.counts["notice versions"] == len(expected)
    assert merged == expected and any(realised for _, realised in merged)


def test_a_warc_file_that_differs_from_the_archives_is_refused_not_overwritten(
    nights: dict[str, Path], tmp_path: Path
) -> None:
    shard = copy_archive(nights["shard_b"], tmp_path / "shard")
    db = copy_archive(nights["merged_night1"], tmp_path / "archive")
    (name,) = [p.name for p in (shard.parent / "warcs").iterdir()]
    clashing = db.parent / "warcs" / name
    clashing.write_bytes(b"another crawl's records")
    archive = open_archive(db)
    try:
        archive.execute("DELETE FROM merged_shards")
        with pytest.raises(ShardRefused, match="differs"):
            merge_shard(archive, shard)
    finally:
        archive.close()
    assert clashing.read_bytes() == b"another crawl's records"
    assert (shard.parent / "warcs" / name).stat().st_size > 1000


def test_the_archive_is_not_merged_into_itself(nights: dict[str, Path], tmp_path: Path) -> None:
    db = copy_archive(nights["merged_night1"], tmp_path / "archive")
    archive = open_archive(db)
    try:
        with pytest.raises(ShardRefused, match="the archive itself"):
            merge_shard(archive, db)
    finally:
        archive.close()


# A job that keeps its shard from night to night: the shard holds the source's whole
# history, merged after every night; the archive must come out as the shard itself.
HISTORY_KEYS = {
    "articles": "id, content_hash, first_seen_at, last_seen_at, gone_at, gone_reason, unlisted_at",
    "article_versions": "article_id, content_hash, first_seen_at, last_seen_at, superseded_at, "
    "gone_at",
    "article_urls": "url_id, article_id, first_seen_at, last_seen_at",
    "notices": "id, version, content_hash, first_seen_at, last_seen_at, last_changed_at, "
    "status, announced_at, realised",
    "notice_versions": "notice_id, version, seen_at, changes, record, capture_id",
    "notice_schedule": "notice_id, position, stage, starts_at, ends_at, changes",
    "notice_awards": "notice_id, position, role, supplier_name, since_version",
    "documents": "id, first_seen_at, last_seen_at, superseded_at",
    "captures": "id, url, fetched_at, record_type, revisit_of",
}


def second_night(server: SampleServer) -> None:
    """What changes on the sample sites by night 2: two articles edited, two deleted (gone
    after two walks), the notices a stage on."""
    agency = server.sites["lkpp"]
    slugs = [article.slug for article in agency.articles]  # type: ignore[attr-defined]
    for slug in slugs[3:5]:
        agency.edit(slug)  # type: ignore[attr-defined]
    for slug in (slugs[10], slugs[20]):
        agency.delete(slug)  # type: ignore[attr-defined]
    server.sites["spse"].advance()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def kept_shard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Three nights of the agency and the notices into one shard, merged after each: edits
    and notice changes on night 2, two articles deleted (gone after two walks)."""
    work = tmp_path_factory.mktemp("kept")
    server = SampleServer(build_sites()).start()
    try:
        registry = write_registry(work / "sources.yml", server.urls, only=("lkpp_news", "spse"))
        archive = work / "archive" / "archive.db"
        archive.parent.mkdir()
        outputs = []
        for night in (1, 2, 3):
            if night == 2:
                second_night(server)
            sources = ("lkpp_news", "spse") if night < 3 else ("lkpp_news",)
            shard = crawl_into(work / "shard", registry, *sources)
            outputs.append(merge(archive, registry, shard))
        yield {"archive": archive, "shard": shard, "outputs": outputs, "registry": registry}
    finally:
        server.stop()


def test_a_shard_kept_across_nights_merges_into_its_own_history(kept_shard: dict[str, Any]) -> None:
    archive, shard = kept_shard["archive"], kept_shard["shard"]
    assert snapshot(archive, HISTORY_KEYS) == snapshot(shard, HISTORY_KEYS)
    counts = row_counts(archive)
    assert counts["article_versions"] == 2 and counts["notice_versions"] > counts["notices"]
    db = open_archive(archive, create=False)
    try:
        gone = db.execute("SELECT count(*) FROM articles WHERE gone_reason = 'unlisted'").fetchone()
    finally:
        db.close()
    assert gone[0] == 2


def test_each_night_merges_only_what_the_night_added(kept_shard: dict[str, Any]) -> None:
    first, second, third = kept_shard["outputs"]
    assert "article new 36," in first and "notice versions 300," in first
    # skipped: the states an earlier night's merge brought (an edited article's first one)
    assert "crawls 2, captures" in second and "crawls 1, captures" in third
    assert "article changed 2, article seen 32, article skipped 4," in second
    assert "notice versions 37, notice seen 268, notice skipped 300" in second
    assert "article seen 34, article gone 2, article skipped 2," in third
    assert "notice versions" not in third and "notice seen" not in third  # no spse that night


def test_a_capture_id_held_for_another_fetch_is_refused(
    nights: dict[str, Path], tmp_path: Path
) -> None:
    db = copy_archive(nights["merged_night1"], tmp_path / "archive")
    shard_capture = (
        sqlite3.connect(nights["shard_b"]).execute("SELECT id FROM captures LIMIT 1").fetchone()[0]
    )
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM merged_shards")
        conn.execute("UPDATE captures SET url = 'http://elsewhere/' WHERE id = ?", [shard_capture])
    before = content(db)
    archive = open_archive(db)
    try:
        with pytest.raises(ShardRefused, match="another fetch"):
            merge_shard(archive, nights["shard_b"])
    finally:
        archive.close()
    assert content(db) == before  # the shard's transaction rolled back whole


def test_every_table_of_the_schema_is_merged_or_derived(tmp_path: Path) -> None:
    """A migration adding a table fails here until the merger knows what to do with it."""
    db = open_archive(tmp_path / "archive.db")
    try:
        tables = set(db.table_names())
    finally:
        db.close()
    assert {t for t in tables if not known_table(t)} == set()
    assert not set(MERGED) & set(DERIVED)
    assert set(MERGED) <= tables  # merged_shards included: migration 0026


def test_what_is_not_a_shard_is_named_not_traced(tmp_path: Path) -> None:
    garbage, foreign = tmp_path / "garbage.db", tmp_path / "foreign.db"
    garbage.write_bytes(b"\x00garbage, not SQLite" * 400)
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE birds (name TEXT)")
    conn.close()
    db = tmp_path / "archive.db"
    for shard, message in (
        (garbage, "is not an SQLite database"),
        (foreign, "is not a procarchive archive"),
        (tmp_path / "absent.db", "no such shard"),
    ):
        run = procarchive("cluster", "merge", str(shard), "--db", str(db), cwd=tmp_path)
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr[-2000:]
        last = run.stderr.strip().splitlines()[-1]
        assert last.startswith(f"procarchive: {shard}") and message in last, last
    assert sqlite3.connect(foreign).execute("SELECT name FROM sqlite_master").fetchall() == [
        ("birds",)
    ]
