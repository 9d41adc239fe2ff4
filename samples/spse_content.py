"""The sample SPSE packages: made up from the vocabulary in content/spse.yml, the same every run.

Each LPSE draws from its own seeded generator, so its packages do not depend on the other
LPSEs. Schedules and stages are read against a fixed `TODAY`, never the clock.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT = Path(__file__).parent / "content" / "spse.yml"
TODAY = date(2026, 6, 12)  # the sample's "now"
BUDGET_YEARS = (2025, 2026)
MIX = {"tender": 40, "nontender": 25, "pencatatan": 15, "swakelola": 10, "darurat": 10}
WINNER_STAGE = "Pengumuman Pemenang"
OPENING_STAGE = "Pembukaan Dokumen Penawaran"  # offers show on the participants page from here
RUNNING, DONE, CANCELLED = "Paket Sedang Berjalan", "Paket Selesai", "Paket Dibatalkan"
JUTA, MILIAR = 10**6, 10**9
# (low, high) pagu in rupiah by category; a few tenders go up to 100 miliar.
PAGU_RANGES = {
    "tender": (200 * JUTA, 25 * MILIAR),
    "nontender": (50 * JUTA, 200 * JUTA),
    "pencatatan": (1 * JUTA, 200 * JUTA),
    "swakelola": (5 * JUTA, 900 * JUTA),
    "darurat": (50 * JUTA, 5 * MILIAR),
}
TYPES = {
    "tender": ("Pekerjaan Konstruksi", "Pekerjaan Konstruksi", "Pengadaan Barang", "Jasa Lainnya",
               "Jasa Konsultansi Badan Usaha Konstruksi",
               "Jasa Konsultansi Badan Usaha Non Konstruksi"),
    "nontender": ("Pengadaan Barang", "Jasa Lainnya", "Pekerjaan Konstruksi",
                  "Jasa Konsultansi Badan Usaha Non Konstruksi"),
    "pencatatan": ("Pengadaan Barang", "Jasa Lainnya"),
    "swakelola": ("Jasa Lainnya",),
    "darurat": ("Pekerjaan Konstruksi", "Pengadaan Barang"),
}  # fmt: skip


@dataclass(frozen=True)
class Lpse:
    slug: str
    name: str
    agency: str
    timezone: str  # "+07:00"
    zone: str  # "WIB", as the footer prints it


@dataclass(frozen=True)
class Supplier:
    name: str
    address: str
    npwp: str  # "-" or "" for some persons
    is_person: bool = False
    email: str = ""
    phone: str = ""


@dataclass
class Winner:
    supplier: Supplier
    offer: int
    corrected: int
    negotiated: int
    note: str = "Pemenang"


@dataclass(frozen=True)
class Bidder:
    """A participant of a tender: registered, and with an offer once it made one."""

    supplier: Supplier
    offer: int | None = None
    corrected: int | None = None
    fails: str = ""  # the evaluation it failed (samples.spse_evaluation.MARK_COLUMNS)
    reason: str = ""  # why, as the evaluation page's Alasan says


@dataclass
class Stage:
    name: str
    start: datetime  # local time of the LPSE
    end: datetime
    changes: int = 0


@dataclass(frozen=True)
class Realisation:
    kind: str
    amount: int
    on: date
    supplier: Supplier


@dataclass(frozen=True)
class Document:
    number: int
    filename: str
    kind: str  # pdf, docx, xlsx, scanned, large, missing, octet


@dataclass
class Package:
    lpse: str
    category: str
    code: str
    rup_code: str
    name: str
    agency: str
    work_unit: str
    procurement_type: str
    method: str
    funding: str  # APBN or APBD
    budget_year: int
    created: date
    pagu: int
    hps: int = 0
    contract_type: str = ""
    location: str = ""
    qualification: str = ""
    schedule: list[Stage] = field(default_factory=list)
    stage_index: int = 0  # len(schedule) once finished
    cancel_reason: str = ""
    note: str = ""  # Keterangan
    winners: list[Winner] = field(default_factory=list)
    bidders: list[Bidder] = field(default_factory=list)  # the winners among them
    documents: list[Document] = field(default_factory=list)
    status: str = RUNNING  # pencatatan, swakelola, darurat
    swakelola_type: str = ""
    realisations: list[Realisation] = field(default_factory=list)
    completed_on: date | None = None

    @property
    def stage(self) -> str:
        word = "Tender" if self.category == "tender" else "Paket"
        if self.cancel_reason:
            return f"{word} Batal"
        if self.stage_index >= len(self.schedule):
            return f"{word} Sudah Selesai"
        return self.schedule[self.stage_index].name

    @property
    def in_progress(self) -> bool:
        return not self.cancel_reason and self.stage_index < len(self.schedule)

    @property
    def winner_shown(self) -> bool:
        names = [stage.name for stage in self.schedule]
        if self.cancel_reason or WINNER_STAGE not in names:
            return False
        return self.stage_index >= names.index(WINNER_STAGE)

    @property
    def offers_opened(self) -> bool:
        names = [stage.name for stage in self.schedule]
        return OPENING_STAGE in names and self.stage_index >= names.index(OPENING_STAGE)

    @property
    def evaluated(self) -> bool:
        """Past its evaluation stage: the evaluation page (`hasil`) is published."""
        names = [stage.name for stage in self.schedule]
        evaluation = next((i for i, name in enumerate(names) if name.startswith("Evaluasi")), None)
        return evaluation is not None and self.stage_index > evaluation

    @property
    def realised(self) -> int:
        return sum(r.amount for r in self.realisations)


@cache
def vocabulary() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    return data


def sample_lpses() -> tuple[Lpse, ...]:
    return tuple(
        Lpse(row["slug"], row["name"], row["agency"], row["timezone"], row["zone"])
        for row in vocabulary()["lpses"]
    )


class PackageMaker:
    """Draws one LPSE's packages; `seed` varies it (each night's new packages use their own)."""

    def __init__(self, slug: str, seed: str = "", taken: set[str] | None = None) -> None:
        self.vocab = vocabulary()
        self.lpse = next(row for row in self.vocab["lpses"] if row["slug"] == slug)
        self.rng = random.Random(f"spse-{slug}-{seed}")
        self.taken_names: set[str] = set()
        self.taken_rup = taken if taken is not None else set()  # shared by the LPSEs

    def package(self, category: str, created: date, year: int) -> Package:
        rng, lpse = self.rng, self.lpse
        procurement_type = rng.choice(TYPES[category])
        pagu = self.amount(*PAGU_RANGES[category])
        if category == "tender" and rng.random() < 0.03:
            pagu = self.amount(25 * MILIAR, 100 * MILIAR)
        package = Package(
            lpse=lpse["slug"],
            category=category,
            code="",  # numbered once the LPSE's packages are in date order
            rup_code=self.rup_code(),
            name=self.name(category, procurement_type, year),
            agency=lpse["agency"],
            work_unit=rng.choice(lpse["work_units"]),
            procurement_type=procurement_type,
            method=self.method(category, procurement_type, pagu),
            funding=lpse["funding"],
            budget_year=year,
            created=created,
            pagu=pagu,
        )
        if category in ("tender", "nontender"):
            self.fill_selection(package)
        else:
            self.fill_record(package)
        return package

    def fill_selection(self, package: Package) -> None:
        """Tender and non-tender details: HPS, schedule, stage and the winner-to-be."""
        rng = self.rng
        package.hps = thousands(package.pagu * rng.uniform(0.93, 1.0))
        package.contract_type = rng.choice(self.vocab["contract_types"])
        package.qualification = rng.choice(self.vocab["qualifications"])
        package.location = f"{rng.choice(self.lpse['streets'])} - {self.lpse['city']}"
        package.schedule = self.schedule(package.method, package.created)
        package.stage_index = current_stage(package.schedule)
        person = package.category == "nontender" and rng.random() < 0.3
        package.winners = [self.winner(package, self.supplier(person))]

    def fill_record(self, package: Package) -> None:
        """Pencatatan, swakelola and darurat: a status and what has been paid so far."""
        rng = self.rng
        finished = package.budget_year < TODAY.year or rng.random() < 0.2
        package.status = CANCELLED if rng.random() < 0.06 else DONE if finished else RUNNING
        package.swakelola_type = rng.choice("1112234") if package.category == "swakelola" else ""
        if package.category == "swakelola" or package.status == CANCELLED:
            return
        package.completed_on = date(package.budget_year, 12, 31)
        if package.status == DONE:
            self.complete(package)
        elif rng.random() < 0.4:
            package.realisations = [self.realisation(package, package.pagu // 3)]

    def complete(self, package: Package) -> None:
        """Pay the rest and close the package, as the work unit does when the work is done."""
        paid = package.realised
        rest = thousands((package.pagu - paid) * self.rng.uniform(0.7, 0.98))
        package.realisations.append(self.realisation(package, rest))
        package.status = DONE
        package.completed_on = max(r.on for r in package.realisations)

    def realisation(self, package: Package, amount: int) -> Realisation:
        rng = self.rng
        latest = min(date(package.budget_year, 12, 20), TODAY)
        on = package.created + timedelta(days=rng.randint(5, 60))
        kind = rng.choice(self.vocab["realisation_kinds"])
        person = package.category == "pencatatan" and kind == "Kuitansi"
        return Realisation(kind, amount, min(on, latest), self.supplier(person))

    def winner(self, package: Package, supplier: Supplier, note: str = "Pemenang") -> Winner:
        offer = thousands(package.hps * self.rng.uniform(0.82, 0.98))
        corrected = offer - (thousands(offer * 0.004) if self.rng.random() < 0.2 else 0)
        negotiates = package.method not in ("Tender", "Tender Cepat")
        negotiated = thousands(corrected * self.rng.uniform(0.97, 1.0)) if negotiates else corrected
        return Winner(supplier, offer, corrected, negotiated, note)

    def schedule(self, method: str, created: date) -> list[Stage]:
        stages, day = [], created + timedelta(days=1)
        for name, days in self.vocab["schedules"][method]:
            start = datetime.combine(day, time(8, 0))
            last = day + timedelta(days=days - 1)
            end = datetime.combine(last, time(23, 59) if days > 1 else time(16, 0))
            stages.append(Stage(name, start, end))
            day = last + timedelta(days=1)
        return stages

    def name(self, category: str, procurement_type: str, year: int) -> str:
        rng, vocab = self.rng, self.vocab
        for attempt in range(30):
            if category in ("tender", "nontender"):
                words = vocab["names"][procurement_type]
                where = rng.choice(self.lpse["places"] + self.lpse["work_units"])
                name = f"{rng.choice(words['verbs'])} {rng.choice(words['objects'])} {where}"
            elif category == "pencatatan":
                name = (
                    f"{rng.choice(vocab['small_purchases'])} {rng.choice(self.lpse['work_units'])}"
                )
            elif category == "swakelola":
                name = f"{rng.choice(vocab['self_managed'])} {rng.choice(self.lpse['places'])}"
            else:
                name = f"{rng.choice(vocab['emergencies'])} {rng.choice(self.lpse['places'])}"
            if rng.random() < 0.3 or attempt > 20:
                name += f" Tahun Anggaran {year}"
            if name not in self.taken_names:
                break
        self.taken_names.add(name)
        return name

    def method(self, category: str, procurement_type: str, pagu: int) -> str:
        if category == "tender":
            if procurement_type.startswith("Jasa Konsultansi"):
                return "Seleksi"
            return "Tender Cepat" if pagu < 2 * MILIAR and self.rng.random() < 0.3 else "Tender"
        if category == "nontender":
            return "Penunjukan Langsung" if self.rng.random() < 0.2 else "Pengadaan Langsung"
        if category == "darurat":
            return "Darurat"
        if category == "swakelola":
            return "Swakelola"
        return self.rng.choice(("Pengadaan Langsung", "Pengadaan Langsung", "Dikecualikan"))

    def supplier(self, person: bool) -> Supplier:
        rng, words = self.rng, self.vocab["companies"]
        number = rng.randint(1, 240)
        address = f"{rng.choice(words['streets'])} No. {number}, {self.lpse['city']}"
        phone = f"08xx-xxxx-{rng.randint(1000, 9999)}" if rng.random() < 0.5 else ""
        if person:
            people = self.vocab["people"]
            name = f"{rng.choice(people['first'])} {rng.choice(people['last'])}"
            return Supplier(name, address, rng.choice(("-", "")), True, "", phone)
        name = f"{rng.choice(words['forms'])} {rng.choice(words['first'])} {rng.choice(words['second'])}"
        if rng.random() < 0.5:
            name += f" {rng.choice(words['trade'])}"
        npwp = (
            f"{rng.randint(1, 99):02d}.{rng.randint(0, 999):03d}.{rng.randint(0, 999):03d}."
            f"{rng.randint(0, 9)}-{rng.randint(0, 999):03d}.000"
        )
        email = f"{name.split()[1][0].lower()}***@surel.co.id" if rng.random() < 0.3 else ""
        return Supplier(name, address, npwp, False, email, phone)

    def amount(self, low: int, high: int) -> int:
        """Log-uniform, so small packages are as common as they are in SPSE; whole thousands."""
        return thousands(math.exp(self.rng.uniform(math.log(low), math.log(high))))

    def rup_code(self) -> str:
        while (code := str(self.rng.randint(30_000_000, 69_999_999))) in self.taken_rup:
            pass
        self.taken_rup.add(code)
        return code

    def created_on(self, year: int) -> date:
        if year < TODAY.year:
            return date(year - 1, 12, 1) + timedelta(days=self.rng.randint(0, 360))
        # most of this year's packages are recent, so many are still on the way
        return TODAY - timedelta(days=int(self.rng.triangular(0, 120, 0)))

    def number(self, packages: list[Package], reserved: set[str]) -> None:
        """Codes that grow with creation, as SPSE's do; unique within the LPSE."""
        base, suffix = self.lpse["code_base"], self.lpse["code_suffix"]
        number = max([base, *(int(p.code.removesuffix(suffix) or 0) for p in packages)])
        for package in sorted(packages, key=lambda p: p.created):
            if package.code:
                continue
            while True:
                number += self.rng.randint(40, 140)
                if f"{number}{suffix}" not in reserved:
                    break
            package.code = f"{number}{suffix}"


