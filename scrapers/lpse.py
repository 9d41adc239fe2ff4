"""The registry of LPSE instances (scrapers/data/lpse.yml): one `spse_notices` spider covers
any of them, chosen by slug."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LPSE_REGISTRY = Path(__file__).resolve().parent / "data" / "lpse.yml"


@dataclass(frozen=True)
class Lpse:
    slug: str
    name: str
    agency: str | None = None
    legacy_host: str | None = None
    timezone: str = "+07:00"


@cache
def lpse_registry(path: Path = LPSE_REGISTRY) -> dict[str, Lpse]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["lpse"]
    return {entry["slug"]: Lpse(**entry) for entry in entries}


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
