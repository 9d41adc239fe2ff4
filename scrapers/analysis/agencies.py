"""Organisations named in a text, by the gazetteer: scrapers/data/agencies.yml (ministries,
agencies and others) and the governments of Indonesia's areas (scrapers/analysis/areas.py)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from scrapers.analysis.areas import government_entries

GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "agencies.yml"
# Korean writes its particles onto the name ("조달청은", "조달청과"): a name in Hangul ends
# before one of them as before a space.
PARTICLES = "과의|와의|은|는|이|가|과|와|의|을|를|에서|에|도|으로|로|측"
END = rf"(?:(?![\w-])|(?<=[가-힣])(?=(?:{PARTICLES})(?![가-힣])))"


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


def agency_table(entries: list[dict[str, object]]) -> dict[str, Agency]:
    return {
        str(e["name"]): Agency(str(e["name"]), str(e["full"]), str(e["country"]), str(e["type"]))
        for e in entries
    }


class Gazetteer:
    def __init__(self, entries: list[dict[str, object]]) -> None:
        self.agencies = agency_table(entries)
        alias_to_name: dict[str, str] = {}
        self.ambiguous: dict[str, tuple[str, list[str]]] = {}
        for entry in entries:
            name = str(entry["name"])
            for alias in [name, str(entry["full"]), *entry.get("aliases", [])]:  # type: ignore[misc]
                alias_to_name.setdefault(str(alias), name)
                # a ministry's head by its name: Kementerian Keuangan, Menteri Keuangan
                if str(alias).startswith("Kementerian "):
                    alias_to_name.setdefault(
                        "Menteri " + str(alias).removeprefix("Kementerian "), name
                    )
            for alias in entry.get("ambiguous", []):  # type: ignore[attr-defined]
                self.ambiguous[str(alias)] = (name, [str(c) for c in entry.get("context", [])])  # type: ignore[attr-defined]
        self.by_alias = {**alias_to_name, **{a: n for a, (n, _) in self.ambiguous.items()}}
        # Longest alias first, so "Pemerintah Provinsi Jawa Barat" wins over "Jawa Barat".
        self.pattern = re.compile(r"(?<![\w-])(" + _trie(self.by_alias) + ")" + END)
        self.lower = {
            alias.lower(): name for alias, name in alias_to_name.items() if len(alias) > 5
        }
        self.lower_pattern = re.compile(
            r"(?<![\w-])(" + _trie(self.lower) + ")" + END, re.IGNORECASE
        )
        # Names that may follow a mention of the same type in a list: "Pemerintah Provinsi
        # Papua Tengah, Papua Selatan dan Papua Barat Daya" names three provinces.
        listed: dict[str, dict[str, str]] = {}
        for entry in entries:
            for alias in entry.get("listed", []):  # type: ignore[attr-defined]
                listed.setdefault(str(entry["type"]), {}).setdefault(str(alias), str(entry["name"]))
        self.listed = listed
        self.list_patterns = {
            kind: re.compile(r"(?:\s*,\s*(?:(?:dan|and|serta)\s+)?|\s+(?:dan|and|serta)\s+)("
                             + _trie(names) + r")(?![\w-])")
            for kind, names in listed.items()
        }  # fmt: skip

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
        for mention in list(found.values()):
            kind = self.agencies[mention.agency].type
            pattern, end = self.list_patterns.get(kind), mention.end
            while pattern and (item := pattern.match(text, end)) and item.start(1) not in found:
                found[item.start(1)] = Mention(
                    self.listed[kind][item[1]], item.start(1), item.end()
                )
                end = item.end()
        return [found[start] for start in sorted(found)]

    def count(self, text: str) -> Counter[str]:
        return Counter(m.agency for m in self.mentions(text))


def _trie(words: Iterable[str]) -> str:
    """One regular expression for many literal words, as a trie: the engine follows one path
    per position instead of trying every word (the gazetteer holds thousands of aliases).
    Longer words are tried first, as a longest-first alternation would. A run of letters
    with one way on is written as it is, not a group a letter: compiling is a tenth."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = []
        for char, child in sorted(node.items()):
            if not char:
                continue
            run = re.escape(char)
            while len(child) == 1 and "" not in child:  # one way on: a literal run
                ((char, child),) = child.items()
                run += re.escape(char)
            branches.append(run + pattern(child))
        if not branches:
            return ""
        if "" not in node:
            return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{'|'.join(branches)})?"

    return pattern(root)


@cache
def _entries() -> list[dict[str, object]]:
    entries = yaml.safe_load(GAZETTEER.read_text(encoding="utf-8"))
    return [*entries, *government_entries()]


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer(_entries())


@cache
def listed_agencies() -> tuple[Agency, ...]:
    """The gazetteer's organisations (gazetteer().agencies) without compiling its patterns,
    a second of CPU that the crawl's thread, which only writes them to the archive, spares."""
    return tuple(agency_table(_entries()).values())