def thousands(value: float) -> int:
    return int(round(value, -3))


def current_stage(schedule: list[Stage]) -> int:
    """The last stage begun by TODAY; len(schedule) once the last stage has ended."""
    begun = sum(1 for stage in schedule if stage.start.date() <= TODAY)
    if begun == len(schedule) and schedule[-1].end.date() < TODAY:
        return begun
    return max(begun - 1, 0)


def sample_packages(per_lpse: int = 100) -> list[Package]:
    """Every LPSE's packages in the MIX shares, budget years 2025 and 2026."""
    vocab = vocabulary()
    rup_codes = {str(row["rup_code"]) for row in vocab["named_packages"]}
    packages: list[Package] = []
    for lpse in vocab["lpses"]:
        maker = PackageMaker(lpse["slug"], taken=rup_codes)
        named = [
            named_package(maker, row)
            for row in vocab["named_packages"]
            if row["lpse"] == lpse["slug"]
        ]
        drawn = []
        for category, share in MIX.items():
            wanted = round(per_lpse * share / 100) - sum(p.category == category for p in named)
            for _ in range(wanted):
                year = BUDGET_YEARS[0] if maker.rng.random() < 0.25 else BUDGET_YEARS[1]
                drawn.append(maker.package(category, maker.created_on(year), year))
        maker.number(drawn, reserved={p.code for p in named})
        packages += named + drawn
    _add_reserve_winners(packages, count=3)
    _make_winners_persons(packages, at_least=6)
    from samples import spse_evaluation, spse_flags  # they build on this module's makers

    shaped = spse_evaluation.shape_winners(packages)
    attach_bidders(packages)
    for package in packages:
        spse_evaluation.judge(package)
    spse_evaluation.shape_bidders(packages, shaped)  # its bidders are judged as they are made
    spse_flags.shape_flags(packages)
    attach_documents(packages)
    return packages


