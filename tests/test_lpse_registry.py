"""The LPSE registry (scrapers/data/lpse.yml): well formed, zones that follow provinces, and
every host of the real list of LPSEs in it; and the generator that writes it."""

from __future__ import annotations

import csv
import ipaddress
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from scrapers.build_lpse_registry import (
    HostRow,
    derive_slug,
    legacy_host,
    main,
    merge_hosts,
    province_of,
    read_area_data,
    read_hosts,
    render,
)
from scrapers.lpse import (
    LPSE_REGISTRY,
    PROVINCE_ZONES,
    SLUG,
    WIB,
    WIT,
    WITA,
    Lpse,
    choose_lpses,
    lpse_registry,
)
from tests.conftest import realdata

HOSTNAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")
# Registry entries that no real list names (the first hand-written ones) and the real list's
# LPSEs: the registry holds at least both.
HAND_WRITTEN = {
    "nasional", "kemenkeu", "pu", "kemkes", "jabarprov", "jatengprov", "jatimprov", "surabaya",
    "bandung",
}  # fmt: skip


def raw_entries() -> list[dict[str, object]]:
    entries: list[dict[str, object]] = yaml.safe_load(LPSE_REGISTRY.read_text("utf-8"))["lpse"]
    return entries


def real_rows() -> list[HostRow]:
    return read_hosts(realdata("spse") / "lpse-hosts.csv")


def test_entries_are_well_formed() -> None:
    registry = lpse_registry()
    slugs = [entry["slug"] for entry in raw_entries()]
    assert len(slugs) == len(set(slugs)) == len(registry) >= 88
    for slug, lpse in registry.items():
        assert slug == lpse.slug and SLUG.fullmatch(slug), slug
        assert lpse.name.startswith("LPSE ") and lpse.agency, slug
        for host in [lpse.legacy_host, *lpse.aliases]:
            if host is None:
                assert slug == "nasional"  # the national SPSE had no legacy host of its own
                continue
            assert host == host.lower() and not host.startswith("www."), (slug, host)
            assert host == legacy_host(f"http://{host}/eproc4"), (slug, host)
        assert lpse.legacy_host is None or HOSTNAME.fullmatch(lpse.legacy_host), slug
        assert all(HOSTNAME.fullmatch(h) or ipaddress.ip_address(h) for h in lpse.aliases)
    hosts = [h for lpse in registry.values() for h in [lpse.legacy_host, *lpse.aliases] if h]
    assert len(hosts) == len(set(hosts))
    ids = [lpse.lpse_id for lpse in registry.values() if lpse.lpse_id is not None]
    assert len(ids) == len(set(ids)) >= 79


def test_zones_follow_provinces() -> None:
    assert Counter(PROVINCE_ZONES.values()) == {WIB: 18, WITA: 12, WIT: 8}
    for lpse in lpse_registry().values():
        zone = WIB if lpse.province is None else PROVINCE_ZONES[lpse.province]
        assert lpse.timezone == zone, lpse.slug
    assert Counter(lpse.timezone for lpse in lpse_registry().values()) == {
        WIB: 66,
        WITA: 19,
        WIT: 3,
    }


def test_known_entries() -> None:
    registry = lpse_registry()
    assert registry["nasional"] == Lpse(
        "nasional", "LPSE Nasional", "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah"
    )
    assert registry["kemenkeu"].legacy_host == "lpse.kemenkeu.go.id"
    jakarta = registry["jakarta"]
    assert (jakarta.name, jakarta.province, jakarta.timezone, jakarta.lpse_id) == (
        "LPSE Provinsi DKI Jakarta", "Daerah Khusus Ibukota Jakarta", WIB, 127
    )  # fmt: skip
    assert (registry["karangasemkab"].province, registry["karangasemkab"].timezone) == (
        "Bali", WITA
    )  # fmt: skip
    assert (registry["ternatekota"].province, registry["ternatekota"].timezone) == (
        "Maluku Utara", WIT
    )  # fmt: skip
    assert registry["jatim-polri"].province == "Jawa Timur"  # a vertical unit, in its province
    assert registry["tniad"].province is None and registry["tniad"].legacy_host == (
        "lpse.tniad.mil.id"
    )
    tanjabtim = registry["tanjabtimkab"]  # listed at an IP address
    assert (tanjabtim.legacy_host, tanjabtim.aliases) == (
        "lpse.tanjabtimkab.go.id", ("222.124.194.125",)
    )  # fmt: skip
    assert registry["wajokab"].legacy_host == "lpse-wajokab.go.id"


def test_every_real_host_is_in_the_registry() -> None:
    rows = real_rows()
    by_host = {
        h: lpse for lpse in lpse_registry().values() for h in [lpse.legacy_host, *lpse.aliases]
    }
    for row in rows:
        assert row.host in by_host, row
        lpse = by_host[row.host]
        assert lpse.lpse_id == row.lpse_id, (lpse.slug, row)
        place = row.name.split()[-1]  # "LPSE Provinsi Riau" -> "Riau"
        assert place in lpse.name, (lpse.slug, row.name)
    listed = {by_host[row.host].slug for row in rows}
    assert len(listed) == len(rows) == 72
    assert set(lpse_registry()) - listed >= HAND_WRITTEN
    assert len(lpse_registry()) >= len(listed | HAND_WRITTEN)


