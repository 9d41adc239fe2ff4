"""Shared test helpers: paths, the real-data folder, sample servers, response builders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse

from samples.server import SampleServer
from samples.sites import serve_samples

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REALDATA = ROOT.parent / "shared" / "realdata"


def realdata(folder: str) -> Path:
    """A folder of ../shared/realdata, or skip the test with the reason."""
    path = REALDATA / folder
    if not path.is_dir():
        pytest.skip(
            f"real pages not available: {path} is absent (they live outside the repository)"
        )
    return path


def fake_response(
    url: str, body: bytes | str, callback: object = None, xml: bool = False
) -> TextResponse:
    """A response as the downloader would hand it to a callback."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    cls = XmlResponse if xml else HtmlResponse
    return cls(url=url, body=data, encoding="utf-8", request=Request(url, callback=callback))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def sample_sites() -> Iterator[SampleServer]:
    server = serve_samples()
    yield server
    server.stop()
