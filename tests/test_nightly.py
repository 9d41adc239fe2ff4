"""`procarchive nightly`: all sources, post-crawl steps, a summary and an honest exit code."""

from __future__ import annotations

from pathlib import Path

from archive.connection import open_archive
from samples.lkpp_site import AgencySite
from samples.server import SampleServer
from samples.sites import build_sites
from tests.conftest import write_registry
from tests.test_end_to_end import procarchive


def test_nightly_runs_and_flags_a_source_that_suddenly_yields_nothing(tmp_path: Path) -> None:
    with SampleServer(build_sites()) as server:
        registry = write_registry(tmp_path / "sources.yml", server.urls)
        args = ("nightly", "--registry", str(registry), "--db", str(tmp_path / "archive.db"))
        first = procarchive(*args, cwd=tmp_path)
        assert first.returncode == 0, first.stderr[-2000:]
        header = first.stdout.splitlines()[0].split()
        assert header == [
            "source",
            "status",
            "pages",
            "new",
            "changed",
            "same",
            "gone",
            "dropped",
            "errors",
            "seconds",
        ]
        agency = server.sites["lkpp"]
        assert isinstance(agency, AgencySite)
        agency.articles.clear()  # a redesign: the listing shows nothing any more
        agency.by_slug.clear()
        second = procarchive(*args, cwd=tmp_path)
    assert second.returncode == 1
    assert "failed: lkpp_news" in second.stdout
    assert "lkpp_news yielded no articles, though it usually does" in second.stderr
    db = open_archive(tmp_path / "archive.db", create=False)
    last = dict(db.execute("select source, finish_reason from crawls where id > 4").fetchall())
    assert last == {
        "lkpp_news": "yielded nothing",
        "catatan_pengadaan": "finished",
        "warta_pbj": "finished",
        "pbj_sleman": "finished",
    }
    assert db.execute("select count(*) from articles where gone_at is not null").fetchone()[0] == 0
    analysed = {row[0] for row in db.execute("select tbl from sqlite_stat1")}
    assert {"articles", "crawls"} <= analysed  # the post-crawl ANALYZE


def test_the_verdict_goes_to_the_night_s_own_crawl_row(tmp_path: Path) -> None:
    """A crawl of the source started after the night's (another process, once the lock was
    free) keeps its own status: the verdict names the night's row by its id."""
    from procarchive.crawl import CrawlResult
    from procarchive.nightly import flag_empty

    db = open_archive(tmp_path / "archive.db")
    rows = [("ok", 12), ("ok", 9), ("ok", 11), ("ok", 0), ("running", 0)]
    for status, new in rows:
        db.table("crawls").insert({"run_id": "r", "source": "lkpp_news", "spider": "lkpp_news",
                             "status": status, "items_new": new, "items_changed": 0,
                             "items_unchanged": 0})  # fmt: skip
    night = CrawlResult("lkpp_news", "ok", pages_fetched=5, crawl_id=4)
    flagged = flag_empty(db, night)
    assert (flagged.status, flagged.finish_reason) == ("failed", "yielded nothing")
    statuses = [row[0] for row in db.execute("SELECT status FROM crawls ORDER BY id")]
    assert statuses == ["ok", "ok", "ok", "failed", "running"]
    db.close()
