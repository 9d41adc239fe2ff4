"""Repost linking at archive scale (`python -m benchmarks.mirror_linking`).

Generates an archive of N articles (default 1,000,000: unique texts drawn from the sample
sites' Indonesian vocabulary, already sketched, as nightly linking leaves them), then adds a
night's 5,000 new articles (half reposts of archived ones with commentary added, half new)
and times `link_mirrors` over them in a separate process, printing its time, peak memory
(max RSS) and what it linked. The full-text index is left out of the generated archive: it
plays no part in linking and would only slow the generation.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archive.connection import open_archive
from procarchive.linking.mirrors import link_mirrors
from samples.content import agency_articles
from scrapers.analysis.shingles import shingles, sketch, words

BATCH = 20_000


def vocabulary() -> list[str]:
    return sorted({w for a in agency_articles() for p in a.paragraphs for w in words(p)})


def text_of(rng: random.Random, vocab: list[str]) -> str:
    return "\n\n".join(
        " ".join(rng.choices(vocab, k=rng.randint(25, 45))) for _ in range(rng.randint(3, 5))
    )


def generate(db_path: Path, articles: int, new: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    vocab = vocabulary()
    db = open_archive(db_path)
    for trigger in ("articles_ai", "articles_ad", "articles_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    texts: dict[int, str] = {}
    started = time.perf_counter()
    for start in range(0, articles + new, BATCH):
        rows: list[tuple[object, ...]] = []
        sketches: list[tuple[int, int]] = []
        for n in range(start, min(start + BATCH, articles + new)):
            fresh = n >= articles
            if fresh and n % 2 == 0:  # a repost of an archived article, with commentary
                original = rng.randrange(articles)
                text = texts.get(original) or text_of(random.Random(original), vocab)
                text += "\n\n" + text_of(rng, vocab).split("\n\n")[0]
                source = "blog"
            else:
                text = text_of(random.Random(n), vocab) if not fresh else text_of(rng, vocab)
                source = "lkpp_news"
            if n < 5000:
                texts[n] = text
            digest = hashlib.sha256(text.encode()).hexdigest()
            published = (
                "2026-01-02" if fresh else f"20{10 + n % 15:02d}-01-01"
            )  # reposts come later
            rows.append((f"{n:016x}", f"https://example.go.id/{n}", source, f"Berita {n}", text, digest,
                         published, "2026-01-01", "2026-01-01", None if fresh else digest))  # fmt: skip
            if not fresh:
                sketches.extend((value, n + 1) for value in sketch(shingles(text)))
        with db.atomic():
            db.conn.executemany(
                "INSERT INTO articles (id, url, source, title, text, content_hash, published_at, "
                "first_seen_at, last_seen_at, sketched_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.conn.executemany("INSERT OR IGNORE INTO article_sketches VALUES (?, ?)", sketches)
    print(
        f"generated {articles:,} archived + {new:,} new articles in {time.perf_counter() - started:.0f} s"
    )
    db.close()


def measure(db_path: Path) -> None:
    """Run in its own process: link the new articles, print time and peak memory."""
    db = open_archive(db_path, create=False)
    started = time.perf_counter()
    summary = link_mirrors(db, ["lkpp_news"])
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_mb,
                "indexed": summary.indexed,
                "linked": summary.linked,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=5_000)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "archive.db"
        generate(db_path, args.articles, args.new)
        size_mb = db_path.stat().st_size / 1024**2
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.mirror_linking", "--measure", str(db_path)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"archive of {args.articles:,} articles ({size_mb:,.0f} MB)")
    print(
        f"linking {result['indexed']:,} new articles: {result['seconds']:.1f} s, "
        f"peak memory {result['peak_mb']:.0f} MB, {result['linked']:,} reposts linked "
        f"(of {args.new // 2:,} generated)"
    )


if __name__ == "__main__":
    main()
