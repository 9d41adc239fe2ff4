"""The OCDS 1.1.5 schema shipped in data/ocds (never fetched) and validation against it,
with the `$ref`s resolved locally and date-time and URI formats checked. The release schema
is read with the extensions the export uses (data/ocds/extensions/: bids) merged in, as
OCDS merges an extension: its release-schema.json is a JSON Merge Patch (RFC 7386)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "ocds"
SCHEMA_FILES = (
    "release-schema.json",
    "release-package-schema.json",
    "record-package-schema.json",
    "versioned-release-validation-schema.json",
)
# name -> the extension.json URL a package lists (the tag whose files data/ocds ships)
EXTENSIONS = {
    "bids": "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_bid_extension/v1.1.5/extension.json",
}


def validate_package(
    package: Mapping[str, Any], kind: Literal["release", "record"] = "release"
) -> list[str]:
    """Schema errors of a release or record package ("" path means the package itself);
    an empty list means valid."""
    errors = _validator(kind).iter_errors(package)
    return [f"{error.json_path}: {error.message}" for error in sorted(errors, key=_error_order)]


def load_schema(name: str) -> dict[str, Any]:
    """A copy of a shipped schema file (release-schema.json, ...)."""
    return copy.deepcopy(_schema(name))


FORMATS = FormatChecker(formats=())
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.fullmatch(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))  # 2026-02-30 raises ValueError
    return True


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path)) and " " not in value


@cache
def _schema(name: str) -> dict[str, Any]:
    loaded = _read(SCHEMA_DIR / name)
    if name == "release-schema.json":
        for extension in EXTENSIONS:
            loaded = _merge_patch(loaded, _read(SCHEMA_DIR / "extensions" / extension / name))
    return loaded


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def _merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, null removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = _merge_patch(merged.get(key), value)
    return merged


@cache
def _registry() -> Registry[Any]:
    """Every shipped schema under its own `id` URL, so `$ref`s resolve without a network."""
    resources = [Resource.from_contents(_schema(name)) for name in SCHEMA_FILES]
    return Registry().with_resources((resource.id() or "", resource) for resource in resources)


@cache
def _validator(kind: str) -> Draft4Validator:
    if kind not in ("release", "record"):
        raise ValueError(f"kind is 'release' or 'record', not {kind!r}")
    return Draft4Validator(
        _schema(f"{kind}-package-schema.json"), registry=_registry(), format_checker=FORMATS
    )


def _error_order(error: Any) -> str:
    return str(error.json_path)
