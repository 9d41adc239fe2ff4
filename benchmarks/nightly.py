"""Nightly (incremental) crawling on a 1,000-article loopback site (`make bench-nightly`).

Crawl 1 fills an empty archive; crawl 2 finds the site unchanged; then 10 articles are
edited and 5 deleted through the sample server's control URLs, and crawl 3 must find
exactly those 15. Prints bytes and seconds of each crawl and the ratios to the first.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import urllib.request
from pathlib import Path

from archive.connection import open_archive
from archive.ids import article_id
from benchmarks.common import generated_site, one_crawl


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    with generated_site(args.articles) as base, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "archive.db"
        first, second = one_crawl("nightly", base, db), one_crawl("nightly", base, db)
        slugs = [f"berita-{n:05d}" for n in random.Random(3).sample(range(args.articles), 15)]
        for action, chosen in (("edit", slugs[:10]), ("delete", slugs[10:])):
            for slug in chosen:
                urllib.request.urlopen(f"{base}/__control/{action}/{slug}").read()
        third = one_crawl("nightly", base, db)
        found = found_changes(db)
    expected = {article_id(f"{base}/berita/{slug}") for slug in slugs}
    print(f"{args.articles} generated articles on {base}")
    print(
        f"{'crawl':<10}{'requests':>9}{'bytes':>11}{'seconds':>9}{'new':>6}{'changed':>8}{'same':>6}{'gone':>6}"
    )
    for name, r in (("first", first), ("unchanged", second), ("after", third)):
        print(
            f"{name:<10}{r['requests']:>9}{r['bytes']:>11}{r['seconds']:>9.2f}{r['new']:>6}"
            f"{r['changed']:>8}{r['unchanged']:>6}{r['gone']:>6}"
        )
    print(f"unchanged crawl: {second['bytes'] / first['bytes']:.1%} of the first crawl's bytes, "
          f"{second['seconds'] / first['seconds']:.1%} of its time")  # fmt: skip
    print(f"after 10 edits and 5 deletions: found {len(found & expected)} of 15, "
          f"{len(found - expected)} others")  # fmt: skip


def found_changes(db: Path) -> set[str]:
    archive = open_archive(db, create=False)
    changed = {
        row[0] for row in archive.execute("select distinct article_id from article_versions")
    }
    gone = {row[0] for row in archive.execute("select id from articles where gone_at is not null")}
    return changed | gone


if __name__ == "__main__":
    main()
