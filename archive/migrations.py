"""The archive's schema, as an ordered set of migrations applied once each.

Each is registered on sqlite-utils' `Migrations` in the order it applies (the order of this
file), and recorded as applied in `_sqlite_migrations`; a new schema change is a new
function appended here, never an edit of an applied one. The numbers are the names archives
already carry: 0016 was never applied to any, so it stays absent.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("procarchive")
FTS_TOKENIZE = "unicode61 remove_diacritics 2"  # not Porter: the text is mostly Indonesian


@MIGRATIONS(name="0001_articles")
def create_articles(db: Database) -> None:
    db.table("articles").create(
        {
            "id": str, "url": str, "source": str, "title": str, "published_at": str,
            "year": int, "author": str, "lang": str, "kind": str, "text": str,
            "reference": str, "content_hash": str, "first_seen_at": str, "last_seen_at": str,
            "crawl_id": int,
        },
        pk="id",
        not_null={"url", "source", "content_hash", "first_seen_at", "last_seen_at"},
    )  # fmt: skip
    for columns in (["source"], ["published_at"], ["year"], ["lang"], ["kind"], ["url"]):
        db.table("articles").create_index(columns)
    db.table("article_versions").create(
        {
            "version_id": int, "article_id": str, "content_hash": str, "title": str,
            "text": str, "published_at": str, "author": str, "reference": str,
            "first_seen_at": str, "last_seen_at": str, "superseded_at": str, "crawl_id": int,
        },
        pk="version_id",
        foreign_keys=[("article_id", "articles", "id")],
    )  # fmt: skip
    db.table("article_versions").create_index(["article_id"])


@MIGRATIONS(name="0002_crawls")
def create_crawls(db: Database) -> None:
    db.table("crawls").create(
        {
            "id": int, "run_id": str, "source": str, "spider": str, "started_at": str,
            "finished_at": str, "status": str, "finish_reason": str, "pages_fetched": int,
            "items_new": int, "items_changed": int, "items_unchanged": int,
            "items_dropped": int, "errors": int, "error_reasons": str,
        },
        pk="id",
    )  # fmt: skip
    db.table("crawls").create_index(["source", "started_at"])
    db.table("crawls").create_index(["run_id"])


@MIGRATIONS(name="0003_articles_fts")
def articles_full_text(db: Database) -> None:
    """FTS5 on title and text. Our own triggers fire only when those columns change, so
    re-seeing an unchanged article (last_seen_at moves) does not rewrite its index entry."""
    db.table("articles").enable_fts(["title", "text"], fts_version="FTS5", tokenize=FTS_TOKENIZE)
    db.executescript(
        """
        CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
          INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
          INSERT INTO articles_fts (articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END;
        CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
          INSERT INTO articles_fts (articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
          INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        """
    )


@MIGRATIONS(name="0004_captures_and_deletions")
def captures_and_deletions(db: Database) -> None:
    """Raw captures (WARC records) and what links rows to them; articles that went away."""
    db.table("captures").create(
        {
            "id": str, "url": str, "fetched_at": str, "status": int, "content_type": str,
            "payload_sha256": str, "payload_length": int, "warc_file": str, "warc_offset": int,
            "warc_length": int, "record_type": str, "revisit_of": str, "crawl_id": int,
        },
        pk="id",
    )  # fmt: skip
    db.table("captures").create_index(["payload_sha256"])
    db.table("captures").create_index(["url", "fetched_at"])
    for column, kind in (("capture_id", str), ("gone_at", str), ("gone_reason", str)):
        db.table("articles").add_column(column, kind)
        db.table("article_versions").add_column(column, kind)
    db.table("articles").create_index(["gone_at"])
    db.table("article_versions").create_index(["superseded_at"])


@MIGRATIONS(name="0005_incremental_crawls")
def incremental_crawls(db: Database) -> None:
    """What nightly crawls need to skip or revalidate: the listing's own change hint for each
    article, the validators of each capture, and a count of articles found gone."""
    db.table("articles").add_column("source_updated", str)
    db.table("captures").add_column("etag", str)
    db.table("captures").add_column("last_modified", str)
    db.table("crawls").add_column("items_gone", int)
    db.table("crawls").add_column("bytes_received", int)


@MIGRATIONS(name="0006_procurement_records")
def procurement_records(db: Database) -> None:
    """Kinds, the organisations each article names, and MoU signings with their parties."""
    db.table("articles").add_column("agencies", str)  # JSON array, for Datasette's array facet
    db.table("agencies").create(
        {"name": str, "full_name": str, "country": str, "type": str}, pk="name"
    )
    db.table("article_agencies").create(
        {"article_id": str, "agency": str, "mentions": int, "in_gazetteer": int},
        pk=("article_id", "agency"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("article_agencies").create_index(["agency"])
    db.table("mous").create(
        {
            "article_id": str, "signed_on": str, "signed_on_raw": str, "year": int, "place": str,
            "document_type": str, "renewal": int, "duration_text": str, "duration_months": int,
            "scope": str,
        },
        pk="article_id",
        foreign_keys=[("article_id", "articles", "id")],
    )  # fmt: skip
    db.table("mous").create_index(["year"])
    db.table("mou_parties").create(
        {
            "id": int, "article_id": str, "agency": str, "role": str, "in_gazetteer": int,
            "person": str, "person_title": str, "acting_for": str,
        },
        pk="id",
        foreign_keys=[("article_id", "mous", "article_id")],
    )  # fmt: skip
    db.table("mou_parties").create_index(["article_id"])
    db.table("mou_parties").create_index(["agency"])
    db.execute(
        """
        CREATE VIEW mou_overview AS
        SELECT mous.article_id, mous.signed_on, mous.year, mous.place, mous.renewal,
          mous.document_type, mous.duration_months, mous.scope,
          (SELECT group_concat(agency, '; ') FROM mou_parties p
             WHERE p.article_id = mous.article_id AND p.role = 'party') AS parties,
          (SELECT json_group_array(agency) FROM mou_parties p
             WHERE p.article_id = mous.article_id AND p.role = 'party') AS party_list,
          (SELECT group_concat(agency, '; ') FROM mou_parties p
             WHERE p.article_id = mous.article_id AND p.role = 'witness') AS witnesses,
          (SELECT group_concat(coalesce(person_title || ' ', '') || person, '; ') FROM mou_parties p
             WHERE p.article_id = mous.article_id AND p.role = 'signatory') AS signatories,
          articles.title, articles.source, articles.published_at, articles.url
        FROM mous JOIN articles ON articles.id = mous.article_id
        """
    )


@MIGRATIONS(name="0007_mirrors")
def mirrors(db: Database) -> None:
    """Reposts linked to their originals: a persistent sketch index, the links with their
    evidence and differences, and each article's place in its story."""
    for column in ("mirror_of", "mirror_status", "attributed_to", "sketched_hash"):
        db.table("articles").add_column(column, str)
    db.table("articles").create_index(["mirror_of"])
    db.table("articles").create_index(["mirror_status"])
    db.execute(
        "CREATE TABLE article_sketches (hash INTEGER NOT NULL, article_rowid INTEGER NOT NULL, "
        "PRIMARY KEY (hash, article_rowid)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX article_sketches_rowid ON article_sketches (article_rowid)")
    db.table("mirror_links").create(
        {
            "copy_id": str, "original_id": str, "contains_original": float,
            "contained_in_original": float, "attribution": str, "evidence": str,
            "title_changed": int, "added_count": int, "dropped_count": int,
            "added_paragraphs": str, "dropped_paragraphs": str, "linked_at": str,
        },
        pk="copy_id",
        foreign_keys=[("copy_id", "articles", "id"), ("original_id", "articles", "id")],
    )  # fmt: skip
    db.table("mirror_links").create_index(["original_id"])
    db.execute(
        """
        CREATE VIEW mirrors AS
        SELECT m.original_id, o.source AS original_source, o.published_at AS original_published,
          o.title AS original_title, m.copy_id, c.source AS copy_source,
          c.published_at AS copy_published, c.title AS copy_title, m.contains_original,
          m.contained_in_original, m.attribution, m.evidence, m.title_changed, m.added_count,
          m.dropped_count, m.added_paragraphs, m.dropped_paragraphs, o.url AS original_url,
          c.url AS copy_url
        FROM mirror_links m JOIN articles o ON o.id = m.original_id JOIN articles c ON c.id = m.copy_id
        """
    )


@MIGRATIONS(name="0008_notices")
def notices(db: Database) -> None:
    """SPSE packages (tenders, non-tenders, pencatatan, swakelola, darurat): the current state,
    every version a crawl saw, the schedule, winners and realisations, and articles naming them."""
    db.table("notices").create(
        {
            "id": str, "lpse": str, "category": str, "package_code": str, "name": str,
            "agency": str, "work_unit": str, "budget_year": int, "pagu": int, "hps": int,
            "realised": int, "procurement_type": str, "method": str, "contract_type": str,
            "qualification": str, "location": str, "rup_codes": str, "funding_source": str,
            "stage": str, "status": str, "note": str, "cancel_reason": str, "created_on": str,
            "announced_at": str, "completed_on": str, "url": str, "version": int,
            "content_hash": str, "first_seen_at": str, "last_seen_at": str,
            "last_changed_at": str, "crawl_id": int, "capture_id": str, "gone_at": str,
            "gone_reason": str,
        },
        pk="id",
        not_null={"lpse", "category", "package_code", "first_seen_at", "last_seen_at"},
    )  # fmt: skip
    for columns in (
        ["lpse"], ["category"], ["stage"], ["status"], ["budget_year"], ["agency"], ["method"],
        ["announced_at"], ["hps"], ["package_code"], ["last_changed_at"],
    ):  # fmt: skip
        db.table("notices").create_index(columns)
    db.table("notices").enable_fts(
        ["name", "agency", "work_unit"], fts_version="FTS5", tokenize=FTS_TOKENIZE
    )
    db.executescript(
        """
        CREATE TRIGGER notices_ai AFTER INSERT ON notices BEGIN
          INSERT INTO notices_fts (rowid, name, agency, work_unit)
            VALUES (new.rowid, new.name, new.agency, new.work_unit);
        END;
        CREATE TRIGGER notices_au AFTER UPDATE OF name, agency, work_unit ON notices BEGIN
          INSERT INTO notices_fts (notices_fts, rowid, name, agency, work_unit)
            VALUES ('delete', old.rowid, old.name, old.agency, old.work_unit);
          INSERT INTO notices_fts (rowid, name, agency, work_unit)
            VALUES (new.rowid, new.name, new.agency, new.work_unit);
        END;
        """
    )
    db.table("notice_versions").create(
        {
            "version_id": int, "notice_id": str, "version": int, "seen_at": str,
            "crawl_id": int, "capture_id": str, "changes": str, "stage": str, "status": str,
            "hps": int, "pagu": int, "record": str,
        },
        pk="version_id",
        foreign_keys=[("notice_id", "notices", "id")],
    )  # fmt: skip
    db.table("notice_versions").create_index(["notice_id", "version"], unique=True)
    db.table("notice_versions").create_index(["seen_at"])
    db.table("notice_schedule").create(
        {
            "notice_id": str, "position": int, "stage": str, "starts_at": str, "ends_at": str,
            "changes": int,
        },
        pk=("notice_id", "position"),
        foreign_keys=[("notice_id", "notices", "id")],
    )  # fmt: skip
    db.table("notice_awards").create(
        {
            "id": int, "notice_id": str, "position": int, "role": str, "supplier_name": str,
            "supplier_is_person": int, "npwp": str, "address": str, "offer": int,
            "corrected_price": int, "negotiated_price": int, "contract_value": int,
            "realised_on": str, "realisation_type": str, "since_version": int,
        },
        pk="id",
        foreign_keys=[("notice_id", "notices", "id")],
    )  # fmt: skip
    db.table("notice_awards").create_index(["notice_id"])
    db.table("notice_awards").create_index(["supplier_name"])
    db.table("article_notices").create(
        {"article_id": str, "notice_id": str, "matched_on": str, "evidence": str},
        pk=("article_id", "notice_id"),
        foreign_keys=[("article_id", "articles", "id"), ("notice_id", "notices", "id")],
    )
    db.table("article_notices").create_index(["notice_id"])
    # What notice linking has read: an article's content hash, a notice's version.
    db.table("articles").add_column("notices_scanned", str)
    db.table("notices").add_column("scanned_version", int)


@MIGRATIONS(name="0009_documents")
def documents(db: Database) -> None:
    """Attachments that notices and articles link to: one row a version of a document (its
    bytes are in the WARC), the text where it has one, and what links to it."""
    db.table("documents").create(
        {
            "id": str, "url": str, "kind": str, "title": str, "content_type": str, "size": int,
            "sha256": str, "pages": int, "needs_ocr": int, "problem": str, "text": str,
            "first_seen_at": str, "last_seen_at": str, "superseded_at": str, "crawl_id": int,
            "capture_id": str,
        },
        pk="id",
        not_null={"url", "first_seen_at", "last_seen_at"},
    )  # fmt: skip
    for columns in (["url"], ["kind"], ["needs_ocr"], ["problem"]):
        db.table("documents").create_index(columns)
    db.table("documents").enable_fts(["title", "text"], fts_version="FTS5", tokenize=FTS_TOKENIZE)
    db.executescript(
        """
        CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
          INSERT INTO documents_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        """
    )
    db.table("document_links").create(
        {"document_url": str, "parent_type": str, "parent_id": str, "link_text": str},
        pk=("document_url", "parent_type", "parent_id"),
    )
    db.table("document_links").create_index(["parent_type", "parent_id"])


@MIGRATIONS(name="0010_articles_at_scale")
def articles_at_scale(db: Database) -> None:
    """Indexes for a million articles of 3 KB, where reading a row means reading a page. A
    page filtered by source, kind or year reads its 50 rows in the page's order (newest
    published first) instead of sorting every match, and its count and facets read only the
    index, which carries the other facet columns. They replace the single-column indexes."""
    facets = ("source", "kind", "year")
    for column in (*facets, "lang", "mirror_status"):
        db.execute(f"DROP INDEX IF EXISTS idx_articles_{column}")
        others = [other for other in facets if other != column] if column in facets else []
        db.table("articles").create_index([column, "published_at", *others])


# The articles page's facets, and the month of publication (the articles-per-month chart).
FACET_COUNTS = ("source", "kind", "year")
COUNTED = {**{column: column for column in FACET_COUNTS}, "month": "substr(published_at, 1, 7)"}


def count_article_facets(db: Database) -> None:
    """Recount articles_facet_counts from the articles (after a bulk load without triggers)."""
    db.execute("DELETE FROM articles_facet_counts")
    db.execute(
        f"INSERT INTO articles_facet_counts ({', '.join(COUNTED)}, n) "
        f"SELECT {', '.join(COUNTED.values())}, count(*) FROM articles "
        f"GROUP BY {', '.join(COUNTED.values())}"
    )


@MIGRATIONS(name="0011_article_facet_counts")
def article_facet_counts(db: Database) -> None:
    """The number of articles for each combination of source, kind, year and month, kept by
    triggers. The articles page's facets and row count (datasette_plugins/precounted_facets.py,
    table_sql.py), the home page's counts and the articles-per-month chart are then sums over
    some tens of thousands of rows at most instead of counts over up to a million."""
    db.execute(
        "CREATE TABLE articles_facet_counts "
        "(source TEXT, kind TEXT, year INTEGER, month TEXT, n INTEGER NOT NULL)"
    )
    db.execute(
        "CREATE INDEX idx_articles_facet_counts ON articles_facet_counts (source, kind, year, month)"
    )

    def add(row: str, step: int) -> str:
        values = {column: f"{row}.{column}" for column in FACET_COUNTS}
        values["month"] = COUNTED["month"].replace("published_at", f"{row}.published_at")
        where = " AND ".join(f"{column} IS {value}" for column, value in values.items())
        return (
            f"INSERT INTO articles_facet_counts ({', '.join(values)}, n) "
            f"SELECT {', '.join(values.values())}, 0 "
            f"WHERE NOT EXISTS (SELECT 1 FROM articles_facet_counts WHERE {where}); "
            f"UPDATE articles_facet_counts SET n = n + ({step}) WHERE {where};"
        )

    watched = [*FACET_COUNTS, "published_at"]
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in watched)
    for trigger in (
        f"articles_facet_counts_ai AFTER INSERT ON articles BEGIN {add('new', 1)} END",
        f"articles_facet_counts_ad AFTER DELETE ON articles BEGIN {add('old', -1)} END",
        f"articles_facet_counts_au AFTER UPDATE OF {', '.join(watched)} ON articles "
        f"WHEN {changed} BEGIN {add('old', -1)} {add('new', 1)} END",
    ):
        db.execute(f"CREATE TRIGGER {trigger}")
    count_article_facets(db)


@MIGRATIONS(name="0012_summary_indexes")
def summary_indexes(db: Database) -> None:
    """Indexes that answer from themselves what would otherwise read rows of a million
    articles or 200,000 notices from disk: an article's source by its id (the MoUs-per-month
    chart joins 20,000 MoUs to their articles), and each LPSE's notices by date (the home
    page's LPSE list; a notices page filtered by LPSE in its own order)."""
    db.table("articles").create_index(["id", "source"])
    db.execute("DROP INDEX IF EXISTS idx_notices_lpse")
    db.table("notices").create_index(["lpse", "announced_at"])


@MIGRATIONS(name="0013_canonical_claims")
def canonical_claims(db: Database) -> None:
    """The address a page claims for itself (rel=canonical) outside its source's domains,
    kept beside the URL it was archived under instead of followed."""
    db.table("articles").add_column("canonical_claim", str)


@MIGRATIONS(name="0014_unlisted_twice")
def unlisted_twice(db: Database) -> None:
    """When a complete listing walk first missed an article: gone only if the next misses it too."""
    db.table("articles").add_column("unlisted_at", str)


@MIGRATIONS(name="0015_page_aliases")
def page_aliases(db: Database) -> None:
    """Every URL an article was read at or claims (archive.aliases): `url_id` is the id the
    URL itself gives (archive.ids.article_id), `article_id` the article it leads to.
    Filled from the articles' own URLs, then from the HTML pages their states were captured
    at (a capture that several articles cite is a listing or an API page, not theirs)."""
    db.table("article_urls").create(
        {
            "url_id": str, "url": str, "article_id": str, "source": str, "first_seen_at": str,
            "last_seen_at": str,
        },
        pk="url_id",
        not_null={"url", "article_id", "source"},
        foreign_keys=[("article_id", "articles", "id")],
    )  # fmt: skip
    db.table("article_urls").create_index(["article_id"])
    db.table("article_urls").create_index(["source", "article_id"])
    from archive.ids import article_id  # w3lib: imported where a migration needs it

    db.register_function(article_id, name="procarchive_url_id", deterministic=True, replace=True)
    own = "SELECT url, id AS article_id, source, first_seen_at, last_seen_at FROM articles"
    captured = """
        SELECT c.url, min(a.id) AS article_id, min(a.source) AS source,
          min(c.fetched_at) AS first_seen_at, max(c.fetched_at) AS last_seen_at
        FROM (SELECT id AS article_id, capture_id FROM articles
              UNION SELECT article_id, capture_id FROM article_versions) r
        JOIN captures c ON c.id = r.capture_id JOIN articles a ON a.id = r.article_id
        WHERE c.status = 200
          AND (c.content_type LIKE 'text/html%' OR c.content_type LIKE 'application/xhtml%')
        GROUP BY c.url HAVING count(DISTINCT a.id) = 1"""
    conflicts = sum(_backfill_aliases(db, candidates) for candidates in (own, captured))
    if conflicts:
        logging.getLogger(__name__).warning(
            "%d URLs of archived articles are already another article's address: each "
            "stays the first article's (article_urls)", conflicts,
        )  # fmt: skip


def _backfill_aliases(db: Database, candidates: str) -> int:
    """Insert (url, article id, source, first seen, last seen) rows; a URL already another
    article's stays so. Returns the number of those."""
    keyed = (
        "SELECT procarchive_url_id(url) AS url_id, url, article_id, source, first_seen_at, "
        f"last_seen_at FROM ({candidates})"
    )
    db.execute(f"INSERT OR IGNORE INTO article_urls {keyed} ORDER BY first_seen_at")
    return db.execute(
        f"SELECT count(*) FROM ({keyed}) k JOIN article_urls u ON u.url_id = k.url_id "
        "WHERE u.article_id != k.article_id"
    ).fetchone()[0]


SOURCE_HEALTH = """
SELECT c.source, c.status AS last_status, c.finished_at AS last_crawl, c.drift{columns},
  json_extract(h.health, '$.paths.sitemaps.links') AS sitemap_links,
  json_extract(h.health, '$.paths.feeds.links') AS feed_links,
  json_extract(h.health, '$.paths.listings.links') AS listing_links,
  json_extract(h.health, '$.paths.listings.pages') AS listing_pages,
  json_extract(h.health, '$.expected_extractor') AS expected_extractor,
  (SELECT sum(value) FROM json_each(h.health, '$.articles')) AS articles_read,
  json_extract(h.health, '$.articles.generic') AS articles_generic,
  (SELECT max(g.finished_at) FROM crawls g
    WHERE g.source = c.source AND g.status = 'ok') AS last_good_crawl
FROM crawls c
-- a health that is not JSON (written by hand, damaged) reads as none
JOIN (SELECT id, CASE WHEN json_valid(health) THEN health END AS health FROM crawls) h
  ON h.id = c.id
WHERE c.id = (SELECT max(id) FROM crawls WHERE source = c.source)
"""


@MIGRATIONS(name="0017_source_health")
def source_health(db: Database) -> None:
    """Each crawl's health (pages and article links by discovery path, articles by
    extractor) and its drift; each source's latest crawl beside its last good one."""
    db.table("crawls").add_column("health", str)
    db.table("crawls").add_column("drift", str)
    db.create_view("source_health", SOURCE_HEALTH.format(columns=""))


@MIGRATIONS(name="0018_crawl_budgets")
def crawl_budgets(db: Database) -> None:
    """What cut a crawl's walk short (a budget spent, a trap detected: scrapers/budget.py),
    in the crawl and on the source's health."""
    db.table("crawls").add_column("cut_short", str)
    db.create_view("source_health", SOURCE_HEALTH.format(columns=", c.cut_short"), replace=True)


@MIGRATIONS(name="0019_capture_methods")
def capture_methods(db: Database) -> None:
    """The request method of a capture. Only a GET's payload is an original for revisits:
    replay tools look a revisit's original up by its URL alone, and a POST capture is indexed
    under its URL and form. Captures from before have none and are taken for GETs (the only
    POSTs then were SPSE's DataTables listings)."""
    db.table("captures").add_column("method", str)


@MIGRATIONS(name="0020_mou_signings")
def mou_signings(db: Database) -> None:
    """One MoU signing, one row, whatever number of articles report it (the agency's news,
    its reposts, the partner's release): `mous.signing_id` names it; procarchive/linking/signings.py
    groups them after every crawl. The readable columns are the signing's first report's."""
    db.table("mou_signings").create(
        {
            "id": str, "signed_on": str, "year": int, "place": str, "renewal": int,
            "document_type": str, "parties": str, "party_list": str, "signatories": str,
            "first_report_id": str, "first_reported_at": str, "reports": int, "report_ids": str,
        },
        pk="id",
        foreign_keys=[("first_report_id", "articles", "id")],
    )  # fmt: skip
    db.table("mou_signings").create_index(["year"])
    db.table("mous").add_column("signing_id", str, fk="mou_signings", fk_col="id")
    db.table("mous").create_index(["signing_id"])
    # The overview shows each report with its signing (0006's view, signing_id added).
    view = db.execute("SELECT sql FROM sqlite_master WHERE name = 'mou_overview'").fetchone()[0]
    db.execute("DROP VIEW mou_overview")
    db.execute(
        view.replace("SELECT mous.article_id,", "SELECT mous.article_id, mous.signing_id,", 1)
    )


@MIGRATIONS(name="0021_announced_at_with_offset")
def announced_at_with_offset(db: Database) -> None:
    """notices.announced_at one kind of value (pandas and spreadsheets read a column of one
    kind): a full ISO 8601 date-time with the LPSE's UTC offset. A bare date (a package
    without an announcement stage, dated by its creation) becomes the start of that day at
    the LPSE, a time without an offset the LPSE's local time; the offset is the notice's own
    schedule's, else that of its LPSE's other notices, else the LPSE registry's
    (scrapers/data/lpse.yml), else WIB. The versions' records keep what SPSE said, so their
    hashes, and the next crawl, see no change (archive.notices.announced_moment
    writes new rows so)."""
    from scrapers.lpse import WIB, lpse_registry

    zones = {slug: lpse.timezone for slug, lpse in lpse_registry().items()}
    db.register_function(
        lambda slug: zones.get(slug), name="procarchive_lpse_offset", deterministic=True,
        replace=True,
    )  # fmt: skip
    with_offset = "'*T*[+-][0-9][0-9]:[0-9][0-9]'"
    offset = f"""coalesce(
        (SELECT substr(s.starts_at, -6) FROM notice_schedule s
          WHERE s.notice_id = notices.id AND s.starts_at GLOB {with_offset} LIMIT 1),
        (SELECT substr(o.announced_at, -6) FROM notices o
          WHERE o.lpse = notices.lpse AND o.announced_at GLOB {with_offset} LIMIT 1),
        procarchive_lpse_offset(notices.lpse), '{WIB}')"""
    date_alone = "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"
    # Times without an offset first (their own LPSE's offset), then dates alone.
    db.execute(
        f"UPDATE notices SET announced_at = substr(announced_at, 1, 19) || {offset} "
        "WHERE announced_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]' "
        f"AND NOT announced_at GLOB {with_offset}"
    )  # fmt: skip
    db.execute(
        f"UPDATE notices SET announced_at = announced_at || 'T00:00:00' || {offset} "
        f"WHERE announced_at GLOB {date_alone}"
    )


@MIGRATIONS(name="0022_planned_notices")
def planned_notices(db: Database) -> None:
    """A notice whose stage says it has not started ("Belum Dimulai") is planned, as its
    OCDS tenderStatus always was (scrapers/extract/stages.py); before, it was stored active."""
    from scrapers.extract.stages import notice_status

    rows = db.execute("SELECT id, stage FROM notices WHERE status = 'active'").fetchall()
    db.conn.executemany(
        "UPDATE notices SET status = 'planned' WHERE id = ?",
        [(id_,) for id_, stage in rows if notice_status(stage) == "planned"],
    )


@MIGRATIONS(name="0023_bidder_evaluations")
def bidder_evaluations(db: Database) -> None:
    """The evaluation page's marks on each bidder row (archive.evaluations): NULL where no
    evaluation was read, as for every row before."""
    awards = db.table("notice_awards")
    for mark in ("passed_qualification", "passed_verification", "passed_administration",
                 "passed_technical", "passed_price", "is_winner", "is_contract_winner"):  # fmt: skip
        awards.add_column(mark, int)
    awards.add_column("fail_reason", str)


@MIGRATIONS(name="0024_realised_from_awards")
def realised_from_awards(db: Database) -> None:
    """notices.realised and completed_on, empty where the page states no total, from the
    notice's realisations in notice_awards: the sum of their amounts and, for a complete
    package, the latest date (archive.notices.realisation_totals, which writes new rows so).
    A value a page stated is kept, never overwritten."""
    from archive.notices import realisation_totals

    rows = db.execute(
        "SELECT n.id, n.stage, n.realised, n.completed_on, a.realisation_type, a.contract_value, "
        "a.realised_on FROM notices n JOIN notice_awards a ON a.notice_id = n.id "
        "WHERE a.role = 'realisation' AND (n.realised IS NULL OR n.completed_on IS NULL "
        "OR n.completed_on = '') ORDER BY n.id, a.position"
    ).fetchall()
    records: dict[str, dict[str, Any]] = {}
    for notice_id, stage, realised, completed_on, kind, amount, realised_on in rows:
        record = records.setdefault(
            notice_id,
            {"stage": stage, "realised": realised, "completed_on": completed_on, "awards": []},
        )
        record["awards"].append(
            {"role": "realisation", "realisation_type": kind, "contract_value": amount,
             "realised_on": realised_on}
        )  # fmt: skip
    db.conn.executemany(
        "UPDATE notices SET realised = :realised, completed_on = :completed_on WHERE id = :id",
        [{"id": notice_id, **realisation_totals(record)} for notice_id, record in records.items()],
    )


@MIGRATIONS(name="0025_notice_flags")
def notice_flags(db: Database) -> None:
    """Red flags as data: flag_thresholds (seeded) and the notice_flags view (archive/flags.py)."""
    from archive.flags import create_flags

    create_flags(db)


@MIGRATIONS(name="0026_merged_shards")
def merged_shards(db: Database) -> None:
    """The shards `procarchive cluster merge` folded in (archive/merge.py), by fingerprint."""
    from archive.merge import ensure_merged_shards

    ensure_merged_shards(db)


@MIGRATIONS(name="0027_mou_weekday_check")
def mou_weekday_check(db: Database) -> None:
    """mous.weekday_disagrees: 1 where the weekday written with the signing date is not that
    date's (signed_on keeps the date the numbers give), 0 where it is or none is written;
    NULL on rows read before the check."""
    db.table("mous").add_column("weekday_disagrees", int)


# The articles page's filters combined, each an index in the page's order (0010's cover one).
FILTER_COMBINATIONS = (
    ("source", "kind", "year"),
    ("source", "kind"),
    ("source", "year"),
    ("kind", "year"),
)


@MIGRATIONS(name="0028_combined_filter_indexes")
def combined_filter_indexes(db: Database) -> None:
    """Indexes for an articles page filtered by two or three of source, kind and year, newest
    published first. Through 0010's indexes (one filter column, then published_at) such a
    page walks every entry of its source or kind down to the year asked for: 300,000 of
    them for lkpp_news in 2010, 70-100 ms at a million articles. These start at the page's
    first row. An archive with the planner's statistics gets theirs at once (ANALYZE of
    the new indexes alone), since one without them is chosen by guess."""
    analyzed = db["sqlite_stat1"].exists()
    for columns in FILTER_COMBINATIONS:
        db.table("articles").create_index(
            [*columns, "published_at"], if_not_exists=True, analyze=analyzed
        )


# Where archives made before sqlite-utils' Migrations recorded theirs (name, applied_at).
OLD_RECORD = "_migrations"


def migrate(db: Database) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction. Returns their names."""
    carry_over_old_record(db)
    pending = [migration.name for migration in MIGRATIONS.pending(db)]
    MIGRATIONS.apply(db)
    return pending


def carry_over_old_record(db: Database) -> None:
    """An archive's applied migrations as `_migrations` recorded them, recorded the way
    `MIGRATIONS` reads them (same names, same times, same order), once: `_migrations` is
    dropped in the same transaction. Kept, it would be a second record that new migrations
    never reach, by which an earlier procarchive would take the archive for one of its own
    and write into a schema newer than it knows; dropped, that procarchive refuses the
    archive (its check_archive looks for `_migrations`) and one record is left."""
    if not db[OLD_RECORD].exists():
        return
    with db.atomic():
        MIGRATIONS.ensure_migrations_table(db)
        db.execute(
            f"INSERT OR IGNORE INTO [{MIGRATIONS.migrations_table}] "
            "(migration_set, name, applied_at) "
            f"SELECT ?, name, applied_at FROM [{OLD_RECORD}] ORDER BY rowid",
            [MIGRATIONS.name],
        )
        db.execute(f"DROP TABLE [{OLD_RECORD}]")