def named_package(maker: PackageMaker, row: dict[str, Any]) -> Package:
    """A package the sample news names: its facts come from the vocabulary, not the dice."""
    created: date = row["created"]
    package = maker.package(row["category"], created, created.year)
    maker.taken_names.discard(package.name)
    package.code, package.rup_code, package.name = (
        str(row["code"]),
        str(row["rup_code"]),
        row["name"],
    )
    package.work_unit, package.procurement_type = row["work_unit"], row["procurement_type"]
    package.method, package.pagu, package.hps = row["method"], row["pagu"], row["hps"]
    package.schedule = maker.schedule(package.method, created)
    package.stage_index = [stage.name for stage in package.schedule].index(row["stage"])
    supplier = maker.supplier(person=False)
    supplier = Supplier(row["winner"], supplier.address, supplier.npwp)
    package.winners = [maker.winner(package, supplier)]
    return package


def _add_reserve_winners(packages: list[Package], count: int) -> None:
    tenders = [p for p in packages if p.category == "tender" and p.winner_shown]
    for package in tenders[1 : 1 + count * 7 : 7]:
        maker = PackageMaker(package.lpse, seed=f"reserve-{package.code}")
        reserve = maker.winner(package, maker.supplier(person=False), note="Cadangan 1")
        reserve.offer = max(reserve.offer, package.winners[0].offer + 1000)
        package.winners.append(reserve)


