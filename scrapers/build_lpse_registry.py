"""Write scrapers/data/lpse.yml from real lists of LPSE hosts.

    python -m scrapers.build_lpse_registry [--hosts CSV]... [--area-data DIR] [--check]

`--hosts`: CSV files with `id_lpse`, `nama_lpse` and `alamat_lpse` columns (default: the real
list, ../shared/realdata/spse/lpse-hosts.csv). `--area-data`: the `data/` folder of
idn-area-data (`npm pack idn-area-data@4.0.1`), whose provinces.csv and regencies.csv place a
new regency's or city's LPSE in its province; without it only provinces and central agencies
can be added. `--check` writes nothing and exits 1 when the file would change.

The registry's own entries are kept as they are, hand fixes included: a listed host that an
entry has (as legacy_host or alias) only fills the entry's missing lpse_id; a host listed
under an LPSE number that an entry has becomes one of its aliases; any other host becomes a
new entry, its slug derived from the host. A host listed twice, or one that gives no slug,
an owner whose province is unknown, or a slug already taken, is skipped, counted and told.
"""

from __future__ import annotations

import argparse
import csv
import ipaddress
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from scrapers.lpse import CENTRAL_ZONE, LPSE_REGISTRY, PROVINCE_ZONES, SLUG, zone_of

REALDATA_HOSTS = Path(__file__).resolve().parents[1].parent / "shared/realdata/spse/lpse-hosts.csv"
SERVICE_LABELS = ("lpse", "eproc", "spse")
SECOND_LEVEL_ID = {"go", "ac", "co", "or", "mil", "net", "sch", "web", "my", "biz"}
PROVINCE_ALIASES = {
    "DKI Jakarta": "Daerah Khusus Ibukota Jakarta",
    "Daerah Khusus Jakarta": "Daerah Khusus Ibukota Jakarta",
    "DI Yogyakarta": "Daerah Istimewa Yogyakarta",
    "Bangka Belitung": "Kepulauan Bangka Belitung",
}
# Owners that are neither a region nor central: (agency, province).
VERTICAL_UNITS = {
    "Polda Jawa Timur": ("Kepolisian Daerah Jawa Timur", "Jawa Timur"),
    "Universitas Jambi": ("Universitas Jambi", "Jambi"),
}
CENTRAL_OWNERS = (
    "Nasional", "Kementerian", "Kemenko", "Badan", "Lembaga", "Mahkamah", "Komisi", "Dewan",
    "Sekretariat", "Kejaksaan", "Kepolisian Negara", "TNI", "Tentara Nasional", "Arsip Nasional",
    "Perpustakaan Nasional", "Ombudsman", "Bank Indonesia",
)  # fmt: skip
AGENCY_NAMES = {"TNI Angkatan Darat": "Tentara Nasional Indonesia Angkatan Darat"}
# Listed at a bare IP address: the domain the same LPSE answers at. LPSE 331 (Tanjung Jabung
# Timur): pyproc's tests reach its packages 3346331 and 3349331 at lpse.tanjabtimkab.go.id.
KNOWN_DOMAINS = {"222.124.194.125": "lpse.tanjabtimkab.go.id"}
FIELDS = ("slug", "name", "agency", "province", "timezone", "legacy_host", "aliases", "lpse_id")
ZONE_NAMES = {"+07:00": "WIB", "+08:00": "WITA", "+09:00": "WIT"}
PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./()'-]*")

