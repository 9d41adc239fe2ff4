"""Politeness is the default, and the User-Agent says who we are and how to reach us."""

from __future__ import annotations

import importlib

import pytest

import scrapers.settings
from procarchive.crawl import project_settings


def test_polite_defaults() -> None:
    settings = project_settings(":memory:")
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 4
    assert settings.getint("CONCURRENT_ITEMS") == 1
    assert settings.getint("DOWNLOAD_MAXSIZE") > 0


def test_user_agent_names_the_contact_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROCARCHIVE_CONTACT_URL", "https://watchdog.example/contact")
    try:
        reloaded = importlib.reload(scrapers.settings)
        assert reloaded.USER_AGENT == "procarchive/0.1 (+https://watchdog.example/contact)"
    finally:
        monkeypatch.delenv("PROCARCHIVE_CONTACT_URL")
        importlib.reload(scrapers.settings)
