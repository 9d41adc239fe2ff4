"""`procarchive cluster merge`: shards (archives that single jobs crawled) folded into one
archive by one writer, in the order given or, from the shared queue, in the order their jobs
finished; then the post-crawl steps once, and the published copy swapped in."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from archive.connection import open_archive
from archive.merge import MergeReport, ShardRefused, merge_shard, table_counts
from archive.upkeep import optimize_archive
from procarchive.crawl import crawl_lock, project_settings
from procarchive.linking import Linked, link_archive
from procarchive.serve import inspect_path, write_inspect_file
from scrapers.capture import warc_dir

if TYPE_CHECKING:
    from procarchive.jobqueue.redis_queue import JobQueue

logger = logging.getLogger(__name__)


@dataclass
class Merged:
    reports: list[MergeReport] = field(default_factory=list)
    linked: Linked | None = None
    counts: dict[str, int] = field(default_factory=dict)
    refused: str | None = None  # why the merge stopped at a shard
    published: Path | None = None


def merge_shards(
    shards: Iterable[Path],
    db_path: Path,
    agency_sources: Iterable[str],
    publish: Path | None = None,
    merged: Callable[[Path], None] = lambda shard: None,
) -> Merged:
    """Merge each shard (one already merged is skipped and says so; `merged` is told of each
    once it is in), then link and optimize the archive and write its published copy. A shard
    refused stops the merge there (the later ones would come out of order): it is raised
    after the shards merged before it are linked and published."""
    result = Merged()
    with crawl_lock(db_path):  # the archive's single writer, as a crawl is
        db = open_archive(db_path)
        warcs = warc_dir(project_settings(db_path))  # where the archive's crawls write theirs
        try:
            try:
                for shard in shards:
                    result.reports.append(merge_shard(db, shard, archive_warcs=warcs))
                    merged(shard)
            except ShardRefused as exc:
                result.refused = str(exc)
            result.linked = link_archive(db, agency_sources)
            optimize_archive(db)
            result.counts = table_counts(db)
            if publish:
                result.published = publish_copy(db, publish)
        finally:
            db.close()
    if result.refused:
        raise ShardRefused(result.refused)
    return result


def publish_copy(db: Database, path: Path) -> Path:
    """A consistent copy of the archive at `path`, swapped in whole (written beside it, then
    renamed over it): what Datasette serves and what new shards start from (jobqueue_seen).
    It is a plain rollback-journal file, readable read-only over shared storage, where WAL
    is not. A reader that opened the old copy reads it to the end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial)
    try:
        db.conn.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    os.replace(partial, path)
    inspect_path(path).unlink(missing_ok=True)  # the old copy's
    write_inspect_file(path)  # row counts for an immutable Datasette
    return path


def merge_announced(
    queue: JobQueue, db_path: Path, agency_sources: Iterable[str], publish: Path | None
) -> Merged:
    """Every announced shard merged, in order; a refused one set aside in the queue with its
    reason (the merge stops there, as for shards given by path)."""
    current: dict[str, Any] = {}

    def shards() -> Iterator[Path]:
        while (shard := queue.next_shard()) is not None:
            current.clear()
            current.update(shard)
            yield Path(shard["path"])

    try:
        return merge_shards(
            shards(),
            db_path,
            agency_sources,
            publish,
            merged=lambda path: queue.merge_done(current),
        )
    except ShardRefused as exc:
        if current:
            queue.merge_refused(current, str(exc))
        raise
