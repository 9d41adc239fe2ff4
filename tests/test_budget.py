"""The pieces of scrapers/budget.py: URL shapes, same text, budgets from settings and the
registry."""

from __future__ import annotations

from scrapy.settings import Settings

from scrapers.budget import Budget, similar, text_shingles, url_shape


def test_a_shape_is_the_url_with_its_numbers_as_n() -> None:
    assert url_shape("https://a.id/agenda/2026/12/03") == url_shape("https://a.id/agenda/2027/1/9")
    assert url_shape("https://a.id/x?page=2&m=1") == url_shape("https://a.id/x?m=1&page=31")
    assert url_shape("https://a.id/read/bu/satu") != url_shape("https://a.id/read/bu/dua")
    assert url_shape("https://a.id/x?page=2") != url_shape("https://b.id/x?page=2")


def test_texts_that_differ_only_in_numbers_are_the_same() -> None:
    day = "Tidak ada agenda pengadaan pada tanggal {} Desember. Silakan kembali lagi nanti."
    assert similar(text_shingles(day.format(3)), text_shingles(day.format(24)))
    other = "Lelang ulang paket jalan provinsi diumumkan setelah sanggah banding ditolak pokja."
    assert not similar(text_shingles(day.format(3)), text_shingles(other))


def test_a_sources_budget_overrides_the_settings() -> None:
    settings = Settings()
    settings.setmodule("scrapers.settings")
    assert Budget.of(settings, {}).new_articles == 5000
    budget = Budget.of(settings, {"new_articles": 30, "listing_depth": 4})
    assert (budget.pages, budget.new_articles, budget.listing_depth) == (50000, 30, 4)
    assert (budget.stale_pages, budget.same_text) == (5, 10)