def _make_winners_persons(packages: list[Package], at_least: int) -> None:
    """Sole traders win small packages; the archive must be able to hide their names."""
    shown = [p for p in packages if p.category == "nontender" and p.winner_shown]
    persons = sum(p.winners[0].supplier.is_person for p in shown)
    for package in [p for p in shown if not p.winners[0].supplier.is_person][::3]:
        if persons >= at_least:
            break
        maker = PackageMaker(package.lpse, seed=f"person-{package.code}")
        package.winners[0].supplier = maker.supplier(person=True)
        persons += 1


def attach_bidders(packages: list[Package]) -> None:
    """The participants of each tender and non-tender: its winners, and for a tender others
    who registered, some with an offer above the winners' and some with none. Drawn from the
    package's own dice, so the rest of the sample stays as it was."""
    for package in packages:
        if package.category not in ("tender", "nontender") or package.bidders:
            continue
        maker = PackageMaker(package.lpse, seed=f"bidders-{package.code}")
        rng = maker.rng
        bidders = [Bidder(w.supplier, w.offer, w.corrected) for w in package.winners]
        highest = max((w.offer for w in package.winners), default=package.hps)
        others = rng.randint(2, 9) if package.category == "tender" else 0
        for _ in range(others):
            supplier = maker.supplier(person=rng.random() < 0.1)
            if rng.random() < 0.5:
                bidders.append(Bidder(supplier))  # registered, made no offer
                continue
            offer = thousands(highest * rng.uniform(1.01, 1.2))
            corrected = offer - (thousands(offer * 0.003) if rng.random() < 0.2 else 0)
            bidders.append(Bidder(supplier, offer, corrected))
        # As SPSE lists them: the offers from the lowest, then those who made none.
        package.bidders = sorted(bidders, key=lambda b: (b.corrected is None, b.corrected or 0))


