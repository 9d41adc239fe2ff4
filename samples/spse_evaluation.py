"""The sample's evaluation results (`evaluasi/{code}/hasil`): each bidder's marks, and the
packages shaped so that every red-flag case occurs, flagged and not, the same every run.

A bidder that fails an evaluation is not evaluated further: the marks before it pass, its own
fails, the later ones stay empty. Which evaluations a method has, in the order done:
"""

from __future__ import annotations

from dataclasses import replace
from itertools import groupby

from samples.spse_content import Bidder, Package, PackageMaker, thousands, vocabulary

# K kualifikasi, B pembuktian, A administrasi, T teknis, H harga: the page's columns.
MARK_COLUMNS = ("K", "B", "A", "T", "H")
ORDER = {
    "Tender": ("A", "T", "H", "K", "B"), "Seleksi": ("A", "T", "H", "K", "B"),
    "Tender Cepat": ("A", "T", "H"),  # the suppliers' qualification is SIKaP's, not evaluated
    "Pengadaan Langsung": ("A", "T", "H", "K"), "Penunjukan Langsung": ("A", "T", "H", "K"),
}  # fmt: skip
OVER_HPS = "Harga penawaran melebihi HPS"
REASONS = {
    "A": ("Surat penawaran tidak ditandatangani", "Jaminan penawaran tidak sesuai"),
    "T": ("Metode pelaksanaan tidak memenuhi", "Jadwal pelaksanaan melebihi waktu yang ditetapkan"),
    "H": ("Harga satuan timpang tidak dapat dijelaskan",),
    "K": ("SBU tidak sesuai dengan kualifikasi pekerjaan", "Pengalaman pekerjaan tidak memenuhi"),
    "B": ("Tidak hadir pada pembuktian kualifikasi",),
}  # fmt: skip
FAIL_SHARE = 0.3  # of the bidders within the HPS that are not winners


def marks(package: Package, bidder: Bidder) -> dict[str, bool | None]:
    """A bidder's marks by column: True passed, False failed, None not evaluated."""
    order = ORDER.get(package.method, ORDER["Tender"])
    done = order[: order.index(bidder.fails) + 1] if bidder.fails else order
    return {column: (column != bidder.fails) if column in done else None for column in MARK_COLUMNS}


def judge(package: Package) -> None:
    """Mark who fails where, from the package's own dice: an offer above the HPS fails the
    price evaluation; some others fail one of the method's evaluations. Winners pass."""
    if not package.bidders:
        return
    rng = PackageMaker(package.lpse, seed=f"evaluation-{package.code}").rng
    order = ORDER.get(package.method, ORDER["Tender"])
    winners = {w.supplier for w in package.winners}
    judged = []
    for bidder in package.bidders:
        if bidder.offer is None or bidder.supplier in winners or bidder.fails:
            judged.append(bidder)
        elif bidder.offer > package.hps:
            judged.append(replace(bidder, fails="H", reason=OVER_HPS))
        elif rng.random() < FAIL_SHARE:
            fails = rng.choice(order)
            judged.append(replace(bidder, fails=fails, reason=rng.choice(REASONS[fails])))
        else:
            judged.append(bidder)
    package.bidders = judged


def shape_winners(packages: list[Package]) -> set[tuple[str, str]]:
    """Before the bidders are drawn: the winners of the cases that are about who won what.
    Returns the (lpse, code) of the packages it shaped."""
    eligible = _eligible(packages, ("tender", "nontender"))
    # (e) one supplier wins 3 packages of one work unit in a budget year: flagged; another
    # wins 2 there and 1 from another unit of the same LPSE and year: not flagged.
    groups = [list(group) for _, group in groupby(sorted(eligible, key=_unit), key=_unit)]
    repeated = next(group for group in groups if len(group) >= 5)
    maker = PackageMaker(repeated[0].lpse, seed="evaluation-repeat-winner")
    regular = maker.supplier(person=False)
    for package in repeated[:3]:
        package.winners[0].supplier = regular
    twice = maker.supplier(person=False)
    unit = _unit(repeated[0])
    elsewhere = next(p for p in eligible if _unit(p)[:2] == unit[:2] and _unit(p) != unit)
    for package in (*repeated[3:5], elsewhere):
        package.winners[0].supplier = twice
    taken = {(p.lpse, p.code) for p in (*repeated[:5], elsewhere)}
    # (d) the winner's offer within 1% of the HPS: flagged (the others' offers are above it
    # and fail the price evaluation); every other winner offers 2-18% below the HPS.
    near = next(p for p in _eligible(packages, ("tender",)) if (p.lpse, p.code) not in taken)
    winner = near.winners[0]
    winner.offer = winner.corrected = winner.negotiated = thousands(near.hps * 0.995)
    return taken | {(near.lpse, near.code)}


def shape_bidders(packages: list[Package], taken: set[tuple[str, str]]) -> None:
    """After the bidders are drawn: the cases that are about the bids, each in a package
    shape_winners left alone (`taken`)."""
    tenders = [p for p in _eligible(packages, ("tender",)) if (p.lpse, p.code) not in taken]
    single, narrow, passed_over, failed_lowest = tenders[:4]
    winner = single.winners[0]
    # (a) a tender with one bidder, the winner: flagged; the others have 2-10 participants.
    single.bidders = [Bidder(winner.supplier, winner.offer, winner.corrected)]
    # (b) four bids within 1.5% of each other: flagged; elsewhere they spread 1-20%.
    maker = PackageMaker(narrow.lpse, seed=f"evaluation-narrow-{narrow.code}")
    lead = narrow.winners[0]
    offers = [thousands(lead.corrected * step) for step in (1.004, 1.009, 1.015)]
    narrow.bidders = [
        Bidder(lead.supplier, lead.offer, lead.corrected),
        *[Bidder(maker.supplier(person=False), offer, offer) for offer in offers],
        *[b for b in narrow.bidders if b.offer is None],
    ]
    # (c) a bidder that passed every evaluation offers 4% below the winner, who still wins:
    # flagged. Not flagged: a lower offer that failed (failed_lowest), and every other tender,
    # where the winner is the lowest offer that passed.
    maker = PackageMaker(passed_over.lpse, seed=f"evaluation-lower-{passed_over.code}")
    lower = thousands(passed_over.winners[0].corrected * 0.96)
    passed_over.bidders.insert(0, Bidder(maker.supplier(person=False), lower, lower))
    maker = PackageMaker(failed_lowest.lpse, seed=f"evaluation-lower-{failed_lowest.code}")
    lower = thousands(failed_lowest.winners[0].corrected * 0.95)
    failed_lowest.bidders.insert(
        0, Bidder(maker.supplier(person=False), lower, lower, "A", REASONS["A"][0])
    )


def _eligible(packages: list[Package], categories: tuple[str, ...]) -> list[Package]:
    """Packages a case may be made of: announced winner, one of it (no reserve), an
    organisation, not cancelled, not one the sample news names; in a fixed order."""
    named = {str(row["code"]) for row in vocabulary()["named_packages"]}
    found = [
        p
        for p in packages
        if p.category in categories
        and p.winner_shown
        and len(p.winners) == 1
        and not p.winners[0].supplier.is_person
        and p.code not in named
    ]
    return sorted(found, key=lambda p: (p.lpse, p.code))


def _unit(package: Package) -> tuple[str, int, str]:
    return package.lpse, package.budget_year, package.work_unit
