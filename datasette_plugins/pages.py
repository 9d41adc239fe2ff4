"""Datasette plugin: what the home page says about the archive, and the reading pages of an
article, of an MoU report and of an MoU signing (templates/row-archive-articles.html,
row-archive-mous.html, row-archive-mou_signings.html): the
record as a researcher reads it, its raw columns behind a <details>. Archived text is always
escaped by the templates (Jinja autoescape): nothing a crawled page said is rendered as HTML.

Human names of the sources and LPSEs come from metadata.yml (`plugins: procarchive:
source_names, lpse_names`), so that a published folder (metadata, plugins, templates) shows
them too; a source without one is shown by its name in sources.yml.
"""

from __future__ import annotations

import json
import logging
import re
import time
import weakref
from datetime import datetime
from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted
from markupsafe import Markup, escape

from archive.site import served_database

logger = logging.getLogger(__name__)
SUMMARY_SECONDS = 300  # the home page's figures are recomputed at most this often
# A Datasette's summary, by the Datasette (weakly: a process may build several, one by one).
_summaries: weakref.WeakKeyDictionary[Any, tuple[float, dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)

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
# The home page's list of tables: by subject, the table a reader starts from first; tables
# no group names come after them, internal ones (the repost index, counters, the schema's
# record, full-text indexes) last.
TABLE_GROUPS = {
    "Articles": ["articles", "article_versions", "article_agencies", "article_urls", "mirrors",
                 "mirror_links"],
    "MoU signings": ["mou_signings", "mous", "mou_overview", "mou_parties", "agencies"],
    "Tender notices": ["notices", "notice_flags", "notice_versions", "notice_schedule",
                       "notice_awards", "flag_thresholds", "article_notices"],
    "Documents": ["documents", "document_links"],
    "Crawls": ["source_health", "crawls", "captures", "merged_shards"],
}  # fmt: skip
INTERNAL_TABLES = frozenset({"article_sketches", "articles_facet_counts", "_sqlite_migrations"})
# The home page's canned queries by subject (metadata.yml's order within each); a query no
# group names is listed under "More queries".
QUERY_GROUPS = {
    "Articles": ["search", "search_stories", "articles_mentioning", "changed_or_deleted_since",
                 "article_history", "reposts_citing_a_source", "who_reposted_this",
                 "what_mirrors_added", "articles_per_month"],
    "MoU signings": ["mou_announcements", "mous_of_an_agency", "mous_by_year", "mous_per_month"],
    "Tender notices": ["search_notices", "open_tenders_of_an_agency", "notices_whose_hps_changed",
                       "cancelled_tenders", "largest_packages_of_a_year", "notice_history",
                       "articles_about_a_notice", "notices_by_stage"],
    "Documents": ["search_documents"],
    "Feeds (Atom)": ["new_articles", "new_mous", "new_notices"],
    "Crawls": ["last_crawl_per_source"],
}  # fmt: skip
COUNTS = {
    "articles": "select coalesce(sum(n), 0) from articles_facet_counts",
    "MoU signings": "select count(*) from mou_signings",
    "tender notices": "select count(*) from notices",
    "documents": "select count(*) from documents where superseded_at is null",
}


PLUGIN = "procarchive"  # its configuration in metadata.yml
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def site_config(datasette: Any) -> dict[str, Any]:
    return datasette.plugin_config(PLUGIN) or {}


def source_names(datasette: Any) -> dict[str, str]:
    return dict(site_config(datasette).get("source_names") or {})


def lpse_names(datasette: Any) -> dict[str, str]:
    return dict(site_config(datasette).get("lpse_names") or {})


def readable_moment(value: Any, offset: bool = True) -> str:
    """An ISO 8601 date or date-time as a reader writes it: "2 Oct 2015", "3 Oct 2015,
    08:15 (UTC+07:00)", "6 Dec 2026, 23:07 UTC" (without `offset`: "3 Oct 2015, 08:15");
    anything else as it is."""
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    day = f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    if DATE.match(text):
        return day
    clock = moment.strftime("%H:%M")
    zone = moment.strftime("%z")
    if not zone or not offset:
        return f"{day}, {clock}"
    if zone == "+0000":
        return f"{day}, {clock} UTC"
    return f"{day}, {clock} (UTC{zone[:3]}:{zone[3:]})"


def when(value: Any, offset: bool = True) -> Markup:
    """`readable_moment` in a <time> element that keeps the ISO value."""
    if not value:
        return Markup("")
    shown = readable_moment(value, offset)
    return Markup(f'<time datetime="{escape(value)}">{escape(shown)}</time>')


def utc_offset(value: Any) -> str:
    """The UTC offset of an ISO date-time ("UTC+07:00"), or ""."""
    found = re.search(r"T[\d:.]+([+-]\d{2}:\d{2})$", str(value or ""))
    return f"UTC{found[1]}" if found else ""


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    from datasette.utils import tilde_encode

    env.filters["when"] = when
    env.filters["utc_offset"] = utc_offset
    # A primary key as a row URL's path needs it (urls.row takes it encoded): capture ids
    # hold "." and "#".
    env.filters["tilde"] = tilde_encode
    env.filters["in_reading_order"] = in_reading_order  # the database page (database.html)


@hookimpl
def extra_template_vars(
    template: str, database: str | None, table: str | None, request: Any, datasette: Any
) -> Any:
    async def variables() -> dict[str, Any]:
        # The archive's name as served (metadata.yml's), for the templates' links.
        return {"archive_database": served_database(datasette), **await pages()}

    async def pages() -> dict[str, Any]:
        if template == "index.html":
            return {
                "archive_summary": await summary(datasette),
                "home": await home(datasette, request),
            }
        if template.startswith("query") and request is not None:
            chart = (site_config(datasette).get("charts") or {}).get(request.url_vars.get("table"))
            return {"chart_json": chart_json(chart)} if chart else {}
        if template.startswith("row") and database and table and request is not None:
            key = row_key(request)
            if table == "articles" and key:
                return {"article_extras": await article_extras(datasette, database, key)}
            if table == "mous" and key:
                return {"mou_page": await mou_page(datasette, database, key)}
            if table == "mou_signings" and key:
                return {"signing_page": await signing_page(datasette, database, key)}
        return {}

    return variables


def chart_json(chart: dict[str, Any]) -> str:
    """A chart's settings as datasette-vega reads them from the page's #fragment (g.mark,
    g.x_column, ...), as JSON that is safe inside a <script>."""
    settings = {f"g.{name}": str(value) for name, value in chart.items()}
    return json.dumps(settings).replace("<", "\\u003c")


def row_key(request: Any) -> str | None:
    """The primary key of a row page (one column), as stored."""
    from datasette.utils import urlsafe_components

    pks = request.url_vars.get("pks")
    components = urlsafe_components(pks) if pks else []
    return components[0] if len(components) == 1 else None


async def home(datasette: Any, request: Any) -> dict[str, Any] | None:
    """The home page's canned queries by subject (the tables are in `summary`)."""
    name = served_database(datasette)
    if name is None or name not in datasette.databases:
        return None
    actor = request.actor if request is not None else None
    queries = await datasette.get_canned_queries(name, actor)
    grouped = {
        group: [
            {"name": name, "title": queries[name].get("title") or name,
             "description": queries[name].get("description") or ""}
            for name in names if name in queries
        ]
        for group, names in QUERY_GROUPS.items()
    }  # fmt: skip
    named = {name for names in QUERY_GROUPS.values() for name in names}
    grouped["More queries"] = [
        {"name": name, "title": query.get("title") or name, "description": query.get("description") or ""}
        for name, query in queries.items()
        if name not in named
    ]  # fmt: skip
    return {"queries": {group: found for group, found in grouped.items() if found}}


def reading_order(names: list[str], hidden: set[str]) -> dict[str, list[str]]:
    """The tables and views by subject, as the home page and the database page list them:
    TABLE_GROUPS' first, then those no group names, the internal ones last (full-text
    indexes left out)."""
    placed = {name for group in TABLE_GROUPS.values() for name in group}
    found = {
        group: [name for name in group_names if name in names]
        for group, group_names in TABLE_GROUPS.items()
    }
    internal = [n for n in names if n in INTERNAL_TABLES or n in hidden or n.startswith("_")]
    found["More tables"] = [n for n in names if n not in placed and n not in internal]
    found["Internal"] = [n for n in internal if "_fts" not in n]
    return {group: entries for group, entries in found.items() if entries}


def in_reading_order(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Datasette's tables of a database page (dicts with a name) in `reading_order`; those
    it leaves out (full-text indexes) after them, as Datasette had them."""
    hidden = {table["name"] for table in tables if table.get("hidden")}
    ordered = reading_order([table["name"] for table in tables], hidden).values()
    position = {name: index for index, name in enumerate(n for group in ordered for n in group)}
    return sorted(tables, key=lambda table: position.get(table["name"], len(position)))


async def table_list(datasette: Any) -> dict[str, list[dict[str, Any]]]:
    """The archive's tables and views by subject, each with the first sentence of its
    description and, where counting was quick, its rows."""
    name = served_database(datasette)
    db = datasette.get_database(name)
    hidden = set(await db.hidden_table_names())
    names = [*await db.table_names(), *await db.view_names()]
    try:
        counts = await db.table_counts(limit=10)
    except Exception:  # a count that cannot be read leaves the list without counts
        counts = {}
    tables = datasette.metadata("tables", database=name) or {}

    def entry(name: str) -> dict[str, Any]:
        described = (tables.get(name) or {}).get("description") or ""
        first = re.split(r"(?<=[.;])\s", described, maxsplit=1)[0].rstrip(".;")
        return {"name": name, "description": first, "count": counts.get(name)}

    return {
        group: [entry(name) for name in group_names]
        for group, group_names in reading_order(names, hidden).items()
    }


async def summary(datasette: Any) -> dict[str, Any] | None:
    name = served_database(datasette)
    if name is None or name not in datasette.databases:
        return None
    cached = _summaries.get(datasette)
    if cached and time.monotonic() - cached[0] < SUMMARY_SECONDS:
        return cached[1]
    try:
        found = await _summary(datasette, name)
    except QueryInterrupted as exc:  # a loaded server: the page without its figures, not a 500
        logger.warning("The home page's figures took too long to count: %s", exc)
        try:
            tables = await table_list(datasette)
        except QueryInterrupted:
            tables = {}
        return {"tables": tables, "unavailable": True}
    _summaries[datasette] = (time.monotonic(), found)
    return found


async def _summary(datasette: Any, name: str) -> dict[str, Any]:
    db = datasette.get_database(name)
    last_ok = {row["source"]: row["finished_at"] for row in await db.execute(LAST_OK)}
    names, lpse_titles = source_names(datasette), lpse_names(datasette)
    sources = [
        {**dict(row), "name": names.get(row["source"]), "last_ok": last_ok.get(row["source"])}
        for row in await db.execute(SOURCES)
    ]
    counts = {label: (await db.execute(sql)).first()[0] for label, sql in COUNTS.items()}
    health = [dict(row) for row in await db.execute(HEALTH)]
    lpses = [{**dict(row), "name": lpse_titles.get(row["lpse"])} for row in await db.execute(
        "select lpse, count(*) as notices, max(announced_at) as last from notices group by lpse"
    )]  # fmt: skip
    health = [{**row, "name": names.get(row["source"])} for row in health]
    found = {
        "sources": sources,
        "counts": counts,
        "lpses": lpses,
        "health": health,
        "lpse_last_ok": last_ok.get("spse"),
        "tables": await table_list(datasette),
        "first": min((s["first"] for s in sources if s["first"]), default=None),
        "last": max((s["last"] for s in sources if s["last"]), default=None),
    }
    return found


async def article_extras(datasette: Any, database: str, key: str) -> dict[str, Any]:
    db = datasette.get_database(database)
    article = (await db.execute("select * from articles where id = ?", [key])).first()
    if article is None:
        return {}

    async def rows(sql: str) -> list[dict[str, Any]]:
        return [dict(row) for row in await db.execute(sql, [key])]

    names = source_names(datasette)
    return {
        "article": dict(article),
        "source_name": names.get(article["source"]),
        "source_names": names,
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
        "mou_roles": await roles(datasette, database, key),
        "agencies": await rows(
            "select agency, mentions from article_agencies where article_id = ? "
            "order by mentions desc"
        ),
        "notices": await rows(
            "select n.id, n.name, n.lpse, n.stage, l.matched_on, l.evidence from article_notices l "
            "join notices n on n.id = l.notice_id where l.article_id = ?"
        ),
        "documents": await rows(
            "select d.id, d.title, d.kind, l.document_url, l.link_text from document_links l "
            "left join documents d on d.id = (select id from documents where url = "
            "l.document_url order by first_seen_at desc, rowid desc limit 1) "
            "where l.parent_type = 'article' and l.parent_id = ?"
        ),
    }


async def mou_page(datasette: Any, database: str, key: str) -> dict[str, Any]:
    """An MoU signing as its page shows it: the article that reports it, when and where,
    and the parties with their signatories."""
    db = datasette.get_database(database)
    found = (
        await db.execute(
            "select m.*, a.title, a.source, a.published_at, a.url from mous m "
            "left join articles a on a.id = m.article_id where m.article_id = ?",
            [key],
        )
    ).first()
    if found is None:
        return {}
    mou = dict(found)
    # The signing's other reports (reposts, the partner's release): one signing, one record.
    reports = await signing_reports(datasette, database, mou.get("signing_id"), key)
    return {
        "mou": mou,
        "source_name": source_names(datasette).get(mou["source"]),
        "roles": await roles(datasette, database, key),
        "reports": [report for report in reports if report["id"] != key],
    }


async def signing_reports(
    datasette: Any, database: str, signing: str | None, first: str
) -> list[dict[str, Any]]:
    """The articles that report a signing: `first` first, then by publication."""
    db = datasette.get_database(database)
    names = source_names(datasette)
    return [
        {**dict(row), "source_name": names.get(row["source"])}
        for row in await db.execute(
            "select a.id, a.title, a.source, a.published_at, a.url, a.mirror_of from mous m "
            "join articles a on a.id = m.article_id where m.signing_id = ? "
            "order by a.id != ?, a.published_at",
            [signing, first],
        )
    ]


async def signing_page(datasette: Any, database: str, key: str) -> dict[str, Any]:
    """One MoU signing however many articles report it: the first report's title, when and
    where, the parties (as the first report names them) and every report."""
    db = datasette.get_database(database)
    found = (await db.execute("select * from mou_signings where id = ?", [key])).first()
    if found is None:
        return {}
    reports = await signing_reports(datasette, database, key, found["first_report_id"])
    return {
        "signing": dict(found),
        "first": reports[0] if reports else {},
        "reports": reports,
        "roles": await roles(datasette, database, found["first_report_id"]),
    }


async def roles(datasette: Any, database: str, key: str) -> dict[str, Any]:
    """The parties of an MoU, each with its full name and the people who signed for it;
    witnesses; signatories for an organisation that is not a party."""
    db = datasette.get_database(database)
    rows = [
        dict(row)
        for row in await db.execute(
            "select p.role, p.agency, p.person, p.person_title, p.acting_for, p.in_gazetteer, "
            "g.full_name from mou_parties p left join agencies g on g.name = p.agency "
            "where p.article_id = ? order by p.id",
            [key],
        )
    ]
    parties: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["role"] == "party":
            parties.setdefault(row["agency"], {**row, "signatories": []})
    others = []
    for row in rows:
        if row["role"] != "signatory":
            continue
        if row["agency"] in parties:
            parties[row["agency"]]["signatories"].append(row)
        else:
            others.append(row)
    return {
        "parties": list(parties.values()),
        "witnesses": [row for row in rows if row["role"] == "witness"],
        "other_signatories": others,
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
