"""Link reposts to their originals across the archive (`procarchive link-mirrors`, and after
every crawl for what it brought).

New or changed articles are sketched into a persistent index (article_sketches); each is
compared with the few articles whose sketches it shares, never with the whole archive.
A pair of articles from different sources is one story when one contains at least half of
the other's shingles (a third, where the copy names the other's site as its source). The
original is the earlier publication, the agency's own site when dates tie or are missing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from sqlite_utils import Database

from archive.articles import now
from archive.links import (
    attribute,
    point_at_root,
    replace_sketches,
    save_mirror_link,
    set_mirror_status,
)
from scrapers.analysis.shingles import containment, shingles, sketch

MIN_CONTAINMENT = 0.5
MIN_WITH_ATTRIBUTION = 0.3
MIN_SKETCH_HITS = 2  # one shared shingle is a common phrase, not a copy
MAX_CANDIDATES = 25
PARAGRAPH_MATCH = 0.5


@dataclass
class Doc:
    rowid: int
    id: str
    source: str
    url: str
    title: str
    text: str
    published_at: str | None
    reference: str | None
    first_seen_at: str

    @cached_property
    def hashes(self) -> set[int]:
        return shingles(self.text)


@dataclass(frozen=True)
class Link:
    copy: Doc
    original: Doc
    contains_original: float  # share of the original's shingles found in the copy
    contained_in_original: float  # share of the copy's shingles found in the original
    attribution: str | None


@dataclass
class LinkSummary:
    indexed: int = 0
    linked: int = 0
    attributed: int = 0


DOC_COLUMNS = "rowid, id, source, url, title, text, published_at, reference, first_seen_at"


def link_mirrors(
    db: Database, agency_sources: Iterable[str] = (), full: bool = False
) -> LinkSummary:
    agencies = set(agency_sources)
    summary = LinkSummary()
    changed = index_articles(db, full)
    summary.indexed = len(changed)
    links: dict[str, Link] = {}
    for doc in changed:
        for other in candidates(db, doc):
            link = compare(doc, other, agencies)
            if link and _better(link, links.get(link.copy.id)):
                links[link.copy.id] = link
    with db.atomic():
        # The originals copies pointed at before this run may stop being originals.
        marks = ",".join("?" * len(links))
        touched = {doc.id for doc in changed} | {
            row[0]
            for row in db.execute(
                f"SELECT mirror_of FROM articles WHERE id IN ({marks}) AND mirror_of IS NOT NULL",
                list(links),
            )
        }
        for link in links.values():
            save_link(db, link)
        summary.linked = len(links)
        for doc in changed:
            if doc.id not in links and doc.reference:
                attribute(db, doc.id, site_of(doc.reference))
                summary.attributed += 1
        for link in links.values():
            touched |= point_at_root(db, link.copy.id)
        set_mirror_status(db, touched)
    return summary


def index_articles(db: Database, full: bool) -> list[Doc]:
    """Sketch the articles that are new or changed since they were last sketched."""
    where = "" if full else "WHERE sketched_hash IS NULL OR sketched_hash != content_hash"
    docs = [
        Doc(*row) for row in db.execute(f"SELECT {DOC_COLUMNS} FROM articles {where}").fetchall()
    ]
    with db.atomic():
        for doc in docs:
            replace_sketches(db, doc.rowid, sketch(doc.hashes))
    return docs


def candidates(db: Database, doc: Doc) -> list[Doc]:
    """Articles of other sources whose sketches share at least two shingles with this one."""
    if not doc.hashes:
        return []
    values = list(doc.hashes)
    db.execute("CREATE TEMP TABLE IF NOT EXISTS probe (hash INTEGER PRIMARY KEY)")
    with db.atomic():  # a temporary table's rows, in a transaction of their own
        db.execute("DELETE FROM probe")
        db.conn.executemany("INSERT OR IGNORE INTO probe VALUES (?)", [(v,) for v in values])
    # CROSS JOIN keeps the probe as the outer loop: a few hundred index look-ups, whatever
    # the size of the index.
    hits = db.execute(
        "SELECT article_rowid FROM probe CROSS JOIN article_sketches "
        "ON article_sketches.hash = probe.hash WHERE article_rowid != ? "
        "GROUP BY article_rowid HAVING count(*) >= ? ORDER BY count(*) DESC LIMIT ?",
        [doc.rowid, MIN_SKETCH_HITS, MAX_CANDIDATES],
    ).fetchall()
    marks = ",".join("?" * len(hits))
    rows = db.execute(
        f"SELECT {DOC_COLUMNS} FROM articles WHERE rowid IN ({marks}) AND source != ?",
        [*(hit[0] for hit in hits), doc.source],
    ).fetchall()
    return [Doc(*row) for row in rows]


def compare(a: Doc, b: Doc, agencies: set[str]) -> Link | None:
    original, copy = order(a, b, agencies)
    shared = len(a.hashes & b.hashes)
    if not shared:
        return None
    contains_original = shared / len(original.hashes)
    contained = shared / len(copy.hashes)
    attribution = attributed(copy, original)
    needed = MIN_WITH_ATTRIBUTION if attribution else MIN_CONTAINMENT
    if max(contains_original, contained) < needed:
        return None
    return Link(copy, original, contains_original, contained, attribution)


def order(a: Doc, b: Doc, agencies: set[str]) -> tuple[Doc, Doc]:
    """(original, copy): the earlier publication; the agency's own page on a tie or when a
    date is missing; else the one the archive saw first."""
    day_a, day_b = (a.published_at or "")[:10], (b.published_at or "")[:10]
    if day_a and day_b and day_a != day_b:
        return (a, b) if day_a < day_b else (b, a)
    if (a.source in agencies) != (b.source in agencies):
        return (a, b) if a.source in agencies else (b, a)
    if a.published_at and b.published_at and a.published_at != b.published_at:
        return (a, b) if a.published_at < b.published_at else (b, a)
    return (a, b) if a.first_seen_at <= b.first_seen_at else (b, a)


def attributed(copy: Doc, original: Doc) -> str | None:
    """The copy's "Sumber:" names the original's page or site."""
    if not copy.reference:
        return None
    if copy.reference.rstrip("/") == original.url.rstrip("/"):
        return f"links to {original.url}"
    site = site_of(copy.reference)
    host = (urlsplit(original.url).hostname or "").removeprefix("www.")
    return f"names {site}" if site and (host == site or host.endswith("." + site)) else None


def site_of(reference: str) -> str:
    text = reference.strip()
    host = urlsplit(text if "://" in text else f"http://{text}").hostname or text
    return host.lower().removeprefix("www.")


def _better(link: Link, current: Link | None) -> bool:
    """Of two originals for one copy, the earlier wins (the agency over a blog it copied)."""
    if current is None:
        return True
    if link.original.id == current.original.id:
        return False
    earlier, _ = order(link.original, current.original, set())
    return earlier is link.original


def differences(link: Link) -> dict[str, object]:
    original, copy = link.original, link.copy
    original_paragraphs = [p for p in original.text.split("\n\n") if p.strip()]
    copy_paragraphs = [p for p in copy.text.split("\n\n") if p.strip()]
    added = [
        p for p in copy_paragraphs if containment(shingles(p), original.hashes) < PARAGRAPH_MATCH
    ]
    dropped = [
        p for p in original_paragraphs if containment(shingles(p), copy.hashes) < PARAGRAPH_MATCH
    ]
    return {
        "title_changed": int(
            " ".join(original.title.lower().split()) != " ".join(copy.title.lower().split())
        ),
        "added_count": len(added),
        "dropped_count": len(dropped),
        "added_paragraphs": json.dumps(added, ensure_ascii=False),
        "dropped_paragraphs": json.dumps(dropped, ensure_ascii=False),
    }


def save_link(db: Database, link: Link) -> None:
    evidence = f"shares {link.contains_original:.0%} of the original's text"
    if link.attribution:
        evidence += f"; {link.attribution}"
    row = {
        "copy_id": link.copy.id, "original_id": link.original.id,
        "contains_original": round(link.contains_original, 3),
        "contained_in_original": round(link.contained_in_original, 3),
        "attribution": link.attribution, "evidence": evidence, "linked_at": now(),
        **differences(link),
    }  # fmt: skip
    save_mirror_link(db, row)
