"""`procarchive cluster merge`: shards (archives that single jobs crawled) folded into one
archive in the order given, by one writer, then the post-crawl steps once."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from archive.connection import open_archive
from archive.merge import MergeReport, ShardRefused, merge_shard, table_counts
from archive.upkeep import optimize_archive
from procarchive.crawl import crawl_lock, project_settings
from procarchive.linking import Linked, link_archive
from scrapers.capture import warc_dir


def merge_shards(
    shards: Iterable[Path], db_path: Path, agency_sources: Iterable[str]
) -> tuple[list[MergeReport], Linked, dict[str, int]]:
    """Merge each shard (one already merged is skipped and says so), then link and optimize
    the archive; the reports, the links made and the archive's row counts. A shard refused
    stops the merge there (the later ones would come out of order); the shards merged
    before it are linked all the same."""
    with crawl_lock(db_path):  # the archive's single writer, as a crawl is
        db = open_archive(db_path)
        warcs = warc_dir(project_settings(db_path))  # where the archive's crawls write theirs
        try:
            reports: list[MergeReport] = []
            try:
                for shard in shards:
                    reports.append(merge_shard(db, shard, archive_warcs=warcs))
            except ShardRefused:
                link_archive(db, agency_sources)  # the shards merged before it
                raise
            linked = link_archive(db, agency_sources)
            optimize_archive(db)
            return reports, linked, table_counts(db)
        finally:
            db.close()
