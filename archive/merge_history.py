"""A shard's articles and notices replayed into the archive, state by state, through the
archive's own writers: what the archive already holds is skipped, a later state becomes a
version exactly as a crawl writing it would make one (archive.merge calls these).

A state is skipped when the archive's article or notice was last seen (or found gone) at or
after the state's last sighting: merging a shard twice, or an older shard after a newer one,
writes nothing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from archive.articles import CONTENT_COLUMNS, write_articles
from archive.notices import AWARD_COLUMNS, SCHEDULE_COLUMNS, changed_keys, record_hash

CrawlIds = Mapping[int | None, int | None]
# The notices row a crawl derives from the record and the item (announced_at with the LPSE's
# offset, totals of the realisations): taken from the shard's row, which the crawl derived.
DERIVED_NOTICE_COLUMNS = (
    "name", "agency", "work_unit", "budget_year", "pagu", "hps", "realised", "procurement_type",
    "method", "contract_type", "qualification", "location", "stage", "status", "note",
    "cancel_reason", "created_on", "announced_at", "completed_on", "rup_codes",
    "funding_source", "url", "capture_id",
)  # fmt: skip


def _latest(row: Mapping[str, Any] | None, *columns: str) -> str:
    """The last moment the archive knows of a row ("" for none)."""
    return max((row[c] or "" for c in columns), default="") if row else ""


def merge_articles(archive: Database, shard: Database, crawls: CrawlIds) -> dict[str, int]:
    counts = {"new": 0, "changed": 0, "seen": 0, "gone": 0, "skipped": 0, "other_source": 0}
    newest = newest_views(archive, shard)
    for article in shard.query("SELECT * FROM articles ORDER BY first_seen_at, rowid"):
        versions = list(
            shard.query(
                "SELECT * FROM article_versions WHERE article_id = ? ORDER BY version_id",
                [article["id"]],
            )
        )
        written = False
        start = article["first_seen_at"]
        for state in [*versions, article]:
            written |= _replay_state(archive, article, state, start, crawls, counts)
            start = state.get("superseded_at") or start
        if not _owned(archive, article):
            continue
        if written:
            _replace_records(archive, shard, article)
        if (
            article["source"] in newest
        ):  # the listing walk's first miss, as the shard's last walk left it
            archive.execute(
                "UPDATE articles SET unlisted_at = ? WHERE id = ?",
                [article["unlisted_at"], article["id"]],
            )
    return counts


def newest_views(archive: Database, shard: Database) -> set[str]:
    """The sources whose latest crawl in the archive (the shard's crawls merged) is the
    shard's: its listing marks are the newest there are."""
    latest = dict(archive.execute("SELECT source, max(started_at) FROM crawls GROUP BY source"))
    return {
        source
        for source, started in shard.execute(
            "SELECT source, max(started_at) FROM crawls GROUP BY source"
        )
        if started is not None and started >= (latest.get(source) or "")
    }


def _replay_state(
    archive: Database,
    article: dict[str, Any],
    state: dict[str, Any],
    start: str,
    crawls: CrawlIds,
    counts: dict[str, int],
) -> bool:
    """One state of a shard's article, first met at `start`, last at its `last_seen_at`:
    each sighting later than what the archive holds is written, as the crawl wrote it."""
    latest = _latest(_article(archive, article["id"]), "last_seen_at", "gone_at")
    crawl_id = crawls.get(state["crawl_id"])
    row = {c: state.get(c, article.get(c)) for c in CONTENT_COLUMNS}
    row.update(id=article["id"], url=article["url"], source=article["source"])
    written = False
    for moment in dict.fromkeys((start, state["last_seen_at"])):
        if moment <= latest:
            continue
        if not _sight(archive, row, moment, crawl_id, counts):
            return written
        latest, written = moment, True
    if state["gone_at"] and state["gone_at"] > latest:
        # mark_gone's guard spares a row its crawl met alive: the shard's crawl did not
        cursor = archive.execute(
            "UPDATE articles SET gone_at = ?, gone_reason = ?, crawl_id = ? "
            "WHERE id = ? AND gone_at IS NULL AND source = ?",
            [state["gone_at"], state["gone_reason"], crawl_id, article["id"], article["source"]],
        )
        counts["gone"] += cursor.rowcount
        written = True
    if not written:
        counts["skipped"] += 1
    return written


def _sight(
    archive: Database,
    row: dict[str, Any],
    moment: str,
    crawl_id: int | None,
    counts: dict[str, int],
) -> bool:
    """The article seen in this state at `moment`: unchanged, a sighting (as mark_seen or a
    304 leaves it, its addresses untouched); else written by write_articles."""
    current = _article(archive, row["id"])
    if current is not None and current["source"] != row["source"]:
        counts["other_source"] += 1
        return False
    if current and current["content_hash"] == row["content_hash"] and not current["gone_at"]:
        archive.execute(
            "UPDATE articles SET last_seen_at = ?, crawl_id = ?, capture_id = ?, "
            "source_updated = ? WHERE id = ?",
            [moment, crawl_id, row["capture_id"], row["source_updated"], row["id"]],
        )
        counts["seen"] += 1
        return True
    result = write_articles(archive, [{**row, "fetched_at": moment}], crawl_id)
    counts["new"] += result["new"]
    counts["changed"] += result["changed"]
    return True


def _article(db: Database, identifier: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM articles WHERE id = ?", [identifier]))
    return rows[0] if rows else None


def _owned(archive: Database, article: dict[str, Any]) -> bool:
    known = _article(archive, article["id"])
    return known is not None and known["source"] == article["source"]


def _replace_records(archive: Database, shard: Database, article: dict[str, Any]) -> None:
    """What the shard derived from the article (as write_records replaces it) and the URLs
    it was read at (as write_aliases records them)."""
    identifier = article["id"]
    for table in ("mou_parties", "mous", "article_agencies"):  # the citing rows first
        archive.execute(f"DELETE FROM [{table}] WHERE article_id = ?", [identifier])
    for table in ("article_agencies", "mous", "mou_parties"):
        rows = list(shard.query(f"SELECT * FROM [{table}] WHERE article_id = ? ORDER BY rowid",
                                [identifier]))  # fmt: skip
        if table == "mou_parties":  # a new row id in the archive
            rows = [{k: v for k, v in row.items() if k != "id"} for row in rows]
        if table == "mous":  # its signing is grouped again by link_archive
            rows = [{**row, "signing_id": None} for row in rows]
        if rows:
            archive.table(table).insert_all(rows, alter=False)
    for alias in shard.query("SELECT * FROM article_urls WHERE article_id = ?", [identifier]):
        owner = archive.execute(
            "SELECT article_id FROM article_urls WHERE url_id = ?", [alias["url_id"]]
        ).fetchone()
        if owner is None:
            archive.table("article_urls").insert(alias, alter=False)
        elif owner[0] == identifier:
            archive.execute(
                "UPDATE article_urls SET last_seen_at = max(last_seen_at, ?), "
                "first_seen_at = min(first_seen_at, ?) WHERE url_id = ?",
                [alias["last_seen_at"], alias["first_seen_at"], alias["url_id"]],
            )  # another article's address stays its (archive.aliases)


def merge_notices(archive: Database, shard: Database, crawls: CrawlIds) -> dict[str, int]:
    counts = {"versions": 0, "seen": 0, "skipped": 0}
    for notice in shard.query("SELECT * FROM notices ORDER BY first_seen_at, rowid"):
        versions = shard.query(
            "SELECT * FROM notice_versions WHERE notice_id = ? ORDER BY version", [notice["id"]]
        )
        mapped: dict[int, int] = {}
        seen = counts["seen"]
        for version in versions:
            if (number := _replay_version(archive, notice, version, crawls, counts)) is not None:
                mapped[version["version"]] = number
        if mapped:
            _current_parts(archive, shard, notice, mapped)
        elif notice["last_seen_at"] > _latest(_notice(archive, notice["id"]), "last_seen_at"):
            archive.execute(  # seen unchanged after its last version (a listing, a 304)
                "UPDATE notices SET last_seen_at = ?, crawl_id = ? WHERE id = ?",
                [notice["last_seen_at"], crawls.get(notice["crawl_id"]), notice["id"]],
            )
            counts["seen"] = seen + 1  # once a notice
    return counts


def _notice(db: Database, identifier: str) -> dict[str, Any] | None:
    rows = list(
        db.query(
            "SELECT n.*, v.record FROM notices n LEFT JOIN notice_versions v "
            "ON v.notice_id = n.id AND v.version = n.version WHERE n.id = ?",
            [identifier],
        )
    )
    return rows[0] if rows else None


def _replay_version(
    archive: Database,
    notice: dict[str, Any],
    version: dict[str, Any],
    crawls: CrawlIds,
    counts: dict[str, int],
) -> int | None:
    """One version the shard saw: the archive's version number it became, or None."""
    current = _notice(archive, notice["id"])
    seen_at, crawl_id = version["seen_at"], crawls.get(version["crawl_id"])
    if seen_at <= _latest(current, "last_seen_at", "last_changed_at"):
        counts["skipped"] += 1
        return None
    gone = next((c for c in json.loads(version["changes"] or "[]") if c.startswith("gone:")), None)
    record = json.loads(version["record"] or "{}")
    alive = current is not None and not gone and not current["gone_at"]
    if alive and current is not None and current["content_hash"] == record_hash(record):
        archive.execute(
            "UPDATE notices SET last_seen_at = ?, crawl_id = ? WHERE id = ?",
            [seen_at, crawl_id, notice["id"]],
        )
        counts["seen"] += 1
        return None
    if gone and (current is None or current["gone_at"]):
        counts["skipped"] += 1
        return None
    number = (current["version"] if current else 0) + 1
    archived = json.loads(current["record"]) if current and current["record"] else None
    if gone:
        changes, record = [gone], archived or record
        update = {"gone_at": seen_at, "gone_reason": gone.split(":", 1)[1]}
    else:
        changes = changed_keys(archived, record) if archived else []
        if current and current["gone_at"]:
            changes.append("returned")
        update = {"content_hash": record_hash(record), "last_seen_at": seen_at, "crawl_id": crawl_id,
                  "gone_at": None, "gone_reason": None}  # fmt: skip
    update |= {"version": number, "last_changed_at": seen_at}
    if current is None:
        first = {c: notice[c] for c in ("id", "lpse", "category", "package_code")}
        archive.table("notices").insert(
            {**first, **{c: notice[c] for c in DERIVED_NOTICE_COLUMNS}, **update,
             "first_seen_at": seen_at},
            alter=False,
        )  # fmt: skip
    else:
        archive.table("notices").update(notice["id"], update)
    archive.table("notice_versions").insert(
        {
            **{c: version[c] for c in ("notice_id", "seen_at", "capture_id", "stage", "status",
                                       "hps", "pagu")},
            "version": number, "crawl_id": crawl_id, "changes": json.dumps(changes),
            "record": version["record"] if not gone else json.dumps(
                record, ensure_ascii=False, sort_keys=True),
        },
        alter=False,
    )  # fmt: skip
    counts["versions"] += 1
    return number


def _current_parts(
    archive: Database, shard: Database, notice: dict[str, Any], mapped: dict[int, int]
) -> None:
    """The notice's current row, schedule and awards as the shard's last version left them;
    an award keeps the archive's version in which it first appeared."""
    identifier = notice["id"]
    archive.table("notices").update(
        identifier, {c: notice[c] for c in DERIVED_NOTICE_COLUMNS}, alter=False
    )
    earlier = {
        _award_key(row): row["since_version"]
        for row in archive.query("SELECT * FROM notice_awards WHERE notice_id = ?", [identifier])
    }
    latest = max(mapped.values())
    for table, columns in (("notice_schedule", SCHEDULE_COLUMNS),
                           ("notice_awards", (*AWARD_COLUMNS, "since_version"))):  # fmt: skip
        rows = list(
            shard.query(
                f"SELECT * FROM [{table}] WHERE notice_id = ? ORDER BY position", [identifier]
            )
        )
        archive.execute(f"DELETE FROM [{table}] WHERE notice_id = ?", [identifier])
        kept = []
        for row in rows:
            values = {c: row[c] for c in ("notice_id", "position", *columns)}
            if table == "notice_awards":
                values["since_version"] = earlier.get(
                    _award_key(row), mapped.get(row["since_version"], latest)
                )
            kept.append(values)
        if kept:
            archive.table(table).insert_all(kept, alter=False)


def _award_key(award: Mapping[str, Any]) -> tuple[Any, ...]:
    return (award["role"], award["supplier_name"], award["npwp"], award["realised_on"])
