"""Datasette plugin: what the home page says about the archive, and what an article's or an
MoU's row page shows beside its columns. Archived text is always escaped by the templates
(Jinja autoescape): nothing a crawled page said is rendered as HTML."""

from __future__ import annotations

import time
from typing import Any

from datasette import hookimpl

SUMMARY_SECONDS = 300  # the home page's figures are recomputed at most this often
_summaries: dict[str, tuple[float, dict[str, Any]]] = {}

# Counts from articles_facet_counts (kept by triggers), the range by an index seek a source:
# at a million articles, a count or a min/max over every row takes most of a second.
SOURCES = """
select source, sum(n) as articles,
  (select min(published_at) from articles a where a.source = c.source) as first,
  (select max(published_at) from articles a where a.source = c.source) as last
from articles_facet_counts c group by source having articles > 0 order by source
"""
LAST_OK = """
select source, max(finished_at) as finished_at from crawls
where status = 'ok' group by source
"""
HEALTH = """
select source, last_status, last_crawl, drift, cut_short, last_good_crawl from source_health
order by source
"""
COUNTS = {
    "articles": "select coalesce(sum(n), 0) from articles_facet_counts",
    "MoU signings": "select count(*) from mou_signings",
    "tender notices": "select count(*) from notices",
    "documents": "select count(*) from documents where superseded_at is null",
}


@hookimpl
def extra_template_vars(
    template: str, database: str | None, table: str | None, request: Any, datasette: Any
) -> Any:
    async def variables() -> dict[str, Any]:
        if template == "index.html":
            return {"archive_summary": await summary(datasette)}
        if template.startswith("row") and database and table and request is not None:
            key = request.url_vars.get("pks")
            if table == "articles" and key:
                return {"article_extras": await article_extras(datasette, database, key)}
            if table == "mous" and key:
                return {"mou_parties": await parties(datasette, database, key)}
        return {}

    return variables


async def summary(datasette: Any) -> dict[str, Any] | None:
    if "archive" not in datasette.databases:
        return None
    cached = _summaries.get("archive")
    if cached and time.monotonic() - cached[0] < SUMMARY_SECONDS:
        return cached[1]
    db = datasette.get_database("archive")
    last_ok = {row["source"]: row["finished_at"] for row in await db.execute(LAST_OK)}
    sources = [
        {**dict(row), "last_ok": last_ok.get(row["source"])} for row in await db.execute(SOURCES)
    ]
    counts = {label: (await db.execute(sql)).first()[0] for label, sql in COUNTS.items()}
    health = [dict(row) for row in await db.execute(HEALTH)]
    lpses = [dict(row) for row in await db.execute(
        "select lpse, count(*) as notices, max(announced_at) as last from notices group by lpse"
    )]  # fmt: skip
    found = {
        "sources": sources,
        "counts": counts,
        "lpses": lpses,
        "health": health,
        "lpse_last_ok": last_ok.get("spse"),
        "first": min((s["first"] for s in sources if s["first"]), default=None),
        "last": max((s["last"] for s in sources if s["last"]), default=None),
    }
    _summaries["archive"] = (time.monotonic(), found)
    return found


async def article_extras(datasette: Any, database: str, key: str) -> dict[str, Any]:
    db = datasette.get_database(database)
    article = (await db.execute("select * from articles where id = ?", [key])).first()
    if article is None:
        return {}

    async def rows(sql: str) -> list[dict[str, Any]]:
        return [dict(row) for row in await db.execute(sql, [key])]

    return {
        "paragraphs": [p for p in (article["text"] or "").split("\n\n") if p.strip()],
        "versions": await rows(
            "select version_id, superseded_at, title, capture_id, gone_reason "
            "from article_versions where article_id = ? order by superseded_at desc"
        ),
        "captures": await rows(
            "select c.id, c.fetched_at, c.status, c.record_type from captures c "
            "where c.id in (select capture_id from articles where id = ?1 union "
            "select capture_id from article_versions where article_id = ?1) "
            "order by c.fetched_at desc"
        ),
        "original": await rows(
            "select o.id, o.title, o.source, o.url, m.contains_original from mirror_links m "
            "join articles o on o.id = m.original_id where m.copy_id = ?"
        ),
        "copies": await rows(
            "select c.id, c.title, c.source, c.url from mirror_links m "
            "join articles c on c.id = m.copy_id where m.original_id = ? order by c.published_at"
        ),
        "mou": await rows("select * from mous where article_id = ?"),
        "mou_parties": await parties(datasette, database, key),
        "agencies": await rows(
            "select agency, mentions from article_agencies where article_id = ? "
            "order by mentions desc"
        ),
        "notices": await rows(
            "select n.id, n.name, n.lpse, l.matched_on from article_notices l "
            "join notices n on n.id = l.notice_id where l.article_id = ?"
        ),
    }


async def parties(datasette: Any, database: str, key: str) -> list[dict[str, Any]]:
    db = datasette.get_database(database)
    return [
        dict(row)
        for row in await db.execute(
            "select role, agency, person, person_title, acting_for from mou_parties "
            "where article_id = ? order by role desc, id",
            [key],
        )
    ]
