"""A night passing on the sample SPSE: tenders move on, HPS and schedules are amended, some
tenders are cancelled, new packages appear and small purchases are closed. Deterministic per
night, and each package changes at most once a night, so a test can expect exactly these."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from samples.spse_content import (
    DONE,
    RUNNING,
    TODAY,
    WINNER_STAGE,
    Package,
    PackageMaker,
    attach_bidders,
    thousands,
    vocabulary,
)
from samples.spse_evaluation import judge
from samples.spse_pages import rupiah

STAGE_MOVES, WINNERS_ANNOUNCED, HPS_CHANGES, SCHEDULE_CHANGES, CANCELLATIONS, COMPLETIONS = (
    20,
    3,
    3,
    4,
    2,
    3,
)
NEW_PACKAGES = ("tender", "nontender", "tender", "pencatatan", "nontender")


@dataclass(frozen=True)
class Change:
    lpse: str
    category: str
    code: str
    what: str  # stage, hps, schedule, cancelled, new, completed
    detail: str = ""


def advance(packages: list[Package], night: int) -> list[Change]:
    """Apply night `night` (1, 2, ...) to `packages` in place; new packages are appended."""
    dice = random.Random(f"spse-night-{night}")
    named = {str(row["code"]) for row in vocabulary()["named_packages"]}
    touched: set[tuple[str, str]] = set()

    def pick(pool: list[Package], count: int, first: list[Package] | None = None) -> list[Package]:
        free = [p for p in pool if (p.lpse, p.code) not in touched and p.code not in named]
        keys = {(p.lpse, p.code) for p in free}
        chosen = [p for p in first or [] if (p.lpse, p.code) in keys][:count]
        rest = [p for p in free if p not in chosen]
        chosen += dice.sample(rest, min(count - len(chosen), len(rest)))
        touched.update((p.lpse, p.code) for p in chosen)
        return chosen

    running = [p for p in packages if p.in_progress]
    before_winner = [p for p in running if p.category == "tender" and not _past_winner(p)]
    changes = [_cancel(p, dice) for p in pick(before_winner, CANCELLATIONS)]
    # a few evaluations end with a winner overnight (short stages pass in one night)
    closing = sorted((p for p in running if 1 <= _stages_to_winner(p) <= 3), key=_stages_to_winner)
    announced = pick(running, WINNERS_ANNOUNCED, closing)
    changes += [_move(p, _stages_to_winner(p)) for p in announced]
    changes += [_move(p) for p in pick(running, STAGE_MOVES - len(announced))]
    changes += [_amend_hps(p, dice) for p in pick(before_winner, HPS_CHANGES)]
    changes += [_reschedule(p, dice) for p in pick(running, SCHEDULE_CHANGES)]
    open_records = [p for p in packages if p.category == "pencatatan" and p.status == RUNNING]
    changes += [_complete(p, night) for p in pick(open_records, COMPLETIONS)]
    changes += [_create(packages, category, night, n) for n, category in enumerate(NEW_PACKAGES)]
    return changes


def _stages_to_winner(package: Package) -> int:
    names = [stage.name for stage in package.schedule]
    return names.index(WINNER_STAGE) - package.stage_index


def _past_winner(package: Package) -> bool:
    names = [stage.name for stage in package.schedule]
    return package.stage_index >= names.index(WINNER_STAGE) - 1


def _change(package: Package, what: str, detail: str) -> Change:
    return Change(package.lpse, package.category, package.code, what, detail)


def _move(package: Package, stages: int = 1) -> Change:
    before = package.stage
    package.stage_index += stages
    return _change(package, "stage", f"{before} -> {package.stage}")


def _amend_hps(package: Package, dice: random.Random) -> Change:
    before = package.hps
    factor = dice.choice((0.95, 0.97, 1.02, 1.04))
    package.hps = min(thousands(before * factor), package.pagu - 1000)
    addenda = package.note.count("Addendum") + 1
    package.note = (
        f"Addendum {addenda}: nilai HPS diubah dari {rupiah(before)} menjadi "
        f"{rupiah(package.hps)} menyesuaikan harga satuan terbaru."
    )
    return _change(package, "hps", f"{before} -> {package.hps}")


def _reschedule(package: Package, dice: random.Random) -> Change:
    stage = package.schedule[package.stage_index]
    stage.end += timedelta(days=dice.randint(2, 5))
    stage.changes += 1
    return _change(package, "schedule", f"{stage.name} until {stage.end:%Y-%m-%d %H:%M}")


def _cancel(package: Package, dice: random.Random) -> Change:
    package.cancel_reason = dice.choice(vocabulary()["cancellations"])
    return _change(package, "cancelled", package.cancel_reason)


def _complete(package: Package, night: int) -> Change:
    PackageMaker(package.lpse, seed=f"night-{night}-{package.code}").complete(package)
    assert package.status == DONE
    return _change(package, "completed", f"realised {package.realised}")


def _create(packages: list[Package], category: str, night: int, number: int) -> Change:
    slug = vocabulary()["lpses"][number % len(vocabulary()["lpses"])]["slug"]
    same_lpse = [p for p in packages if p.lpse == slug]
    maker = PackageMaker(slug, seed=f"night-{night}-{number}", taken={p.rup_code for p in packages})
    maker.taken_names = {p.name for p in same_lpse}
    package = maker.package(category, TODAY + timedelta(days=night), TODAY.year)
    maker.number([*same_lpse, package], reserved=set())
    attach_bidders([package])
    judge(package)
    packages.append(package)
    return _change(package, "new", package.name)
