"""The archive site in headless Chromium: one real crawl of the sample sites, one Datasette
served as `procarchive serve` serves it, one browser for the session. A failing test leaves a
screenshot and the page's HTML in test-artifacts/browser/."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from procarchive.serve import datasette_command
from samples.sites import SAMPLE_PORTS
from tests.conftest import ROOT

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,1024",
)  # fmt: skip
CRAWL_ATTEMPTS = 3
PORTS_TIMEOUT = 300  # other test runs may hold the sample ports for a whole crawl
SERVER_TIMEOUT = 60


@dataclass(frozen=True)
class ArchiveSite:
    """A crawled archive and the Datasette that serves it."""

    db_path: Path
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="session", autouse=True)
def chromium_available() -> None:
    """Skip, saying why, before any crawl when there is no browser to drive."""
    pytest.importorskip("selenium", reason="selenium is not installed (pip install -e .[test])")
    for binary, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not binary.is_file():
            pytest.skip(f"{binary} is absent: install Debian's {package} package (.ci/run does)")


def sample_ports_free() -> bool:
    for port in SAMPLE_PORTS.values():
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def wait_for_sample_ports(timeout: float = PORTS_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not sample_ports_free():
        if time.monotonic() > deadline:
            pytest.fail(f"the sample ports {sorted(SAMPLE_PORTS.values())} stayed busy")
        time.sleep(1)


def crawl_samples(db_path: Path) -> None:
    """`procarchive crawl --samples`, retried when another run holds the fixed sample ports."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PROCARCHIVE_STRICT": "0"}
    command = [sys.executable, "-m", "procarchive.cli", "crawl", "--samples", "--db", str(db_path)]
    for attempt in range(1, CRAWL_ATTEMPTS + 1):
        wait_for_sample_ports()
        run = subprocess.run(
            command, cwd=db_path.parent, env=env, capture_output=True, text=True, timeout=600
        )
        if run.returncode == 0:
            return
        if "Address already in use" not in run.stderr or attempt == CRAWL_ATTEMPTS:
            pytest.fail(f"the sample crawl failed:\n{run.stderr[-3000:]}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(server: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"Datasette exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base_url + "/-/versions.json", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"Datasette did not answer at {base_url} within {SERVER_TIMEOUT}s")


@pytest.fixture(scope="session")
def archive_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArchiveSite]:
    workdir = tmp_path_factory.mktemp("browser-archive")
    db_path = workdir / "archive.db"
    crawl_samples(db_path)
    port = free_port()
    log = workdir / "datasette.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            datasette_command(db_path, port), cwd=workdir, stdout=output, stderr=subprocess.STDOUT
        )
    site = ArchiveSite(db_path, f"http://127.0.0.1:{port}")
    try:
        wait_until_serving(server, site.base_url, log)
        yield site
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def download_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory, download_dir: Path) -> Iterator[WebDriver]:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(download_dir), "download.prompt_for_download": False},
    )
    # An explicit driver path: selenium-manager never runs, so nothing is downloaded.
    service = Service(str(CHROMEDRIVER))
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except WebDriverException as error:
        pytest.skip(f"Chromium could not start: {error.msg or error}")
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def save_failure_artifacts(driver: WebDriver, test_name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name)
    driver.save_screenshot(str(stem.with_suffix(".png")))
    stem.with_suffix(".html").write_text(driver.page_source, encoding="utf-8")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    driver = getattr(item, "funcargs", {}).get("browser")
    if report.failed and report.when == "call" and driver is not None:
        try:
            save_failure_artifacts(driver, item.name)
        except Exception as error:  # a dead browser must not hide the test's own failure
            report.sections.append(("browser artifacts", f"not saved: {error!r}"))
    return report
