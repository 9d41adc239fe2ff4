"""The archive's migrations on sqlite-utils' Migrations, and archives that recorded theirs in
`_migrations` before: carried over once, nothing applied twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from archive import migrations
from archive.connection import NotAnArchive, open_archive

EVERY = [migration.name for migration in migrations.MIGRATIONS.pending(Database(memory=True))]
APPLIED_BEFORE = 9  # 0001_articles .. 0009_documents


def old_archive(path: Path) -> list[tuple[str, str]]:
    """An archive as procarchive made it before: the first migrations applied, each recorded
    in `_migrations` (name, applied_at), and an article. Returns the recorded rows."""
    db = Database(path)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    recorded = []
    for day, migration in enumerate(migrations.MIGRATIONS.pending(db)[:APPLIED_BEFORE], start=1):
        with db.atomic():
            migration.fn(db)
            row = (migration.name, f"2025-03-{day:02d}T08:00:00+00:00")
            db.execute("INSERT INTO _migrations VALUES (?, ?)", row)
        recorded.append(row)
    db.table("articles").insert(
        {"id": "a", "url": "https://example.id/a", "source": "s", "content_hash": "h",
         "first_seen_at": "2025-03-01", "last_seen_at": "2025-03-01"}
    )  # fmt: skip
    db.close()
    return recorded


def record(db: Database) -> list[tuple[str, str]]:
    return db.execute(
        "SELECT name, applied_at FROM _sqlite_migrations WHERE migration_set = 'procarchive' "
        "ORDER BY rowid"
    ).fetchall()


def test_an_archive_of_the_old_record_carries_it_over_and_applies_only_the_rest(
    tmp_path: Path,
) -> None:
    recorded = old_archive(tmp_path / "archive.db")
    db = open_archive(tmp_path / "archive.db", create=False)
    tables = set(db.table_names())
    assert "_migrations" not in tables and "article_urls" in tables  # 0015 applied
    carried, added = record(db)[:APPLIED_BEFORE], record(db)[APPLIED_BEFORE:]
    assert carried == recorded  # same names, times and order
    assert [name for name, _ in added] == EVERY[APPLIED_BEFORE:]
    # 0001 not run again (it would have failed: the table exists), its row kept
    assert db.execute("SELECT id FROM articles").fetchall() == [("a",)]
    # 0015's backfill ran over the article archived before it
    assert db.execute("SELECT article_id FROM article_urls").fetchall() == [("a",)]
    db.close()
    again = open_archive(tmp_path / "archive.db", create=False)
    assert migrations.migrate(again) == [] and record(again) == carried + added


def test_migrate_returns_the_names_it_applied(tmp_path: Path) -> None:
    old_archive(tmp_path / "archive.db")
    db = Database(tmp_path / "archive.db")
    assert migrations.migrate(db) == EVERY[APPLIED_BEFORE:]
    assert migrations.migrate(db) == []


def test_the_migrations_keep_their_names_and_order() -> None:
    """The names archives already carry: renaming one would apply it again."""
    assert EVERY[0] == "0001_articles" and EVERY[-1] == "0028_combined_filter_indexes"
    assert sorted(EVERY) == EVERY and len(EVERY) == 27
    assert not any(name.startswith("0016_") for name in EVERY)  # never existed


def test_a_failing_migration_leaves_neither_its_changes_nor_its_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = Migrations(migrations.MIGRATIONS.name)
    for migration in migrations.MIGRATIONS.pending(Database(memory=True)):
        broken(name=migration.name)(migration.fn)

    @broken(name="0099_half_done")
    def half_done(db: Database) -> None:
        db.table("articles").add_column("half", str)
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    with pytest.raises(RuntimeError):
        open_archive(tmp_path / "archive.db")
    db = Database(tmp_path / "archive.db")
    assert "half" not in db["articles"].columns_dict
    assert [name for name, _ in record(db)] == EVERY


def test_another_programs_migrations_are_not_an_archive(tmp_path: Path) -> None:
    theirs = Migrations("someone_else")

    @theirs(name="0001_things")
    def things(db: Database) -> None:
        db.table("things").create({"id": int}, pk="id")

    db = Database(tmp_path / "theirs.db")
    theirs.apply(db)
    db.close()
    with pytest.raises(NotAnArchive):
        open_archive(tmp_path / "theirs.db")
    assert (
        "articles"
        not in sqlite3.connect(tmp_path / "theirs.db")
        .execute("SELECT group_concat(name) FROM sqlite_master")
        .fetchone()[0]
    )


def test_the_weekday_check_adds_an_empty_column_to_an_archive_of_0026(tmp_path: Path) -> None:
    """0027: mous.weekday_disagrees, NULL on the signings read before the check."""
    db = Database(tmp_path / "archive.db")
    every = migrations.MIGRATIONS.pending(db)
    names = [migration.name for migration in every]
    check = names.index("0027_mou_weekday_check")
    migrations.MIGRATIONS.ensure_migrations_table(db)
    for migration in every[:check]:  # an archive as procarchive left it before 0027
        with db.atomic():
            migration.fn(db)
            db.execute(
                f"INSERT INTO [{migrations.MIGRATIONS.migrations_table}] "
                "(migration_set, name, applied_at) VALUES (?, ?, '2026-11-01T08:00:00+00:00')",
                [migrations.MIGRATIONS.name, migration.name],
            )
    db.execute("INSERT INTO mous (article_id, signed_on) VALUES ('a', '2024-03-07')")
    db.conn.commit()
    assert "weekday_disagrees" not in db["mous"].columns_dict
    assert migrations.migrate(db) == names[check:]
    assert db.execute("SELECT signed_on, weekday_disagrees FROM mous").fetchall() == [
        ("2024-03-07", None)
    ]
