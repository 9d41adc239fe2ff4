"""Quality of kinds and MoU records on the labelled sets (tests/fixtures/mou_labelled/ and the
held-out sets): precision and recall of kind `mou`, party recall and F1, exact signing-date
accuracy, witnesses and places. A label names an organisation as written or by the
gazetteer's name ("Kejaksaan Negeri Banyumas" is "Kejari Banyumas"): both count as one.
The "held-out 20" column is printed only where its file exists.

`python -m benchmarks.mou_quality [--errors]` prints the figures (and each miss)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from scrapers.analysis.agencies import gazetteer
from scrapers.analysis.kinds import KINDS, classify
from scrapers.analysis.mou import extract_mou

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
LABELLED = FIXTURES / "mou_labelled" / "articles.yml"
HOLDOUT = FIXTURES / "mou_labelled" / "holdout.yml"
HELDOUT = FIXTURES / "mou_heldout" / "articles.yml"
HELDOUT_20 = FIXTURES / "mou_heldout20" / "articles.yml"
SETS = {"tuning": LABELLED, "holdout": HOLDOUT, "held-out 16": HELDOUT, "held-out 20": HELDOUT_20}


@dataclass
class Scores:
    mou_precision: float
    mou_recall: float
    party_f1: float
    party_recall: float
    date_accuracy: float
    kind_accuracy: float
    articles: int
    witness_f1: float | None  # None: no article in the set names a witness
    place_accuracy: float | None  # None: places are not labelled in the set
    errors: list[str] = field(default_factory=list)


def evaluate(path: Path = LABELLED) -> Scores:
    cases: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    tp = fp = fn = party_tp = party_fp = party_fn = dates_right = gold_mous = kinds_right = 0
    witnesses = _Counts()
    places_right = places_labelled = 0
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
        expected = {_canonical(name) for name in gold["parties"]}
        party_tp += len(predicted & expected)
        party_fp += len(predicted - expected)
        party_fn += len(expected - predicted)
        if predicted != expected:
            errors.append(f"{case['id']}: parties {sorted(predicted)}, expected {sorted(expected)}")
        seen = set(record.party_names("witness")) if record else set()
        gold_witnesses = {_canonical(name) for name in gold.get("witnesses") or []}
        witnesses.add(seen, gold_witnesses)
        if seen != gold_witnesses:
            errors.append(f"{case['id']}: witnesses {sorted(seen)}, expected {gold['witnesses']}")
        if "place" in gold:
            places_labelled += 1
            place = record.place if record else None
            places_right += (place or "").lower() == (gold["place"] or "").lower()
            if (place or "").lower() != (gold["place"] or "").lower():
                errors.append(f"{case['id']}: place {place!r}, expected {gold['place']!r}")
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
        party_recall=party_recall,
        date_accuracy=dates_right / gold_mous if gold_mous else 0.0,
        kind_accuracy=kinds_right / len(cases),
        articles=len(cases),
        witness_f1=witnesses.f1(),
        place_accuracy=places_right / places_labelled if places_labelled else None,
        errors=errors,
    )


def _canonical(name: str) -> str:
    """The gazetteer's name for a label that names one organisation it knows, in full."""
    mentions = gazetteer().mentions(name)
    if len(mentions) == 1 and (mentions[0].start, mentions[0].end) == (0, len(name)):
        return mentions[0].agency
    return name


@dataclass
class _Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[str], expected: set[str]) -> None:
        self.tp += len(predicted & expected)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)

    def f1(self) -> float | None:
        if not self.tp + self.fn:
            return None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args()
    scores = {name: evaluate(path) for name, path in SETS.items() if path.exists()}
    rows = {
        "articles": lambda s: str(s.articles),
        "kind mou precision": lambda s: _figure(s.mou_precision),
        "kind mou recall": lambda s: _figure(s.mou_recall),
        "all kinds accuracy": lambda s: _figure(s.kind_accuracy),
        "signing date exact": lambda s: _figure(s.date_accuracy),
        "party recall": lambda s: _figure(s.party_recall),
        "parties F1": lambda s: _figure(s.party_f1),
        "witnesses F1": lambda s: _figure(s.witness_f1),
        "place exact": lambda s: _figure(s.place_accuracy),
    }
    print(f"kinds: {', '.join(KINDS)}; '-': not labelled in that set")
    print(f"{'':22}" + "".join(f"{name:>14}" for name in scores))
    for label, show in rows.items():
        print(f"{label:22}" + "".join(f"{show(s):>14}" for s in scores.values()))
    for name, s in scores.items():
        for error in s.errors if args.errors else []:
            print(f"  {name}: {error}")


if __name__ == "__main__":
    main()
