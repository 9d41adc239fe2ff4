"""The source registry (sources.yml): one entry a site, read by the spiders and the CLI.

Adding a Blogger or WordPress mirror is an entry, not code. The sample registry uses
placeholders such as "{lkpp}" for the base URL of a bundled sample site.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
LIVE_REGISTRY = Path(os.environ.get("PROCARCHIVE_REGISTRY") or ROOT / "sources.yml")
SAMPLE_REGISTRY = ROOT / "sources.samples.yml"


# The spiders of scrapers/spiders/ (tests check that these are all of them).
SPIDERS = frozenset(
    {
        "lkpp_news",
        "pps_news",
        "news",
        "spse_notices",
        "spse3_notices",
        "blogger_mirror",
        "wordpress_mirror",
        "article",
    }
)
# A source's name is also a file name (its job directory, its WARC files): a safe identifier.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


class RegistryError(ValueError):
    pass


def is_safe_name(name: object) -> bool:
    return isinstance(name, str) and SAFE_NAME.fullmatch(name) is not None


def in_domains(url: str, domains: Sequence[str]) -> bool:
    """Is the URL's host one of the domains or under one (as Scrapy's offsite filter reads
    allowed_domains: ports aside)?"""
    host = host_of(url)
    return bool(host) and any(host == d or host.endswith(f".{d}") for d in map(str.lower, domains))


@lru_cache(maxsize=8192)
def host_of(url: str) -> str:
    """The URL's host, lowercased (remembered: a listing's pager names the same few hundred
    pages on every page of it)."""
    return (urlsplit(url).hostname or "").lower()


def name_for_host(host: str | None) -> str:
    """An ad-hoc source's name: its host, when that is a host name or an IP address."""
    host = (host or "").lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host and all(HOST_LABEL.fullmatch(label) for label in host.split(".")):
            return host
        raise ValueError(f"not a host name: {host!r}") from None
    return f"ipv6_{address.compressed.replace(':', '_')}" if address.version == 6 else host


@dataclass(frozen=True)
class Source:
    name: str
    spider: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    country: str = "ID"
    language: str = "id"
    kind: str = "agency"
    timezone: str | None = "+07:00"  # of times a page writes without one; None: unknown
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    budget: dict[str, int] = field(default_factory=dict)  # overrides of scrapers/budget.py


def load_registry(
    path: Path = LIVE_REGISTRY, base_urls: dict[str, str] | None = None
) -> dict[str, Source]:
    """Sources by name. `base_urls` fills "{name}" placeholders (the sample sites)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RegistryError(f"cannot read source registry {path}: {exc}") from exc
    known = {f.name for f in fields(Source)}
    sources: dict[str, Source] = {}
    for entry in raw.get("sources", []):
        entry = fill_placeholders(entry, base_urls or {})
        unknown = set(entry) - known
        if unknown or not {"name", "spider", "start_urls"} <= set(entry):
            raise RegistryError(
                f"{path}: bad entry {entry.get('name', entry)!r}: unknown {sorted(unknown)} or missing name/spider/start_urls"
            )
        if not is_safe_name(entry["name"]):
            raise RegistryError(
                f"{path}: bad source name {entry['name']!r}: letters, digits, '_', '.' and '-' "
                "only, starting with a letter or digit"
            )
        if entry["spider"] not in SPIDERS:
            raise RegistryError(
                f"{path}: source {entry['name']!r}: no spider {entry['spider']!r} "
                f"(one of {', '.join(sorted(SPIDERS))})"
            )
        entry["start_urls"] = tuple(entry["start_urls"])
        if not entry["start_urls"] or any(
            not isinstance(u, str)
            or (urlsplit(u).scheme not in ("http", "https") and not u.startswith("{"))
            for u in entry["start_urls"]  # "{lkpp}/berita": a sample site's, filled later
        ):
            raise RegistryError(
                f"{path}: source {entry['name']!r}: start_urls must be http(s) URLs"
            )
        problem = news_options_problem(entry.get("options") or {}) or budget_problem(
            entry.get("budget") or {}
        )
        if problem:
            raise RegistryError(f"{path}: source {entry['name']!r}: {problem}")
        entry["allowed_domains"] = tuple(
            entry.get("allowed_domains") or {urlsplit(u).hostname for u in entry["start_urls"]}
        )
        sources[entry["name"]] = Source(**entry)
    return sources


BUDGET_NAMES = ("pages", "new_articles", "listing_depth")


def budget_problem(budget: Any) -> str | None:
    if not isinstance(budget, dict) or set(budget) - set(BUDGET_NAMES):
        return f"budget takes {{{', '.join(BUDGET_NAMES)}}}"
    bad = [k for k, v in budget.items() if not isinstance(v, int) or isinstance(v, bool) or v < 1]
    return f"budget.{bad[0]}: a whole number above 0" if bad else None


NEWS_PATHS = ("sitemaps", "feeds", "listings")
SELECTOR_FIELDS = frozenset({"title", "body", "date", "author"})


def news_options_problem(options: dict[str, Any]) -> str | None:
    """What is wrong with a news source's discovery options, said before any crawl starts."""
    listing = options.get("listing_pages") or {}
    if not isinstance(listing, dict) or set(listing) - {"urls", "pager"}:
        return "listing_pages takes {urls: [...], pager: regex}"
    for name, raw in (
        ("article_links", options.get("article_links")),
        ("listing_pages.pager", listing.get("pager")),
    ):
        if raw is None:
            continue
        try:
            re.compile(raw)
        except (re.error, TypeError) as exc:
            return f"{name}: not a regular expression: {raw!r} ({exc})"
    chosen = options.get("discovery")
    if chosen is not None and (not isinstance(chosen, list) or set(chosen) - set(NEWS_PATHS)):
        return f"discovery: a list of {', '.join(NEWS_PATHS)}"
    selectors = options.get("selectors")
    if selectors is not None and (
        not isinstance(selectors, dict)
        or set(selectors) - SELECTOR_FIELDS
        or not {"title", "body"} <= set(selectors)
    ):
        return "selectors: {title, body} CSS selectors, and optionally date and author"
    return None


class _KeepMissing(dict[str, str]):
    """Placeholders without a value stay as written (a registry read for names and kinds)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_placeholders(value: Any, base_urls: dict[str, str]) -> Any:
    if isinstance(value, str) and "{" in value:
        return value.format_map(_KeepMissing(base_urls))
    if isinstance(value, list):
        return [fill_placeholders(v, base_urls) for v in value]
    if isinstance(value, dict):
        return {k: fill_placeholders(v, base_urls) for k, v in value.items()}
    return value
