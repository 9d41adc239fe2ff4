"""The LPSE registry (scrapers/data/lpse.yml): well formed, and in agreement with the real
list of LPSE hosts where both name one."""

from __future__ import annotations

import csv
from urllib.parse import urlsplit

import pytest

from scrapers.lpse import Lpse, choose_lpses, lpse_registry
from tests.conftest import realdata


def test_entries_are_well_formed() -> None:
    registry = lpse_registry()
    assert len(registry) >= 20 and "nasional" in registry
    for slug, lpse in registry.items():
        assert slug == lpse.slug and slug.isascii() and slug == slug.lower()
        assert lpse.timezone in ("+07:00", "+08:00", "+09:00"), slug
        assert lpse.name.startswith("LPSE "), slug


def test_choosing_lpses() -> None:
    own = [{"slug": "sampel", "name": "LPSE Sampel", "timezone": "+08:00"}]
    chosen = choose_lpses("kemenkeu, sampel", own)
    assert [lpse.slug for lpse in chosen] == ["kemenkeu", "sampel"]
    assert chosen[1] == Lpse("sampel", "LPSE Sampel", timezone="+08:00")
    with pytest.raises(KeyError, match="unknown LPSE 'nowhere'"):
        choose_lpses(["nowhere"])


def test_legacy_hosts_agree_with_the_real_list() -> None:
    with (realdata("spse") / "lpse-hosts.csv").open(encoding="utf-8") as rows:
        real = {
            urlsplit(row["alamat_lpse"]).hostname: row["nama_lpse"] for row in csv.DictReader(rows)
        }
    checked = 0
    for lpse in lpse_registry().values():
        if lpse.legacy_host in real:
            place = real[lpse.legacy_host].split()[-1]  # "LPSE Provinsi Riau" -> "Riau"
            assert place in lpse.name, (lpse.slug, real[lpse.legacy_host])
            checked += 1
    assert checked >= 10
