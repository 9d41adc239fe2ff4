"""Precision and recall of repost linking on the labelled set (tests/fixtures/mirrors/):
reposts with commentary, cuts, reworded titles and other dates, and hard negatives.

`python -m benchmarks.mirror_quality [--errors]`"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from archive.articles import write_articles
from archive.connection import open_archive
from pipelines.normalize import NormalizePipeline
from pipelines.store import article_row
from procarchive.linking.mirrors import link_mirrors
from scrapers.items import ArticleItem

LABELLED = (
    Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "mirrors" / "labelled.yml"
)


@dataclass
class Scores:
    precision: float
    recall: float
    attributions: float  # share of copies of unarchived originals that name their source
    links: int
    errors: list[str] = field(default_factory=list)


def evaluate(path: Path = LABELLED) -> Scores:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    db = open_archive(":memory:")
    ids: dict[str, str] = {}
    rows = []
    for case in data["articles"]:
        item = ArticleItem(
            url=case["url"], source=case["source"], title=case["title"], text=case["text"].strip(),
            published_at=case.get("published"), reference=case.get("reference"),
        )  # fmt: skip
        row = article_row(NormalizePipeline().process_item(item))
        ids[row["id"]] = case["id"]
        rows.append(row)
    write_articles(db, rows, None)
    agencies = {case["source"] for case in data["articles"] if case.get("kind") == "agency"}
    link_mirrors(db, agencies)
    predicted = {
        (ids[copy], ids[original])
        for copy, original in db.execute(
            "SELECT id, mirror_of FROM articles WHERE mirror_of IS NOT NULL"
        )
    }
    expected = {(link["copy"], link["original"]) for link in data["links"]}
    unresolved = data.get("unresolved_attributions", [])
    attributed = {
        ids[i] for (i,) in db.execute("SELECT id FROM articles WHERE attributed_to IS NOT NULL")
    }
    errors = [f"wrong link {copy} -> {original}" for copy, original in sorted(predicted - expected)]
    errors += [
        f"missed link {copy} -> {original}" for copy, original in sorted(expected - predicted)
    ]
    errors += [f"no attribution for {case}" for case in unresolved if case not in attributed]
    return Scores(
        precision=len(predicted & expected) / len(predicted) if predicted else 0.0,
        recall=len(predicted & expected) / len(expected) if expected else 0.0,
        attributions=sum(case in attributed for case in unresolved) / len(unresolved)
        if unresolved
        else 1.0,
        links=len(expected),
        errors=errors,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    scores = evaluate()
    print(
        f"{scores.links} labelled reposts: precision {scores.precision:.3f}, recall {scores.recall:.3f}"
    )
    print(f"copies of unarchived originals that name their source: {scores.attributions:.0%}")
    for error in scores.errors if args.errors else []:
        print(f"  {error}")


if __name__ == "__main__":
    main()