def test_package_codes_end_with_the_lpse_number() -> None:
    with (realdata("spse") / "lpse-hosts.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            assert row["id_paket"].endswith(row["id_lpse"].zfill(3)), row


def test_the_registry_is_what_the_generator_writes() -> None:
    merge = merge_hosts(raw_entries(), real_rows(), regencies={})
    assert merge.counts["already in the registry"] == 72
    assert not {k for k in merge.counts if k.startswith(("added", "skipped", "alias"))}
    assert render(merge.entries) == LPSE_REGISTRY.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("address", "slug"),
    [
        ("http://lpse.riau.go.id", "riau"),
        ("https://www.lpse.kemenkeu.go.id/eproc4", "kemenkeu"),
        ("http://lpse-wajokab.go.id", "wajokab"),
        ("http://lpsepatikab.org", "patikab"),
        ("http://lpse.jatim.polri.go.id/eproc", "jatim-polri"),
        ("http://lpse.unja.ac.id/eproc/", "unja"),
        ("http://lpse.tniad.mil.id", "tniad"),
        ("http://lpse.takalarkab.net", "takalarkab"),
        ("https://eproc.esdm.go.id/eproc4", "esdm"),
        ("http://222.124.194.125", None),
    ],
)
def test_slugs_derive_from_legacy_hosts(address: str, slug: str | None) -> None:
    host = legacy_host(address)
    assert host is not None and derive_slug(host) == slug


def test_provinces_from_names() -> None:
    regencies = {"kabupatengunungkidul": "Daerah Istimewa Yogyakarta"}
    assert province_of("LPSE Provinsi DKI Jakarta", {}) == "Daerah Khusus Ibukota Jakarta"
    assert province_of("LPSE Kabupaten Gunung Kidul", regencies) == "Daerah Istimewa Yogyakarta"
    assert province_of("LPSE Kementerian Perhubungan", {}) is None
    assert province_of("LPSE Universitas Jambi", {}) == "Jambi"
    for unknown in ("LPSE Kabupaten Gunung Kidul", "LPSE Provinsi Atlantis", "LPSE Sampel"):
        with pytest.raises(LookupError):
            province_of(unknown, {})


def test_merging_counts_what_it_skips() -> None:
    own = [
        {"slug": "riau", "name": "LPSE Provinsi Riau", "agency": "Pemerintah Provinsi Riau",
         "legacy_host": "lpse.riau.go.id"},
    ]  # fmt: skip
    rows = [
        HostRow(39, "LPSE Provinsi Riau", "lpse.riau.go.id"),
        HostRow(39, "LPSE Provinsi Riau", "riau-lama.example.id"),  # same LPSE, another host
        HostRow(72, "LPSE Kabupaten Banyuwangi", "lpse.banyuwangikab.go.id"),
        HostRow(72, "LPSE Kabupaten Banyuwangi", "lpse.banyuwangikab.go.id"),
        HostRow(73, "LPSE Kabupaten Lain", "lpse.banyuwangikab.go.id"),
        HostRow(5, "LPSE Kabupaten Tanpa Alamat", "10.1.2.3"),
        HostRow(6, "LPSE Kabupaten Entah", "lpse.entahkab.go.id"),
        HostRow(7, "LPSE Kota Riau", "lpse.riau.org"),  # would be "riau" again
        HostRow(8, "LPSE Kabupaten Tanpa Host", None),
    ]
    merge = merge_hosts(own, rows, {"kabupatenbanyuwangi": "Jawa Timur"})
    assert merge.counts == {
        "rows read": 9, "province filled": 1, "already in the registry": 2, "lpse_id filled": 1,
        "alias added": 1,
        "added": 1, "listed twice": 1, "skipped: listed twice, differently": 1,
        "skipped: no slug": 1, "skipped: no province": 1, "skipped: slug taken": 1,
        "skipped: no host": 1,
    }  # fmt: skip
    riau, banyuwangi = merge.entries
    assert riau == {
        **own[0], "province": "Riau", "timezone": WIB, "lpse_id": 39,
        "aliases": ["riau-lama.example.id"],
    }  # fmt: skip
    assert banyuwangi == {
        "slug": "banyuwangikab", "name": "LPSE Kabupaten Banyuwangi",
        "agency": "Pemerintah Kabupaten Banyuwangi", "province": "Jawa Timur", "timezone": WIB,
        "legacy_host": "lpse.banyuwangikab.go.id", "aliases": [], "lpse_id": 72,
    }  # fmt: skip
    assert len(merge.notes) == 6  # every skip and the alias, told


