"""Quality of kinds and MoU records on the labelled set (tests/fixtures/mou_labelled/):
precision and recall of kind `mou`, party F1 and exact signing-date accuracy.

`python -m benchmarks.mou_quality [--errors]` prints the figures (and each miss)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from scrapers.analysis.kinds import KINDS, classify
from scrapers.analysis.mou import extract_mou

LABELLED = (
    Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "mou_labelled" / "articles.yml"
)


@dataclass
class Scores:
    mou_precision: float
    mou_recall: float
    party_f1: float
    date_accuracy: float
    kind_accuracy: float
    articles: int
    errors: list[str] = field(default_factory=list)


def evaluate(path: Path = LABELLED) -> Scores:
    cases: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    tp = fp = fn = party_tp = party_fp = party_fn = dates_right = gold_mous = kinds_right = 0
    errors = []
    for case in cases:
        gold = case["expected"]
        published = date.fromisoformat(case["published"][:10])
        kind = classify(case["title"], case["text"], published)
        record = extract_mou(case["title"], case["text"], published) if kind == "mou" else None
        kinds_right += kind == gold["kind"]
        if kind != gold["kind"]:
            errors.append(f"{case['id']}: kind {kind}, expected {gold['kind']}")
        if gold["kind"] != "mou":
            fp += kind == "mou"
            continue
        gold_mous += 1
        tp += kind == "mou"
        fn += kind != "mou"
        predicted = set(record.party_names()) if record else set()
        expected = set(gold["parties"])
        party_tp += len(predicted & expected)
        party_fp += len(predicted - expected)
        party_fn += len(expected - predicted)
        if predicted != expected:
            errors.append(f"{case['id']}: parties {sorted(predicted)}, expected {sorted(expected)}")
        signed_on = record.signed_on if record else None
        dates_right += signed_on == gold["signed_on"]
        if signed_on != gold["signed_on"]:
            raw = record.signed_on_raw if record else None
            errors.append(
                f"{case['id']}: signed_on {signed_on} ({raw!r}), expected {gold['signed_on']}"
            )
    precision = tp / (tp + fp) if tp + fp else 0.0
    party_precision = party_tp / (party_tp + party_fp) if party_tp + party_fp else 0.0
    party_recall = party_tp / (party_tp + party_fn) if party_tp + party_fn else 0.0
    return Scores(
        mou_precision=precision,
        mou_recall=tp / (tp + fn) if tp + fn else 0.0,
        party_f1=2 * party_precision * party_recall / (party_precision + party_recall)
        if party_tp
        else 0.0,
        date_accuracy=dates_right / gold_mous if gold_mous else 0.0,
        kind_accuracy=kinds_right / len(cases),
        articles=len(cases),
        errors=errors,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args()
    for name, path in (
        ("tuning set", LABELLED),
        ("holdout set", LABELLED.with_name("holdout.yml")),
    ):
        scores = evaluate(path)
        print(f"{name}: {scores.articles} labelled articles ({', '.join(KINDS)})")
        print(f"  kind mou: precision {scores.mou_precision:.3f}, recall {scores.mou_recall:.3f}")
        print(
            f"  parties: F1 {scores.party_f1:.3f}; signing dates: {scores.date_accuracy:.3f} exact"
        )
        print(f"  all kinds: accuracy {scores.kind_accuracy:.3f}")
        for error in scores.errors if args.errors else []:
            print(f"  {error}")


if __name__ == "__main__":
    main()