HEADER = """\
# LPSE instances (Layanan Pengadaan Secara Elektronik): one SPSE a ministry, agency or region.
# Written by `python -m scrapers.build_lpse_registry` (its docstring says how): it keeps every
# entry as it is here, hand fixes included, and rewrites these comments and the order.
#
# Sources: the real list of LPSE hosts in the test data of pyproc (github.com/wakataw/pyproc,
# MIT; tests/supporting_files/hasil_evaluasi_nama_npwp_test.txt as of 2020-06-11, shared as
# ../shared/realdata/spse/lpse-hosts.csv, and 7 more LPSEs from its 2019-11-26 version): the
# LPSE's number (lpse_id), name and legacy address; and the first entries of this registry,
# written by hand (nasional, kemenkeu, pu, kemkes, the Java provinces, ...). Provinces of
# regencies and cities from idn-area-data 4.0.1 (github.com/fityannugroho/idn-area-data, ODbL
# 1.0; Kemendagri's codes and names).
#
#   slug         the path segment of https://spse.inaproc.id/{slug}. Seen in use: nasional and
#                kemenkeu (the national captures), jakarta, pu and bengkuluprov (pyproc's
#                tests). Every other slug is derived from the legacy host: the labels between
#                the service label (lpse, eproc, spse) and the public suffix (go.id, ac.id,
#                mil.id, .org, ...), joined by "-" (lpse.riau.go.id -> riau, lpse-wajokab.go.id
#                -> wajokab, lpsepatikab.org -> patikab, lpse.jatim.polri.go.id -> jatim-polri).
#                Check a derived slug against the live site before relying on it.
#   name, agency the LPSE as the list names it, and its owner (K/L/PD)
#   province     its Kemendagri name; null for an LPSE of the central government (Jakarta)
#   timezone     the province's (WIB +07:00, WITA +08:00, WIT +09:00: scrapers/lpse.py
#                PROVINCE_ZONES); the loader refuses one that contradicts the province
#   legacy_host  the instance's own host before SPSE 4 moved under spse.inaproc.id; aliases:
#                other hosts the lists give for it
#   lpse_id      LKPP's number of the LPSE (the listed package codes end with it)
"""


@dataclass
class HostRow:
    lpse_id: int | None
    name: str
    host: str | None


@dataclass
class Merge:
    entries: list[dict[str, Any]]
    counts: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def tell(self, count: str, note: str) -> None:
        self.counts[count] += 1
        self.notes.append(f"{count}: {note}")


def legacy_host(address: str) -> str | None:
    """The host of a listed address ("http://www.lpse.x.go.id/eproc4" -> "lpse.x.go.id")."""
    address = address.strip()
    host = urlsplit(address if "//" in address else f"//{address}").hostname
    return host.removeprefix("www.") if host else None


def derive_slug(host: str) -> str | None:
    """The spse.inaproc.id slug that the legacy host suggests; None for an IP address."""
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    labels = host.lower().split(".")
    in_id = len(labels) > 2 and labels[-1] == "id" and labels[-2] in SECOND_LEVEL_ID
    labels = labels[: -2 if in_id else -1]
    if labels and labels[0] in SERVICE_LABELS:
        labels = labels[1:]
    elif labels:  # lpse-wajokab, lpsepatikab
        labels[0] = re.sub(rf"^(?:{'|'.join(SERVICE_LABELS)})-?", "", labels[0])
    slug = "-".join(label for label in labels if label)
    return slug if SLUG.fullmatch(slug) else None


