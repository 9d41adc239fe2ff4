"""Every saved page under tests/fixtures/<spider>/ parsed and compared with its snapshot.

`make snapshots` (PROCARCHIVE_UPDATE_SNAPSHOTS=1) rewrites the .expected.json files; review
the diff before committing it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest
from itemadapter import ItemAdapter

from pipelines.validate import problems
from scrapers.extract import blogger, lkpp
from scrapers.extract.extractors import read_only, template_for
from scrapers.extract.feeds import FeedError
from scrapers.sources import Source
from tests.conftest import FIXTURES

UPDATE = os.environ.get("PROCARCHIVE_UPDATE_SNAPSHOTS") == "1"
PAGES = sorted(
    p for p in FIXTURES.glob("*/*") if p.suffix in (".html", ".xml") and ".expected" not in p.name
)


def parse_fixture(path: Path, url: str) -> Any:
    spider = path.parent.name
    body = path.read_bytes()
    if path.name.endswith(".listing.html"):
        return dataclasses.asdict(lkpp.parse_listing(body.decode("utf-8"), url))
    if path.name.endswith(".feed.xml"):
        try:
            return dataclasses.asdict(blogger.parse_feed_page(body, url, 5))
        except FeedError as exc:
            return {"error": str(exc)}
    source = Source(spider, spider, (url,), ())
    item = read_only(template_for(spider), body.decode("utf-8"), url, source, None).item
    if item is None:
        return None
    return {"item": dataclasses.asdict(item), "dropped": problems(ItemAdapter(item), 200) or None}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_matches_snapshot(page: Path) -> None:
    stem = page.name.rsplit(".", 1)[0]
    meta = json.loads((page.parent / f"{stem}.meta.json").read_text(encoding="utf-8"))
    parsed = json.loads(json.dumps(parse_fixture(page, meta["url"])))  # tuples as lists
    expected_path = page.parent / f"{stem}.expected.json"
    if UPDATE or not expected_path.exists():
        expected_path.write_text(
            json.dumps(parsed, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if not UPDATE:
            pytest.fail(f"new snapshot written to {expected_path.name}: review it and run again")
    assert parsed == json.loads(expected_path.read_text(encoding="utf-8"))
