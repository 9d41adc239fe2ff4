"""Organisations named in a text, by the gazetteer in scrapers/data/agencies.yml."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "agencies.yml"


@dataclass(frozen=True)
class Agency:
    name: str
    full: str
    country: str
    type: str


@dataclass(frozen=True)
class Mention:
    agency: str
    start: int
    end: int


class Gazetteer:
    def __init__(self, entries: list[dict[str, object]]) -> None:
        self.agencies = {
            str(e["name"]): Agency(
                str(e["name"]), str(e["full"]), str(e["country"]), str(e["type"])
            )
            for e in entries
        }
        alias_to_name: dict[str, str] = {}
        self.ambiguous: dict[str, tuple[str, list[str]]] = {}
        for entry in entries:
            name = str(entry["name"])
            for alias in [name, str(entry["full"]), *entry.get("aliases", [])]:  # type: ignore[misc]
                alias_to_name.setdefault(str(alias), name)
            for alias in entry.get("ambiguous", []):  # type: ignore[attr-defined]
                self.ambiguous[str(alias)] = (name, [str(c) for c in entry.get("context", [])])  # type: ignore[attr-defined]
        self.by_alias = {**alias_to_name, **{a: n for a, (n, _) in self.ambiguous.items()}}
        # Longest alias first, so "Pemerintah Provinsi Jawa Barat" wins over "Jawa Barat".
        aliases = sorted(self.by_alias, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?<![\w-])(" + "|".join(map(re.escape, aliases)) + r")(?![\w-])"
        )
        self.lower = {
            alias.lower(): name for alias, name in alias_to_name.items() if len(alias) > 5
        }
        self.lower_pattern = re.compile(
            r"(?<![\w-])("
            + "|".join(map(re.escape, sorted(self.lower, key=len, reverse=True)))
            + r")(?![\w-])",
            re.IGNORECASE,
        )

    def mentions(self, text: str) -> list[Mention]:
        """Every mention, left to right. Acronyms match by case; long names in any case."""
        found: dict[int, Mention] = {}
        for match in self.pattern.finditer(text):
            alias = match.group(1)
            if alias in self.ambiguous:
                _, context = self.ambiguous[alias]
                if not any(c in text for c in context):
                    continue
            found[match.start()] = Mention(self.by_alias[alias], match.start(), match.end())
        for match in self.lower_pattern.finditer(text):
            if not any(m.start <= match.start() < m.end for m in found.values()):
                found[match.start()] = Mention(
                    self.lower[match.group(1).lower()], match.start(), match.end()
                )
        return [found[start] for start in sorted(found)]

    def count(self, text: str) -> Counter[str]:
        return Counter(m.agency for m in self.mentions(text))


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer(yaml.safe_load(GAZETTEER.read_text(encoding="utf-8")))