# Kinds of tender attachments, one per link: mostly text PDFs, a few of each awkward case.
DOCUMENT_KINDS = ["pdf"] * 25 + ["docx"] * 3 + ["xlsx"] * 2 + ["scanned"] * 2
DOCUMENT_KINDS += ["large", "missing", "octet"]
FILENAMES = {
    "pdf": ("Kerangka_Acuan_Kerja", "Dokumen_Pemilihan"),
    "docx": ("Spesifikasi_Teknis",),
    "xlsx": ("Rincian_HPS", "Bill_of_Quantity"),
    "scanned": ("Scan_Surat_Penetapan",),
    "large": ("Gambar_Teknis_dan_Lampiran",),
    "missing": ("Addendum_Dokumen_Pemilihan",),
    "octet": ("Dokumen_Kualifikasi",),
}
EXTENSIONS = {"docx": "docx", "xlsx": "xlsx"}


def attach_documents(packages: list[Package]) -> None:
    """About one tender in five links 1-2 documents; the named tenders two PDFs each."""
    tenders = [p for p in packages if p.category == "tender"]
    named_codes = {str(row["code"]) for row in vocabulary()["named_packages"]}
    named = [p for p in tenders if p.code in named_codes]
    dice = random.Random("spse-documents")
    others = dice.sample([p for p in tenders if p.code not in named_codes], 21)
    kinds = DOCUMENT_KINDS[2 * len(named) :]
    dice.shuffle(kinds)
    links = [(package, "pdf") for package in named for _ in range(2)]
    links += [(others[index % len(others)], kind) for index, kind in enumerate(kinds)]
    for number, (package, kind) in enumerate(links, start=7001):
        package.documents.append(Document(number, _filename(package, kind, number), kind))


def _filename(package: Package, kind: str, number: int) -> str:
    used = {document.filename for document in package.documents}
    stems = FILENAMES[kind]
    names = [f"{stem}_{package.code}.{EXTENSIONS.get(kind, 'pdf')}" for stem in stems]
    names = names[number % len(names) :] + names[: number % len(names)]
    return next((name for name in names if name not in used), f"Lampiran_{number}_{names[0]}")
