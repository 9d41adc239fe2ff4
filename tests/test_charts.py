"""The chart pages' charts are drawn at a readable size: datasette-vega's script, as the site
serves it, embeds its charts with vega-lite's view size set (datasette_plugins/vega_size.py)."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest

from datasette_plugins.vega_size import HEIGHT, SIZED_OPTIONS, WIDTH, WRITTEN_FOR
from tests.test_metadata import build_archive, fetch_all


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("charts") / "archive.db")


def test_the_installed_datasette_vega_is_the_one_the_size_was_written_for() -> None:
    assert version("datasette-vega") == WRITTEN_FOR  # else: check its embed call, then update


def test_a_chart_page_loads_datasette_vega_with_the_size(archive: Path) -> None:
    page = fetch_all(archive, ["/archive/articles_per_month"])["/archive/articles_per_month"]
    scripts = re.findall(r'src="(/-/static-plugins/datasette_vega/[^"]+\.js)"', page.text)
    assert scripts, "the chart page loads datasette-vega"
    served = fetch_all(archive, scripts)
    assert all(response.status_code == 200 for response in served.values())
    bodies = [response.text for response in served.values()]
    assert sum(body.count(SIZED_OPTIONS) for body in bodies) == 1
    assert f"width:{WIDTH},height:{HEIGHT}" in SIZED_OPTIONS and HEIGHT >= 300
    assert '{theme:"quartz",tooltip:!0}' not in "".join(bodies)


def test_other_static_files_are_served_as_they_are(archive: Path) -> None:
    page = fetch_all(archive, ["/archive/articles_per_month"])["/archive/articles_per_month"]
    (css,) = re.findall(r'href="(/-/static-plugins/datasette_vega/[^"]+\.css)"', page.text)
    response = fetch_all(archive, [css])[css]
    assert response.status_code == 200 and "vega" in response.text