def area_key(name: str) -> str:
    """Names of one region compare equal ("Kabupaten Gunung Kidul", "KABUPATEN GUNUNGKIDUL")."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def owner_of(name: str) -> str:
    return name.strip().removeprefix("LPSE ").strip()


def province_of(name: str, regencies: Mapping[str, str]) -> str | None:
    """The province an LPSE belongs to, None for the central government's. LookupError when
    neither its name nor the regency table tells."""
    owner = owner_of(name)
    kind, _, place = owner.partition(" ")
    if kind == "Provinsi":
        province = PROVINCE_ALIASES.get(place, place)
        if province in PROVINCE_ZONES:
            return province
    elif kind in ("Kabupaten", "Kota"):
        if area_key(owner) in regencies:
            return regencies[area_key(owner)]
    elif owner in VERTICAL_UNITS:
        return VERTICAL_UNITS[owner][1]
    elif owner.startswith(CENTRAL_OWNERS):
        return None
    raise LookupError(f"no province known for {name!r}")


def agency_of(name: str) -> str:
    owner = owner_of(name)
    if owner in VERTICAL_UNITS:
        return VERTICAL_UNITS[owner][0]
    if owner.partition(" ")[0] in ("Provinsi", "Kabupaten", "Kota"):
        return f"Pemerintah {owner}"
    return AGENCY_NAMES.get(owner, owner)


def read_hosts(path: Path) -> list[HostRow]:
    with path.open(encoding="utf-8", newline="") as rows:
        return [
            HostRow(
                int(row["id_lpse"]) if (row.get("id_lpse") or "").strip().isdigit() else None,
                (row.get("nama_lpse") or "").strip(),
                legacy_host(row.get("alamat_lpse") or ""),
            )
            for row in csv.DictReader(rows)
        ]


def read_area_data(folder: Path) -> dict[str, str]:
    """Regency and city (by area_key) -> province, from idn-area-data's CSVs."""
    with (folder / "provinces.csv").open(encoding="utf-8", newline="") as rows:
        provinces = {row["code"]: row["name"] for row in csv.DictReader(rows)}
    unknown = set(provinces.values()) - set(PROVINCE_ZONES)
    if unknown:
        raise ValueError(f"provinces missing from PROVINCE_ZONES: {sorted(unknown)}")
    with (folder / "regencies.csv").open(encoding="utf-8", newline="") as rows:
        return {area_key(r["name"]): provinces[r["province_code"]] for r in csv.DictReader(rows)}


def settle(entry: dict[str, Any], regencies: Mapping[str, str], merge: Merge) -> None:
    """Give an entry its province, if it has none yet, and its province's zone."""
    if "province" not in entry:
        try:
            entry["province"] = province_of(entry["name"], regencies)
            merge.counts["province filled"] += 1
        except LookupError as exc:
            merge.tell("no province", f"{entry['slug']}: {exc}")
            return
    zone = zone_of(entry["province"])
    if entry.get("timezone", zone) != zone:
        merge.tell("timezone corrected", f"{entry['slug']}: {entry['timezone']} -> {zone}")
    entry["timezone"] = zone


def merge_hosts(
    entries: Iterable[dict[str, Any]], rows: Iterable[HostRow], regencies: Mapping[str, str]
) -> Merge:
    merge = Merge([dict(entry) for entry in entries])
    by_host: dict[str, dict[str, Any]] = {}
    by_id: dict[int, dict[str, Any]] = {}

    def index(entry: dict[str, Any]) -> None:
        for host in [entry.get("legacy_host"), *(entry.get("aliases") or [])]:
            if host:
                by_host[host] = entry
        if entry.get("lpse_id") is not None:
            by_id[entry["lpse_id"]] = entry

    for entry in merge.entries:
        settle(entry, regencies, merge)
        index(entry)
    seen: dict[str, HostRow] = {}
    for row in rows:
        merge.counts["rows read"] += 1
        if row.host is None:
            merge.tell("skipped: no host", f"{row.name} ({row.lpse_id})")
            continue
        if row.host in seen:  # lists overlap: only a host listed as another LPSE is told
            first = seen[row.host]
            if (first.lpse_id, area_key(first.name)) == (row.lpse_id, area_key(row.name)):
                merge.counts["listed twice"] += 1
            else:
                merge.tell("skipped: listed twice, differently", f"{row.host}: {first} / {row}")
            continue
        seen[row.host] = row
        domain = KNOWN_DOMAINS.get(row.host, row.host)
        match = by_host.get(row.host) or by_host.get(domain)
        if match is None and row.lpse_id in by_id:
            match = by_id[row.lpse_id]
            merge.tell("alias added", f"{match['slug']}: {row.host}")
        if match is not None:
            known(match, row, merge)
            index(match)
            continue
        added = new_entry(row, domain, regencies, {e["slug"] for e in merge.entries}, merge)
        if added:
            merge.entries.append(added)
            index(added)
    return merge


