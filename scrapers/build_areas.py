"""Write scrapers/data/areas.yml, Indonesia's provinces, regencies and cities, from the
wilayah dataset of Cahya DSN (github.com/cahyadsn/wilayah, MIT licence; codes and names of
Kepmendagri No 300.2.2-2430 Tahun 2025).

    python -m scrapers.build_areas WILAYAH_SQL [--check]

WILAYAH_SQL is that repository's db/wilayah.sql. Only its province (`NN`) and regency/city
(`NN.NN`) rows are read; districts and villages are not. The provinces' common short names
(Jabar, Kepri, DIY, ...) are not in the dataset: they are this project's, from Indonesian
news usage. `--check` writes nothing and exits 1 when the file would change.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

AREAS = Path(__file__).resolve().parent / "data" / "areas.yml"
ROW = re.compile(r"\('(?P<code>\d{2}(?:\.\d{2})?)','(?P<name>[^']+)'\)")
KINDS = (("Kabupaten Administrasi ", "kabupaten"), ("Kabupaten ", "kabupaten"),
         ("Kota Administrasi ", "kota"), ("Kota ", "kota"))  # fmt: skip
# The names news uses for a province whose official name is long, and its short forms.
COMMON_NAMES = {
    "Daerah Khusus Ibukota Jakarta": "DKI Jakarta",
    "Daerah Istimewa Yogyakarta": "DI Yogyakarta",
}
SHORT_NAMES = {
    "Aceh": ["NAD"], "Sumatera Utara": ["Sumut"], "Sumatera Barat": ["Sumbar"],
    "Riau": [], "Jambi": [], "Sumatera Selatan": ["Sumsel"], "Bengkulu": [], "Lampung": [],
    "Kepulauan Bangka Belitung": ["Babel", "Bangka Belitung"],
    "Kepulauan Riau": ["Kepri"], "Daerah Khusus Ibukota Jakarta": ["DKI", "Jakarta"],
    "Jawa Barat": ["Jabar"], "Jawa Tengah": ["Jateng"],
    "Daerah Istimewa Yogyakarta": ["DIY", "Yogyakarta"], "Jawa Timur": ["Jatim"],
    "Banten": [], "Bali": [], "Nusa Tenggara Barat": ["NTB"], "Nusa Tenggara Timur": ["NTT"],
    "Kalimantan Barat": ["Kalbar"], "Kalimantan Tengah": ["Kalteng"],
    "Kalimantan Selatan": ["Kalsel"], "Kalimantan Timur": ["Kaltim"],
    "Kalimantan Utara": ["Kaltara"], "Sulawesi Utara": ["Sulut"], "Sulawesi Tengah": ["Sulteng"],
    "Sulawesi Selatan": ["Sulsel"], "Sulawesi Tenggara": ["Sultra"], "Gorontalo": [],
    "Sulawesi Barat": ["Sulbar"], "Maluku": [], "Maluku Utara": ["Malut"], "Papua": [],
    "Papua Barat": ["Pabar"], "Papua Selatan": [], "Papua Tengah": [], "Papua Pegunungan": [],
    "Papua Barat Daya": ["PBD"],
}  # fmt: skip
HEADER = """\
# Indonesia's 38 provinces and every regency (kabupaten) and city (kota), written by
# `python -m scrapers.build_areas` from db/wilayah.sql of github.com/cahyadsn/wilayah
# (commit {commit};
# codes and names per Kepmendagri No 300.2.2-2430 Tahun 2025), copyright (c) Cahya DSN,
# MIT licence. `short` names are this project's, from news usage.
# The gazetteer (scrapers/analysis/areas.py) makes each area's government an organisation:
# Pemprov/Pemkab/Pemkot NAME, Pemerintah Provinsi/Kabupaten/Kota NAME, its head's title.
"""


def read_wilayah(sql: str) -> dict[str, list[dict[str, object]]]:
    provinces: list[dict[str, object]] = []
    regencies: list[dict[str, object]] = []
    for match in ROW.finditer(sql):
        code, name = match["code"], " ".join(match["name"].split())
        if "." not in code:
            if name not in SHORT_NAMES:
                raise ValueError(f"a province without short names in SHORT_NAMES: {name}")
            entry: dict[str, object] = {"code": code, "name": COMMON_NAMES.get(name, name)}
            if name in COMMON_NAMES:
                entry["official"] = name
            entry["short"] = SHORT_NAMES[name]
            provinces.append(entry)
            continue
        prefix, kind = next((p, k) for p, k in KINDS if name.startswith(p))
        regencies.append({"code": code, "kind": kind, "name": name.removeprefix(prefix)})
    return {"provinces": provinces, "regencies": regencies}


def render(areas: dict[str, list[dict[str, object]]], commit: str) -> str:
    body = yaml.safe_dump(areas, allow_unicode=True, sort_keys=False, default_flow_style=None,
                          width=100)  # fmt: skip
    return HEADER.format(commit=commit) + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wilayah_sql", type=Path)
    parser.add_argument("--commit", default="b7ad440a1322e7be3189a16a8cac35f7d4c3d7f7")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    areas = read_wilayah(args.wilayah_sql.read_text(encoding="utf-8"))
    text = render(areas, args.commit)
    counts = f"{len(areas['provinces'])} provinces, {len(areas['regencies'])} regencies and cities"
    if args.check:
        same = AREAS.exists() and AREAS.read_text(encoding="utf-8") == text
        print(f"{counts}: {'unchanged' if same else 'would change'}")
        return 0 if same else 1
    AREAS.write_text(text, encoding="utf-8")
    print(f"{counts} written to {AREAS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
