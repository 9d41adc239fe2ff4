"""Crawl throughput against raw Scrapy fetching of the same loopback site (`make bench`).

The sample server runs in its own process with N generated agency articles. Each mode is a
separate crawl process; figures are pages/s over the crawl's elapsed time, and ratios are
against the raw fetch measured in this same run. The CPU milliseconds a page, of the crawl's
process (the reactor thread and Scrapy's) and of its extraction workers, are what bounds the
ratio on a machine of few cores, and what a loaded machine disturbs least.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import generated_site, one_crawl

MODES = ("raw", "site", "naive", "generic")


def run_mode(mode: str, base: str, workdir: Path) -> dict[str, Any]:
    result = one_crawl(mode, base, workdir / f"{mode}.db")
    result["pages_per_s"] = result["pages"] / result["seconds"] if result["seconds"] else 0.0
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    args = parser.parse_args()
    with generated_site(args.articles) as base, tempfile.TemporaryDirectory() as tmp:
        results = {mode: run_mode(mode, base, Path(tmp)) for mode in args.modes}
    print(f"{args.articles} generated articles on {base}")
    print(
        f"{'mode':<10}{'pages':>8}{'items':>8}{'seconds':>10}{'pages/s':>10}{'vs raw':>9}"
        f"{'crawl ms/p':>12}{'worker ms/p':>13}"
    )
    raw = results.get("raw", {}).get("pages_per_s") or 0.0
    for mode, r in results.items():
        ratio = f"{r['pages_per_s'] / raw:.0%}" if raw else "-"
        per_page = 1000 / r["pages"] if r["pages"] else 0.0
        print(
            f"{mode:<10}{r['pages']:>8}{r['items']:>8}{r['seconds']:>10.1f}{r['pages_per_s']:>10.1f}{ratio:>9}"
            f"{r['crawl_cpu'] * per_page:>12.2f}{r['worker_cpu'] * per_page:>13.2f}"
        )
    if "naive" in results and "generic" in results and results["naive"]["pages_per_s"]:
        speedup = results["generic"]["pages_per_s"] / results["naive"]["pages_per_s"]
        print(f"generic extractor off the crawl's thread: {speedup:.2f}x the naive pipeline")


if __name__ == "__main__":
    main()
