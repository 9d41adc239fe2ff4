"""`procarchive extract` against a crawl: a saved page gives the record the crawl stored for
it, through the same extractor, the same analysis and the same configured pipelines."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from archive.connection import open_archive
from procarchive.cli import main
from procarchive.crawl import project_settings
from procarchive.extract import extract_files
from procarchive.offline import offline_classes
from samples.server import SampleServer
from samples.sites import build_sites
from scrapers.sources import load_registry
from tests.conftest import FIXTURES, crawl, write_registry

PPS = FIXTURES / "lkpp_news" / "pps-korea-mou.html"
PPS_URL = "https://lkpp.go.id/berita/lkpp-dan-pps-korea-perpanjang-nota-kesepahaman"


def test_extract_gives_what_the_crawl_stored(tmp_path: Path) -> None:
    server = SampleServer(build_sites()).start()
    try:
        registry = write_registry(tmp_path / "sources.yml", server.urls, ("lkpp_news",))
        crawl(tmp_path, registry)
        db = open_archive(tmp_path / "archive.db", create=False)
        stored = {
            row["url"]: row
            for row in db.query(
                "SELECT url, lang, kind, agencies, length(text) AS chars FROM articles"
            )
        }
        assert len(stored) >= 5
        paths = []
        for index, url in enumerate(stored):
            path = tmp_path / f"page{index}.html"
            with urllib.request.urlopen(url, timeout=10) as page:
                path.write_bytes(page.read())
            paths.append(path)
    finally:
        server.stop()
    records = list(
        extract_files(paths, list(stored), load_registry(registry), project_settings("", {}))
    )
    for record in records:
        article = record["article"]
        row = stored[article["url"]]
        assert record["spider"] == "lkpp_news" and record["dropped"] is None  # stored: valid
        assert (article["lang"], article["kind"]) == (row["lang"], row["kind"])
        assert list(article["agencies"]) == json.loads(row["agencies"])
        assert len(article["text"]) == row["chars"]


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_the_min_text_setting_decides_extracts_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(PPS), "--url", PPS_URL]) == 0
    (record,) = lines(capsys)
    article = record["article"]
    assert isinstance(article, dict) and record["dropped"] is None
    chars = len(article["text"])
    too_long = f"PROCARCHIVE_MIN_TEXT_CHARS={chars + 1}"
    assert main(["extract", str(PPS), "--url", PPS_URL, "-s", too_long]) == 0
    assert lines(capsys)[0]["dropped"] == ["short_text"]
    assert (
        main(["extract", str(PPS), "--url", PPS_URL, "-s", f"PROCARCHIVE_MIN_TEXT_CHARS={chars}"])
        == 0
    )
    assert lines(capsys)[0]["dropped"] is None


def test_extract_runs_the_configured_pipelines_but_those_writing_the_archive() -> None:
    settings = project_settings("", {})
    configured = sorted(settings.getwithbase("ITEM_PIPELINES").items(), key=lambda kv: kv[1])
    names = [f"{cls.__module__}.{cls.__name__}" for cls in offline_classes(settings)]
    assert names == [
        path for path, _ in configured if "store" not in path and "notices" not in path
    ]
    settings.set("ITEM_PIPELINES", {"pipelines.normalize.NormalizePipeline": 10})
    assert [cls.__name__ for cls in offline_classes(settings)] == ["NormalizePipeline"]