def known(entry: dict[str, Any], row: HostRow, merge: Merge) -> None:
    """A listed host an entry already has: fill what the entry lacks, keep what it says."""
    merge.counts["already in the registry"] += 1
    if row.host not in [entry.get("legacy_host"), *(entry.get("aliases") or [])]:
        entry["aliases"] = [*(entry.get("aliases") or []), row.host]
    if entry.get("lpse_id") is None and row.lpse_id is not None:
        entry["lpse_id"] = row.lpse_id
        merge.counts["lpse_id filled"] += 1
    elif row.lpse_id not in (None, entry.get("lpse_id")):
        merge.tell(
            "lpse_id differs (kept)", f"{entry['slug']}: {entry['lpse_id']}, list {row.lpse_id}"
        )
    if area_key(owner_of(row.name)) != area_key(owner_of(entry["name"])):
        merge.tell("name differs (kept)", f"{entry['slug']}: {entry['name']!r}, list {row.name!r}")


def new_entry(
    row: HostRow, domain: str, regencies: Mapping[str, str], taken: set[str], merge: Merge
) -> dict[str, Any] | None:
    slug = derive_slug(domain)
    if slug is None:
        merge.tell(
            "skipped: no slug", f"{row.host} ({row.name}): give it a domain in KNOWN_DOMAINS"
        )
        return None
    if slug in taken:
        merge.tell("skipped: slug taken", f"{row.host} ({row.name}) would be {slug!r}")
        return None
    try:
        province = province_of(row.name, regencies)
    except LookupError as exc:
        merge.tell("skipped: no province", f"{row.host}: {exc}")
        return None
    merge.counts["added"] += 1
    return {
        "slug": slug,
        "name": row.name,
        "agency": agency_of(row.name),
        "province": province,
        "timezone": zone_of(province),
        "legacy_host": domain,
        "aliases": [row.host] if domain != row.host else [],
        "lpse_id": row.lpse_id,
    }


def scalar(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    if isinstance(value, str) and PLAIN.fullmatch(value) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)  # null, numbers, and quoted strings


def flow(entry: dict[str, Any]) -> str:
    keys = [k for k in FIELDS if k in entry and (k != "aliases" or entry[k])]
    keys += sorted(set(entry) - set(FIELDS))  # unknown keys are kept: the loader refuses them
    return "{" + ", ".join(f"{key}: {scalar(entry[key])}" for key in keys) + "}"


def order(entry: dict[str, Any]) -> tuple[int, int, str]:
    """Central government first (nasional leading), then provinces west to east, each its
    province's own LPSE before the others."""
    provinces = list(PROVINCE_ZONES)
    province = entry.get("province")
    rank = provinces.index(province) + 1 if province in PROVINCE_ZONES else 0
    lead = entry["slug"] == "nasional" or owner_of(entry["name"]).startswith("Provinsi ")
    return rank, 0 if lead else 1, entry["name"]


def render(entries: Iterable[dict[str, Any]]) -> str:
    lines = [*HEADER.splitlines(), "lpse:"]
    for province, group in groupby(sorted(entries, key=order), key=lambda e: e.get("province")):
        zone = ZONE_NAMES.get(zone_of(province) if province in PROVINCE_ZONES else CENTRAL_ZONE)
        lines.append(f"  # {province or 'Central government, Jakarta'} ({zone})")
        lines += [f"  - {flow(entry)}" for entry in group]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=Path, action="append", help="CSV of LPSE hosts")
    parser.add_argument("--area-data", type=Path, help="idn-area-data's data/ folder")
    parser.add_argument("--registry", type=Path, default=LPSE_REGISTRY)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file would change")
    args = parser.parse_args(argv)
    current = args.registry.read_text(encoding="utf-8")
    rows = [row for path in args.hosts or [REALDATA_HOSTS] for row in read_hosts(path)]
    regencies = read_area_data(args.area_data) if args.area_data else {}
    merge = merge_hosts(yaml.safe_load(current)["lpse"], rows, regencies)
    text = render(merge.entries)
    for note in merge.notes:
        print(note, file=sys.stderr)
    summary = ", ".join(f"{count}: {n}" for count, n in sorted(merge.counts.items()))
    print(f"{len(merge.entries)} LPSEs; {summary}")
    if args.check:
        return 0 if text == current else 1
    if text != current:
        args.registry.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
