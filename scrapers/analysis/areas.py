"""Indonesia's provinces, regencies and cities (scrapers/data/areas.yml) as organisations
(their governments: Pemprov/Pemkab/Pemkot, their heads' titles) and as places."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

AREAS = Path(__file__).resolve().parent.parent / "data" / "areas.yml"
# The government of an area, as news names it; NAME is each of the area's names.
FORMS = {
    "province": ["Pemerintah Provinsi NAME", "Pemerintah Daerah Provinsi NAME", "Pemprov NAME",
                 "Pemda NAME", "Gubernur NAME", "Sekda NAME", "Sekda Provinsi NAME", "Sekdaprov NAME",
                 "Sekretaris Daerah Provinsi NAME"],
    "regency": ["Pemerintah Kabupaten NAME", "Pemerintah Daerah Kabupaten NAME", "Pemkab NAME",
                "Pemda Kabupaten NAME", "Bupati NAME", "Sekda NAME", "Sekda Kabupaten NAME",
                "Sekretaris Daerah Kabupaten NAME"],
    "city": ["Pemerintah Kota NAME", "Pemerintah Kota Administrasi NAME", "Pemerintah Daerah Kota NAME",
             "Pemkot NAME", "Wali Kota NAME", "Walikota NAME", "Sekda Kota NAME",
             "Sekretaris Daerah Kota NAME", "Sekda NAME"],
}  # fmt: skip
# The state's offices in every regency and city, named after it: the district prosecutor
# (Kejaksaan Negeri) and the police (Polres; Polresta and Polrestabes in cities), with their
# heads' titles. Where a city shares its regency's name (Kediri, Blitar), the city's offices
# are the Kejari Kota and the Polres ... Kota; the bare name is the regency's.
DISTRICT_OFFICES = {
    "Kejari NAME": ("Kejaksaan Negeri", ["Kejari NAME", "Kejaksaan Negeri NAME", "Kajari NAME"]),
    "Polres NAME": ("Kepolisian Resor", ["Polres NAME", "Polresta NAME", "Polrestabes NAME", "Kepolisian Resor NAME",
                                    "Kepolisian Resor Kota NAME", "Kapolres NAME", "Kapolresta NAME",
                                    "Kapolrestabes NAME"]),
}  # fmt: skip
# The same offices of a regency and of a city where both have one name; NAME as above.
SHARED_NAME_OFFICES = {
    "regency": {"Kejari NAME": ("Kejaksaan Negeri", ["Kejari NAME", "Kejari Kabupaten NAME", "Kejaksaan Negeri NAME",
                                "Kejaksaan Negeri Kabupaten NAME", "Kajari NAME", "Kajari Kabupaten NAME"]),
                "Polres NAME": ("Kepolisian Resor", ["Polres NAME", "Polres Kabupaten NAME", "Kepolisian Resor NAME",
                                "Kapolres NAME"])},
    "city": {"Kejari Kota NAME": ("Kejaksaan Negeri Kota", ["Kejari Kota NAME", "Kejaksaan Negeri Kota NAME",
                                  "Kajari Kota NAME"]),
             "Polres NAME Kota": ("Kepolisian Resor Kota", ["Polres NAME Kota", "Polresta NAME Kota", "Polresta NAME",
                                  "Polrestabes NAME", "Polres Kota NAME", "Kepolisian Resor Kota NAME",
                                  "Kapolres NAME Kota", "Kapolresta NAME Kota", "Kapolresta NAME", "Kapolrestabes NAME"])},
}  # fmt: skip
# The provinces' own: the high prosecutor (Kejaksaan Tinggi) and the regional police (Polda).
PROVINCE_OFFICES = {
    "Kejati NAME": ("Kejaksaan Tinggi", ["Kejati NAME", "Kejaksaan Tinggi NAME", "Kajati NAME"]),
    "Polda NAME": ("Kepolisian Daerah", ["Polda NAME", "Kepolisian Daerah NAME", "Kapolda NAME"]),
}  # fmt: skip
PREFIX = {"province": ("Pemprov", "Pemerintah Provinsi"), "regency": ("Pemkab", "Pemerintah Kabupaten"),
          "city": ("Pemkot", "Pemerintah Kota")}  # fmt: skip


@cache
def _areas() -> dict[str, Any]:
    areas: dict[str, Any] = yaml.safe_load(AREAS.read_text(encoding="utf-8"))
    return areas


def _names(kind: str) -> list[tuple[str, list[str]]]:
    """(canonical name, every name) of each area of a kind."""
    if kind == "province":  # the official name second
        return [
            (p["name"], [p["name"], p.get("official", p["name"]), *p["short"]])
            for p in _areas()["provinces"]
        ]
    wanted = "kabupaten" if kind == "regency" else "kota"
    return [
        (r["name"], _spellings(r["name"])) for r in _areas()["regencies"] if r["kind"] == wanted
    ]


def _spellings(name: str) -> list[str]:
    """A two-word name as news also writes it, joined or hyphenated: Kemendagri's "Tanjung
    Pinang" and "Fak Fak" are Tanjungpinang and Fakfak in print."""
    words = name.split()
    if len(words) != 2:
        return [name]
    return [name, words[0] + words[1].lower(), "-".join(words)]


def government_entries() -> list[dict[str, object]]:
    """Gazetteer entries (see agencies.Gazetteer) for the government of every area. `listed`
    are the names that may follow one in a list ("Pemerintah Provinsi Papua Tengah, Papua
    Selatan dan Papua Barat Daya")."""
    entries: list[dict[str, object]] = []
    for kind, forms in FORMS.items():
        short, long = PREFIX[kind]
        for name, names in _names(kind):
            entries.append({
                "name": f"{short} {name}", "full": f"{long} {names[1] if kind == 'province' else name}",
                "aliases": list(dict.fromkeys(form.replace("NAME", n) for form in forms for n in names)),
                "listed": list(dict.fromkeys(n for n in names if len(n) > 3)), "country": "ID", "type": kind,
            })  # fmt: skip
    return entries + _district_office_entries()


def _district_office_entries() -> list[dict[str, object]]:
    spellings: dict[str, dict[str, list[str]]] = {"regency": {}, "city": {}, "province": {}}
    for kind in spellings:
        for name, names in _names(kind):
            spellings[kind].setdefault(name, []).extend(names)
    shared = spellings["regency"].keys() & spellings["city"].keys()
    offices = [
        (office, name, names)
        for kind in ("regency", "city")
        for name, names in spellings[kind].items()
        for office in (SHARED_NAME_OFFICES[kind] if name in shared else DISTRICT_OFFICES).items()
    ]
    offices += [
        (o, n, names)
        for n, names in spellings["province"].items()
        for o in PROVINCE_OFFICES.items()
    ]
    return [
        {"name": canonical.replace("NAME", name), "full": f"{long} {name}",
         "aliases": list(dict.fromkeys(form.replace("NAME", n) for form in forms for n in names)),
         "country": "ID", "type": "law_enforcement"}
        for (canonical, (long, forms)), name, names in offices
    ]  # fmt: skip


@cache
def place_names() -> frozenset[str]:
    """Every area's names, bare and with Provinsi/Kabupaten/Kota before them."""
    found: set[str] = set()
    for kind, word in (("province", "Provinsi"), ("regency", "Kabupaten"), ("city", "Kota")):
        for _, names in _names(kind):
            found.update(names)
            found.update(f"{word} {n}" for n in names)
    return frozenset(found)