def test_merging_keeps_hand_fixes_and_corrects_a_contradicting_zone() -> None:
    own = [
        {"slug": "kotaku", "name": "LPSE Kota Makassar", "agency": "Dibetulkan", "province":
         "Sulawesi Selatan", "timezone": WIB, "legacy_host": "lpse.makassar.go.id"},
    ]  # fmt: skip
    merge = merge_hosts(own, [HostRow(9, "LPSE Kota Makassar", "lpse.makassar.go.id")], {})
    assert merge.entries == [{**own[0], "timezone": WITA, "lpse_id": 9}]
    assert merge.counts["timezone corrected"] == 1


def test_rendered_registry_loads_back(tmp_path: Path) -> None:
    entries: list[dict[str, Any]] = [
        {"slug": "contoh", "name": "LPSE Kementerian Contoh, Uji: Coba", "agency": "true",
         "province": None, "legacy_host": "lpse.contoh.go.id", "aliases": ["10.0.0.1"],
         "lpse_id": 12},
        {"slug": "timur", "name": "LPSE Provinsi Papua", "agency": "Pemerintah Provinsi Papua",
         "province": "Papua", "timezone": WIT, "legacy_host": None},
    ]  # fmt: skip
    merge = merge_hosts(entries, [], {})
    path = tmp_path / "lpse.yml"
    path.write_text(render(merge.entries), encoding="utf-8")
    loaded = lpse_registry.__wrapped__(path)
    assert loaded["contoh"] == Lpse(
        "contoh",
        "LPSE Kementerian Contoh, Uji: Coba",
        "true",
        "lpse.contoh.go.id",
        WIB,
        None,
        12,
        ("10.0.0.1",),
    )
    assert loaded["timur"].timezone == WIT


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ({"slug": "a", "name": "LPSE A", "province": "Bali", "timezone": WIB}, "contradicts"),
        ({"slug": "a", "name": "LPSE A", "province": "Atlantis"}, "unknown province"),
        ({"slug": "a", "name": "LPSE A"}, "no province"),
        ({"slug": "A b", "name": "LPSE A", "province": None}, "only a-z"),
    ],
)
def test_the_loader_refuses_bad_entries(
    tmp_path: Path, entry: dict[str, object], error: str
) -> None:
    path = tmp_path / "lpse.yml"
    path.write_text(yaml.safe_dump({"lpse": [entry]}), encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        lpse_registry.__wrapped__(path)


def test_the_loader_refuses_a_slug_given_twice(tmp_path: Path) -> None:
    entry = {"slug": "a", "name": "LPSE A", "province": None}
    path = tmp_path / "lpse.yml"
    path.write_text(yaml.safe_dump({"lpse": [entry, entry]}), encoding="utf-8")
    with pytest.raises(ValueError, match="given twice"):
        lpse_registry.__wrapped__(path)


def test_area_data_must_name_the_known_provinces(tmp_path: Path) -> None:
    (tmp_path / "provinces.csv").write_text("code,name\n51,Bali\n", encoding="utf-8")
    (tmp_path / "regencies.csv").write_text(
        "code,province_code,name\n51.07,51,Kabupaten Karangasem\n", encoding="utf-8"
    )
    assert read_area_data(tmp_path) == {"kabupatenkarangasem": "Bali"}
    (tmp_path / "provinces.csv").write_text("code,name\n99,Atlantis\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Atlantis"):
        read_area_data(tmp_path)


def test_the_generator_adds_a_listed_host_once(tmp_path: Path) -> None:
    registry, hosts = tmp_path / "lpse.yml", tmp_path / "hosts.csv"
    registry.write_text("lpse: []\n", encoding="utf-8")
    hosts.write_text(
        "id_paket,id_lpse,nama_lpse,id,alamat_lpse\n"
        "1234051,51,LPSE Provinsi Bali,51,http://lpse.baliprov.go.id/eproc4\n",
        encoding="utf-8",
    )
    args = ["--hosts", str(hosts), "--registry", str(registry)]
    assert main([*args, "--check"]) == 1 and registry.read_text("utf-8") == "lpse: []\n"
    assert main(args) == 0
    assert lpse_registry.__wrapped__(registry)["baliprov"] == Lpse(
        "baliprov", "LPSE Provinsi Bali", "Pemerintah Provinsi Bali", "lpse.baliprov.go.id", WITA,
        "Bali", 51,
    )  # fmt: skip
    assert main([*args, "--check"]) == 0


def test_choosing_lpses() -> None:
    own = [{"slug": "sampel", "name": "LPSE Sampel", "timezone": "+08:00"}]
    chosen = choose_lpses("kemenkeu, sampel", own)
    assert [lpse.slug for lpse in chosen] == ["kemenkeu", "sampel"]
    assert chosen[1] == Lpse("sampel", "LPSE Sampel", timezone="+08:00")
    with pytest.raises(KeyError, match="unknown LPSE 'nowhere'"):
        choose_lpses(["nowhere"])
