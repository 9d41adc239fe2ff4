"""Source names become file names (job directories): only safe identifiers, and nothing
outside a directory the program made is ever removed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from archive.connection import open_archive
from procarchive.crawl import adhoc_sources, remove_job_dir, usable_job_dir
from scrapers.sources import SPIDERS, RegistryError, load_registry
from tests.conftest import procarchive

REGISTRY = """
sources:
  - name: {name!r}
    spider: article
    start_urls: ["http://127.0.0.1:9/"]
"""


def archive_folder(tmp_path: Path) -> Path:
    """A folder as an archive's looks after a resumed crawl: the database, WARCs, jobs."""
    folder = tmp_path / "archive"
    (folder / "warcs").mkdir(parents=True)
    (folder / ".jobs" / "lkpp_news").mkdir(parents=True)
    open_archive(folder / "archive.db").close()
    for name in ("warcs/a.warc.gz", ".jobs/lkpp_news/spider.state"):
        (folder / name).write_bytes(b"keep")
    return folder


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("url", ["http://../", "http://%2e%2e/"])
def test_an_adhoc_crawl_of_a_dotted_host_removes_nothing(tmp_path: Path, url: str) -> None:
    folder = archive_folder(tmp_path)
    before = files_in(folder)
    run = procarchive(
        "crawl", "--resume", "--start-url", url, "--db", str(folder / "archive.db"), cwd=tmp_path
    )
    assert files_in(folder) == before
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("procarchive: ") and "host" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("url", ["http://../", "http://./", "http://%2e%2e/"])
def test_a_host_that_is_not_a_host_name_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="host"):
        adhoc_sources([url])


def test_adhoc_names_are_the_host_when_it_is_safe() -> None:
    names = [s.name for s in adhoc_sources(["https://Example.go.id/a", "http://[::1]:8080/x"])]
    assert names[0] == "example.go.id"
    assert "/" not in names[1] and not names[1].startswith(".")


@pytest.mark.parametrize("name", ["../x", "..", ".", "a/b", "", ".hidden", "a\\b", "a\x00b"])
def test_the_registry_refuses_unsafe_names(tmp_path: Path, name: str) -> None:
    path = tmp_path / "sources.yml"
    path.write_text(REGISTRY.format(name=name), encoding="utf-8")
    with pytest.raises(RegistryError, match="name"):
        load_registry(path)


def test_the_registry_keeps_ordinary_names(tmp_path: Path) -> None:
    path = tmp_path / "sources.yml"
    path.write_text(REGISTRY.format(name="kab-bogor_wp.2"), encoding="utf-8")
    assert list(load_registry(path)) == ["kab-bogor_wp.2"]


def test_a_job_directory_outside_the_jobs_folder_is_never_removed(tmp_path: Path) -> None:
    folder = archive_folder(tmp_path)
    before = files_in(folder)
    with pytest.raises(ValueError, match="source name"):
        usable_job_dir(folder / "archive.db", "..")
    assert files_in(folder) == before


def test_a_symlinked_job_directory_is_not_followed(tmp_path: Path) -> None:
    folder = archive_folder(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "precious").write_bytes(b"keep")
    (folder / ".jobs" / "linked").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="symbolic link"):
        usable_job_dir(folder / "archive.db", "linked")
    assert (outside / "precious").read_bytes() == b"keep"


def test_one_host_is_one_source_however_spelt() -> None:
    (source,) = adhoc_sources(["http://Example.go.id./a", "http://example.go.id/b"])
    assert source.name == "example.go.id" and source.allowed_domains == ("example.go.id",)
    assert source.start_urls == ("http://Example.go.id./a", "http://example.go.id/b")


@pytest.mark.parametrize("url", ["http://[fe80::1%25eth0]/", f"http://{'a' * 60}.{'b' * 60}.id/"])
def test_a_host_that_cannot_name_a_source_is_refused_at_once(url: str) -> None:
    with pytest.raises(ValueError, match="host"):
        adhoc_sources([url])


def test_a_job_directory_procarchive_did_not_make_is_moved_aside_not_removed(
    tmp_path: Path,
) -> None:
    folder = archive_folder(tmp_path)
    stray = folder / ".jobs" / "warta_pbj"
    stray.mkdir()
    (stray / "notes.txt").write_bytes(b"keep")
    jobs = usable_job_dir(folder / "archive.db", "warta_pbj")
    assert jobs == stray and (jobs / ".procarchive-job").is_file()
    (aside,) = (folder / ".jobs").glob("warta_pbj.stale-*")
    assert (aside / "notes.txt").read_bytes() == b"keep"
    remove_job_dir(folder / "archive.db", "warta_pbj")  # made by procarchive: removed
    assert not jobs.exists() and aside.is_dir()


def test_the_registry_names_only_spiders_that_exist(tmp_path: Path) -> None:
    assert set(SpiderLoader.from_settings(get_project_settings()).list()) == SPIDERS
    path = tmp_path / "sources.yml"
    path.write_text(REGISTRY.format(name="x").replace("spider: article", "spider: artikel"))
    with pytest.raises(RegistryError, match="no spider 'artikel'"):
        load_registry(path)
    path.write_text(REGISTRY.format(name="x").replace("http://127.0.0.1:9/", "ftp://x/"))
    with pytest.raises(RegistryError, match="http"):
        load_registry(path)


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"article_links": "/read/(bu|s"}, "article_links: not a regular expression"),
        ({"listing_pages": {"pager": "[", "urls": []}}, "listing_pages.pager: not a regular"),
        ({"listing_pages": ["/berita"]}, "listing_pages takes {urls"),
        ({"discovery": ["sitemap"]}, "discovery: a list of sitemaps, feeds, listings"),
        ({"selectors": {"title": "h1"}}, "selectors: {title, body}"),
    ],
)
def test_news_options_are_checked_when_the_registry_is_read(
    tmp_path: Path, options: dict[str, object], problem: str
) -> None:
    registry = tmp_path / "sources.yml"
    entry = {
        "name": "site",
        "spider": "news",
        "start_urls": ["https://a.example/"],
        "options": options,
    }
    registry.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
    with pytest.raises(RegistryError, match=re.escape(problem)):
        load_registry(registry)
