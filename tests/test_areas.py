"""scrapers/data/areas.yml and its generator (scrapers/build_areas.py)."""

from __future__ import annotations

from collections import Counter

import yaml

from scrapers.analysis.areas import AREAS, government_entries, place_names
from scrapers.build_areas import HEADER, read_wilayah, render

SQL = """
INSERT INTO wilayah (kode,nama) VALUES
('21','Kepulauan Riau'),
('21.01','Kabupaten Karimun'),
('21.72','Kota Tanjung Pinang'),
('21.01.01','Moro'),
('31','Daerah Khusus Ibukota Jakarta'),
('31.71','Kota Administrasi Jakarta Pusat ');
"""


def test_provinces_regencies_and_cities_are_read_from_the_dataset() -> None:
    areas = read_wilayah(SQL)
    assert areas["provinces"] == [
        {"code": "21", "name": "Kepulauan Riau", "short": ["Kepri"]},
        {"code": "31", "name": "DKI Jakarta", "official": "Daerah Khusus Ibukota Jakarta",
         "short": ["DKI", "Jakarta"]},
    ]  # fmt: skip
    assert areas["regencies"] == [  # districts (NN.NN.NN) are not areas here
        {"code": "21.01", "kind": "kabupaten", "name": "Karimun"},
        {"code": "21.72", "kind": "kota", "name": "Tanjung Pinang"},
        {"code": "31.71", "kind": "kota", "name": "Jakarta Pusat"},
    ]
    assert render(areas, "abc").startswith(HEADER.format(commit="abc"))


def test_the_data_file_holds_every_province_regency_and_city_once() -> None:
    areas = yaml.safe_load(AREAS.read_text(encoding="utf-8"))
    assert len(areas["provinces"]) == 38
    kinds = Counter(r["kind"] for r in areas["regencies"])
    assert kinds == {"kabupaten": 416, "kota": 98}
    codes = [a["code"] for a in areas["provinces"] + areas["regencies"]]
    assert len(codes) == len(set(codes))
    assert "cahyadsn/wilayah" in AREAS.read_text(encoding="utf-8") and "MIT" in HEADER


def test_each_area_is_a_government_and_a_place() -> None:
    entries = {e["name"]: e for e in government_entries()}
    governments = [e for e in entries.values() if e["type"] != "law_enforcement"]
    assert len(governments) == 38 + 514
    # a Kejari and a Polres for every regency and city, a Kejati and a Polda for every province
    assert len(entries) - len(governments) == 2 * 514 + 2 * 38
    assert {"Kejari Kediri", "Kejari Kota Kediri", "Polres Blitar Kota", "Polda Jawa Timur"} <= set(
        entries
    )
    assert "Gubernur Kepri" in entries["Pemprov Kepulauan Riau"]["aliases"]  # type: ignore[operator]
    assert "Pemkot Tanjungpinang" in entries["Pemkot Tanjung Pinang"]["aliases"]  # type: ignore[operator]
    assert {
        "Tanjungpinang",
        "Kota Tanjung Pinang",
        "Provinsi Kepri",
        "Papua Barat Daya",
    } <= place_names()
