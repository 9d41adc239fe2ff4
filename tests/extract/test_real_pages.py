"""Extraction on real pages written by others, read from ../shared/realdata (never copied
into the repository); each test skips with the reason where that folder is absent."""

from __future__ import annotations

import gzip
import json
from datetime import datetime

from scrapers.extract.article import parse_item
from tests.conftest import realdata

# trafilatura.extract() with default options on extraction-dev: 381/389 must-have snippets
# kept, 364/387 must-not snippets dropped. We must do at least as well on both at once
# (measured with the crawl's code path: see the closing figures in the README).
KEPT_MIN = 381 / 389
DROPPED_MIN = 364 / 387


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_generic_extractor_on_blogger_and_wordpress_pages() -> None:
    folder = realdata("extraction-dev")
    evaldata = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    kept = total_with = dropped = total_without = 0
    for url, case in evaldata.items():
        html = gzip.decompress((folder / case["file"]).read_bytes())
        item = parse_item(html, url, "realdata")
        text = _norm(item.text) if item else ""
        kept += sum(_norm(s) in text for s in case["with"])
        total_with += len(case["with"])
        dropped += sum(_norm(s) not in text for s in case["without"])
        total_without += len(case["without"])
    assert kept / total_with >= KEPT_MIN, f"kept {kept}/{total_with}"
    assert dropped / total_without >= DROPPED_MIN, f"dropped {dropped}/{total_without}"


def test_publication_dates_of_indonesian_news_pages() -> None:
    folder = realdata("indonesian-news")
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    shown_at = {"health.detik.com-Stroke.html": "2023-11-02T20:59:53+07:00",
             "money.kompas.com-Menhub.html": "2023-11-02T21:34:19+07:00"}  # fmt: skip
    for url, case in truth.items():
        item = parse_item((folder / case["file"]).read_bytes(), url, "realdata")
        assert item is not None and item.published_at, url
        assert item.published_at[:10] == case["published"], url
        # the moment the page shows in WIB, at the offset its own stamp states (kompas: UTC)
        shown = datetime.fromisoformat(shown_at[case["file"]])
        assert datetime.fromisoformat(item.published_at) == shown, url
