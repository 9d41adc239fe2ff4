"""The registry of LPSE instances (scrapers/data/lpse.yml): one `spse_notices` spider covers
any of them, chosen by slug. An LPSE's time zone is its province's (PROVINCE_ZONES)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LPSE_REGISTRY = Path(__file__).resolve().parent / "data" / "lpse.yml"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

WIB, WITA, WIT = "+07:00", "+08:00", "+09:00"
CENTRAL_ZONE = WIB  # an LPSE of the central government (province null) sits in Jakarta

# The 38 provinces by their Kemendagri names and the zone each keeps (Keppres 41/1987; the
# Papuan provinces formed in 2022 stay in WIT).
PROVINCE_ZONES = {
    **dict.fromkeys(
        [
            "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Jambi", "Sumatera Selatan",
            "Bengkulu", "Lampung", "Kepulauan Bangka Belitung", "Kepulauan Riau",
            "Daerah Khusus Ibukota Jakarta", "Jawa Barat", "Jawa Tengah",
            "Daerah Istimewa Yogyakarta", "Jawa Timur", "Banten", "Kalimantan Barat",
            "Kalimantan Tengah",
        ],
        WIB,
    ),
    **dict.fromkeys(
        [
            "Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Selatan",
            "Kalimantan Timur", "Kalimantan Utara", "Sulawesi Utara", "Sulawesi Tengah",
            "Sulawesi Selatan", "Sulawesi Tenggara", "Gorontalo", "Sulawesi Barat",
        ],
        WITA,
    ),
    **dict.fromkeys(
        [
            "Maluku", "Maluku Utara", "Papua", "Papua Barat", "Papua Selatan", "Papua Tengah",
            "Papua Pegunungan", "Papua Barat Daya",
        ],
        WIT,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Lpse:
    slug: str
    name: str
    agency: str | None = None
    legacy_host: str | None = None
    timezone: str = WIB
    province: str | None = None  # None: an LPSE of the central government
    lpse_id: int | None = None  # LKPP's number of the LPSE
    aliases: tuple[str, ...] = ()  # other legacy hosts it was listed at


def zone_of(province: str | None) -> str:
    if province is None:
        return CENTRAL_ZONE
    if province not in PROVINCE_ZONES:
        raise ValueError(f"unknown province {province!r}: not one of the 38 in PROVINCE_ZONES")
    return PROVINCE_ZONES[province]


def registry_entry(entry: dict[str, Any]) -> Lpse:
    """An entry of lpse.yml as an Lpse. Its zone is its province's; a `timezone` written
    beside the province must agree with it."""
    if "province" not in entry:
        raise ValueError(f"LPSE {entry['slug']!r}: no province (null for the central government)")
    fields = {**entry, "aliases": tuple(entry.get("aliases") or ())}
    zone = zone_of(fields.get("province"))
    if fields.setdefault("timezone", zone) != zone:
        raise ValueError(
            f"LPSE {fields['slug']!r}: timezone {fields['timezone']} contradicts its "
            f"province {fields.get('province') or 'central government'} ({zone})"
        )
    if not SLUG.fullmatch(str(fields["slug"])):
        raise ValueError(f"LPSE slug {fields['slug']!r}: only a-z, 0-9 and inner hyphens")
    return Lpse(**fields)


@cache
def lpse_registry(path: Path = LPSE_REGISTRY) -> dict[str, Lpse]:
    registry: dict[str, Lpse] = {}
    for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["lpse"]:
        lpse = registry_entry(entry)
        if lpse.slug in registry:
            raise ValueError(f"{path}: slug {lpse.slug!r} is given twice")
        registry[lpse.slug] = lpse
    return registry


def choose_lpses(chosen: Any, known: list[Any] | None = None) -> list[Lpse]:
    """LPSEs from a comma-separated text or a list of slugs or of full entries (dicts).
    Slugs are looked up in `known` (a source's own entries), then in the registry."""
    registry = {**lpse_registry()}
    registry.update((e["slug"], Lpse(**e)) for e in known or [] if isinstance(e, dict))
    if isinstance(chosen, str):
        chosen = [slug.strip() for slug in chosen.split(",") if slug.strip()]
    picked = []
    for entry in chosen or []:
        if isinstance(entry, dict):
            picked.append(Lpse(**entry))
        elif entry in registry:
            picked.append(registry[entry])
        else:
            raise KeyError(f"unknown LPSE {entry!r}: add it to {LPSE_REGISTRY}")
    return picked


def lpse_at_host(host: str) -> Lpse | None:
    """The registry's LPSE whose own (pre-SPSE 4) host this is, by its legacy host or an
    alias."""
    host = host.lower().removeprefix("www.")
    return next(
        (lpse for lpse in lpse_registry().values() if host in (lpse.legacy_host, *lpse.aliases)),
        None,
    )
