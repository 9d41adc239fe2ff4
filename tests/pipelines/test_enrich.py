"""Normalize and validation pipelines, and the language an article's analysis finds."""

from __future__ import annotations

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from archive.ids import article_id
from pipelines.normalize import NormalizePipeline
from pipelines.validate import InvalidItem, ValidatePipeline
from scrapers.analysis.article import analyse
from scrapers.analysis.language import detect_language
from scrapers.items import ArticleItem

INDONESIAN = "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah menandatangani nota kesepahaman dengan mitra."
ENGLISH = "The Public Procurement Service signed a memorandum of understanding with its Indonesian partner."


def test_id_ignores_fragment_query_order_and_trailing_slash() -> None:
    assert article_id("https://lkpp.go.id/berita/a/?b=2&a=1#top") == article_id(
        "https://lkpp.go.id/berita/a?a=1&b=2"
    )
    assert article_id("https://lkpp.go.id/berita/a") != article_id("https://lkpp.go.id/berita/b")


def test_normalize_tidies_and_hashes_content() -> None:
    item = NormalizePipeline().process_item(
        ArticleItem(
            url="https://x.id/a", source="s", title="  Judul \n baru ", text="a  b\n\n\n\n c "
        )
    )
    assert (item.title, item.text) == ("Judul baru", "a b\n\nc")
    same = NormalizePipeline().process_item(
        ArticleItem(url="https://x.id/b", source="t", title="Judul baru", text="a b\n\nc")
    )
    assert item.content_hash == same.content_hash  # content, not location, is hashed


@pytest.mark.parametrize(("text", "lang"), [(INDONESIAN, "id"), (ENGLISH, "en"), ("12 34", None)])
def test_language_is_detected_deterministically(text: str, lang: str | None) -> None:
    assert {detect_language(None, text) for _ in range(5)} == {lang}


def test_analysis_sets_lang_kind_and_agencies() -> None:
    item = analyse(ArticleItem(url="u", source="s", title="Berita", text=INDONESIAN))
    assert item.lang == "id" and item.kind == "mou" and item.agencies == {"LKPP": 1}


def make_validator(strict: bool = False) -> tuple[ValidatePipeline, object]:
    crawler = get_crawler(Spider, {"PROCARCHIVE_STRICT": strict, "PROCARCHIVE_MIN_TEXT_CHARS": 50})
    crawler.stats.open_spider()
    return ValidatePipeline.from_crawler(crawler), crawler.stats


def test_invalid_items_are_dropped_with_counted_reasons() -> None:
    validator, stats = make_validator()
    with pytest.raises(DropItem, match="no_title, short_text"):
        validator.process_item(ArticleItem(url="https://x.id/a", source="s", text="pendek"))
    assert stats.get_value("procarchive/dropped/no_title") == 1  # type: ignore[attr-defined]
    assert stats.get_value("procarchive/dropped/short_text") == 1  # type: ignore[attr-defined]
    good = ArticleItem(url="https://x.id/a", source="s", title="Judul", text=INDONESIAN)
    assert validator.process_item(good) is good
    assert stats.get_value("procarchive/warnings/no_date") == 1  # type: ignore[attr-defined]


def test_strict_mode_raises() -> None:
    validator, _ = make_validator(strict=True)
    with pytest.raises(InvalidItem):
        validator.process_item(ArticleItem(url="https://x.id/a", source="s", text=""))
