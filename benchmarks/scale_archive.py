"""A generated archive at publication scale, through the real schema (open_archive + migrations).

Articles of about 3 KB drawn from a pool of Indonesian sentences (the sample sites' vocabulary
in a Zipf distribution, with a long tail of rarer words), with skewed sources, languages, kinds
and agencies, published_at increasing with rowid apart from a few back-filled pages; reposts
linked to originals; MoUs with parties (2 %); notices with their versions. The full-text
indexes are built in bulk (triggers dropped, `rebuild`, triggers recreated from their own SQL).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import accumulate
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import yaml

from archive.connection import open_archive
from archive.migrations import count_article_facets
from archive.upkeep import optimize_archive
from samples.content import agency_articles
from scrapers.analysis.shingles import words

BATCH = 20_000
COMMON_TERM = "pengadaan"  # the head of the Zipf distribution: in almost every article
SOURCES = {"lkpp_news": 30, "kebijakan_pbj_blog": 10, "iksansaleh_blog": 8, "pps_news": 4}
SOURCES |= {f"regional_{n:02d}": 2 for n in range(24)}
MIRROR_SOURCES = {"kebijakan_pbj_blog", "iksansaleh_blog"}
KINDS = {"news": 78, "tender": 8, "regulation": 5, "agreement": 3, "mou": 2, "mou_mention": 4}
CATEGORIES = {"tender": 40, "nontender": 30, "pencatatan": 20, "swakelola": 8, "darurat": 2}
STAGES = {"Pengumuman Pascakualifikasi": "active", "Evaluasi Penawaran": "active",
          "Tender Sudah Selesai": "complete", "Tender Batal": "cancelled"}  # fmt: skip
FIRST_DAY = datetime(2010, 1, 4)
DAYS = 16 * 365
SYLLABLES = [
    "ba",
    "ka",
    "la",
    "ma",
    "na",
    "pa",
    "ra",
    "sa",
    "ta",
    "ja",
    "ga",
    "da",
    "ha",
    "wa",
    "ya",
    "ri",
    "tu",
    "ku",
    "mu",
    "nu",
    "si",
    "di",
    "li",
    "bu",
    "ti",
    "pe",
    "ke",
    "se",
    "be",
    "me",
    "te",
]
DATA = Path(__file__).resolve().parent.parent / "scrapers" / "data"


def weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def sentence_pool(rng: random.Random, size: int = 100_000) -> list[str]:
    """Sentences of 10-20 words: the real vocabulary ranked at random (COMMON_TERM first), then
    30,000 made-up words, drawn with Zipf weights; a tail word lands in few sentences."""
    vocab = sorted({w for a in agency_articles() for p in a.paragraphs for w in words(p)})
    rng.shuffle(vocab)
    vocab.remove(COMMON_TERM)
    tail = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(3, 4))) for _ in range(40_000)})
    known = set(vocab)
    ranked = [COMMON_TERM, *vocab, *(w for w in tail[:30_000] if w not in known)]
    cumulative = list(accumulate(1 / (rank + 1) for rank in range(len(ranked))))
    pool = []
    for _ in range(size):
        chosen = rng.choices(ranked, cum_weights=cumulative, k=rng.randint(10, 20))
        pool.append(" ".join(chosen).capitalize() + ".")
    return pool


def text_of(rng: random.Random, pool: list[str]) -> str:
    sentences = rng.choices(pool, k=rng.randint(20, 27))
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))


def rare_term(db: Any, articles: int) -> tuple[str, int]:
    """A made-up word of the pool's tail in 0.005-0.05 % of the articles (read from the index)."""
    db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, articles_fts, row)")
    found = db.execute(
        "select term, doc from temp.vocab where doc between ? and ? and length(term) > 6 limit 1",
        [max(articles // 20_000, 2), articles // 2_000],
    ).fetchone()
    if found is None:
        raise RuntimeError("no rare term in the index")
    return str(found[0]), int(found[1])


class ArchiveGenerator:
    def __init__(self, articles: int, seed: int = 7) -> None:
        self.articles, self.seed = articles, seed
        self.rng = random.Random(seed)
        self.pool = sentence_pool(self.rng)
        gazetteer = yaml.safe_load((DATA / "agencies.yml").read_text(encoding="utf-8"))
        self.agencies = [a["name"] for a in gazetteer]
        self.agency_weights = list(accumulate(1 / (i + 1) for i in range(len(self.agencies))))
        self.gazetteer = [(a["name"], a["full"], a["country"], a["type"]) for a in gazetteer]
        lpses = yaml.safe_load((DATA / "lpse.yml").read_text(encoding="utf-8"))["lpse"]
        self.lpses = [(lpse["slug"], lpse["agency"]) for lpse in lpses]

    def article_id(self, n: int) -> str:
        return hashlib.sha256(f"https://site-{n % 97}.example/{n}".encode()).hexdigest()[:16]

    def published(self, n: int) -> datetime:
        rng = self.rng
        day = n * DAYS / self.articles + rng.uniform(-2, 2)
        if rng.random() < 0.02:  # a back-filled page, archived years after publication
            day -= rng.uniform(0, 5 * 365)
        return FIRST_DAY + timedelta(days=max(day, 0), seconds=rng.randrange(86_400))

    def article_batch(self, start: int, stop: int) -> dict[str, list[tuple[Any, ...]]]:
        """Rows of articles start..stop-1 and their records; reposts copy articles of the
        same batch, whose rowids are listed under "originals"."""
        rng = self.rng = random.Random(self.seed * 1_000_000_007 + start)
        originals: list[int] = []
        reposted: set[int] = set()
        out: dict[str, list[tuple[Any, ...]]] = {"articles": [], "article_agencies": [],
                                                 "mous": [], "mou_parties": [], "mirror_links": []}  # fmt: skip
        for n in range(start, stop):
            source, kind = weighted(rng, SOURCES), weighted(rng, KINDS)
            lang = "en" if source == "pps_news" else ("ms" if rng.random() < 0.02 else "id")
            text, when, article_id = text_of(rng, self.pool), self.published(n), self.article_id(n)
            named = sorted(set(rng.choices(self.agencies, cum_weights=self.agency_weights, k=rng.randint(0, 4))))  # fmt: skip
            mirror_of, status, reference = None, "unique", None
            if source in MIRROR_SOURCES and originals and rng.random() < 0.6:
                original = rng.choice(originals[-2000:])
                mirror_of, status = self.article_id(original), "mirror"
                reference = f"https://site-{original % 97}.example/{original}"
                reposted.add(original)
                out["mirror_links"].append((article_id, mirror_of, 0.9, 0.8, "names lkpp.go.id",
                                            "shares 90 % of the original's 5-grams", 0, 1, 0, "[]", "[]", "2026-01-01T00:00:00+00:00"))  # fmt: skip
            elif source == "lkpp_news":
                originals.append(n)
            digest = hashlib.sha256(text.encode()).hexdigest()
            seen = (when + timedelta(hours=rng.randint(1, 48))).isoformat(timespec="seconds")
            title = text.split(".")[0][:90]
            out["articles"].append((
                article_id, f"https://site-{n % 97}.example/{n}", source, title,
                when.isoformat(timespec="seconds") + "+07:00", when.year, None, lang, kind, text,
                reference, digest, seen, seen, 1 + n // 5000, f"c-{n // 5000:05d}.warc.gz#{n}",
                json.dumps(named), mirror_of, status, digest, digest,
                seen if rng.random() < 0.005 else None,
            ))  # fmt: skip
            out["article_agencies"] += [(article_id, a, rng.randint(1, 5), 1) for a in named]
            if kind == "mou":
                out["mous"].append((article_id, when.date().isoformat(), "Senin (02/10)", when.year,
                                    "Jakarta", "Nota kesepahaman", int(rng.random() < 0.2), None, None, None))  # fmt: skip
                parties = rng.sample(self.agencies, 2)
                out["mou_parties"] += [
                    (article_id, p, "party", 1, None, None, None) for p in parties
                ]
                out["mou_parties"].append(
                    (article_id, parties[0], "signatory", 1, "Budi Santoso", "Kepala", None)
                )
        out["originals"] = [(n + 1,) for n in sorted(reposted)]
        return out

    def notice_rows(self, count: int) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
        rng = self.rng
        for n in range(count):
            slug, agency = rng.choice(self.lpses)
            category, stage = weighted(rng, CATEGORIES), rng.choice(list(STAGES))
            when = FIRST_DAY + timedelta(days=n * DAYS / count)
            hps = rng.randrange(50, 50_000) * 1_000_000
            notice_id = f"{slug}-{category}-{10_000_000 + n}"
            name = " ".join(rng.choice(self.pool).split()[:8]).rstrip(".")
            versions = rng.choice((1, 1, 2, 3))
            yield (
                (notice_id, slug, category, str(10_000_000 + n), name, agency, f"Satker {n % 500}",
                 when.year, hps + hps // 10, hps, None, "Pekerjaan Konstruksi", "Tender",
                 "Harga Satuan", "Kecil", slug, "[]", "APBD", stage, STAGES[stage], None, None,
                 when.date().isoformat(), when.isoformat(timespec="seconds") + "+07:00", None,
                 f"https://spse.inaproc.id/{slug}/lelang/{n}", versions, f"h{n}", "2026-01-01",
                 "2026-01-02", "2026-01-02", 1, None, None, None, versions),
                [(notice_id, v, f"2026-01-0{v}", 1, None, "[]" if v == 1 else '["stage"]', stage,
                  STAGES[stage], hps, hps + hps // 10, json.dumps({"name": name, "hps": hps}))
                 for v in range(1, versions + 1)],
            )  # fmt: skip


INSERTS = {
    "articles": "INSERT INTO articles (id, url, source, title, published_at, year, author, lang, kind, text, reference, content_hash, first_seen_at, last_seen_at, crawl_id, capture_id, agencies, mirror_of, mirror_status, sketched_hash, notices_scanned, gone_at) VALUES ({})",
    "article_agencies": "INSERT OR IGNORE INTO article_agencies VALUES ({})",
    "mous": "INSERT INTO mous (article_id, signed_on, signed_on_raw, year, place, document_type, renewal, duration_text, duration_months, scope) VALUES ({})",
    "mou_parties": "INSERT INTO mou_parties (article_id, agency, role, in_gazetteer, person, person_title, acting_for) VALUES ({})",
    "mirror_links": "INSERT INTO mirror_links VALUES ({})",
    "notices": "INSERT INTO notices VALUES ({})",
    "notice_versions": "INSERT INTO notice_versions (notice_id, version, seen_at, crawl_id, capture_id, changes, stage, status, hps, pagu, record) VALUES ({})",
    "originals": "UPDATE articles SET mirror_status = 'original' WHERE rowid = ?",
}  # fmt: skip
_worker: ArchiveGenerator | None = None


def _start_worker(articles: int) -> None:
    global _worker
    _worker = ArchiveGenerator(articles)


def _batch(bounds: tuple[int, int]) -> dict[str, list[tuple[Any, ...]]]:
    assert _worker is not None
    return _worker.article_batch(*bounds)


def insert(db: Any, table: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        db.conn.executemany(INSERTS[table].format(", ".join("?" * len(rows[0]))), rows)


def generate(db_path: Path, articles: int, notices: int) -> dict[str, Any]:
    """Write the archive at db_path; returns what the benchmark needs to know about it."""
    started = time.perf_counter()
    db = open_archive(db_path)
    db.execute("PRAGMA journal_mode=OFF")  # a failed generation is started again, not rolled back
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-500000")
    # Triggers and indexes go while the rows are written, and come back from their own SQL.
    deferred = {(kind, name): sql for kind, name, sql in db.execute(
        "select type, name, sql from sqlite_master where type in ('trigger', 'index') "
        "and sql is not null and tbl_name in ('articles', 'article_agencies', 'notices', 'notice_versions')"
    )}  # fmt: skip
    for kind, name in deferred:
        db.execute(f"DROP {kind} {name}")
    generator = ArchiveGenerator(articles)  # the worker processes make the same
    with db.atomic():
        db.conn.executemany("INSERT INTO agencies VALUES (?, ?, ?, ?)", generator.gazetteer)
        db.conn.executemany(
            "INSERT INTO crawls (run_id, source, spider, started_at, finished_at, status) "
            "VALUES ('r1', ?, 'article', '2026-01-01', '2026-01-01', 'ok')",
            [(s,) for s in SOURCES],
        )
    bounds = [(start, min(start + BATCH, articles)) for start in range(0, articles, BATCH)]
    with Pool(2, _start_worker, (articles,)) as pool:  # text is made while rows are written
        for batch in pool.imap(_batch, bounds):
            with db.atomic():
                for table, rows in batch.items():
                    insert(db, table, rows)
    with db.atomic():
        notice_batch: list[tuple[Any, ...]] = []
        version_batch: list[tuple[Any, ...]] = []
        for notice, versions in generator.notice_rows(notices):
            notice_batch.append(notice)
            version_batch += versions
        insert(db, "notices", notice_batch)
        insert(db, "notice_versions", version_batch)
    phases = {"rows": time.perf_counter() - started}
    with db.atomic():
        db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        db.execute("INSERT INTO notices_fts (notices_fts) VALUES ('rebuild')")
    phases["full-text"] = time.perf_counter() - started - sum(phases.values())
    with db.atomic():
        for sql in deferred.values():
            db.execute(sql)
        count_article_facets(db)
    phases["indexes"] = time.perf_counter() - started - sum(phases.values())
    optimize_archive(db)  # as the nightly crawl leaves it: one full-text segment, statistics
    phases["optimize"] = time.perf_counter() - started - sum(phases.values())
    term, matches = rare_term(db, articles)
    common = db.execute(
        "select count(*) from articles_fts where articles_fts match ?", [COMMON_TERM]
    ).fetchone()[0]
    db.execute("PRAGMA journal_mode=DELETE")  # what `serve --public` opens immutable
    db.close()
    return {
        "articles": articles, "notices": notices, "common_term": COMMON_TERM,
        "common_matches": common, "rare_term": term, "rare_matches": matches,
        "phases": {name: round(seconds) for name, seconds in phases.items()},
        "seconds": round(time.perf_counter() - started),
    }  # fmt: skip
