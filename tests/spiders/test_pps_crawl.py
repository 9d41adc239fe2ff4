"""pps_news crawled for real: the sample board (both boards, sessions in links and redirects)
served on an ephemeral port, crawled twice through the CLI into a temporary archive."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.connection import open_archive
from samples.pps_site import OLD_BOARD, PRESS, PressReleaseBoard, pps_releases
from samples.server import SampleServer
from tests.conftest import crawl, write_registry

LKPP_MOU = 171  # the old board's release with two attachments, the second lost


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    workdir = tmp_path_factory.mktemp("pps")
    with SampleServer({"pps": PressReleaseBoard(pps_releases())}) as server:
        registry = write_registry(workdir / "sources.yml", server.urls, only=("pps_news",))
        first = crawl(workdir, registry)
        second = crawl(workdir, registry)
        yield {"db": workdir / "archive.db", "base": server.urls["pps"], "runs": (first, second)}


def test_every_release_of_both_boards_is_archived_once_with_its_date_and_division(
    crawled: dict[str, Any],
) -> None:
    db = open_archive(crawled["db"], create=False)
    rows = {row["url"]: row for row in db["articles"].rows_where("source = 'pps_news'")}
    expected = {crawled["base"] + r.path: r for r in pps_releases()}
    assert rows.keys() == expected.keys() and db["articles"].count == len(expected)
    assert {r.board for r in expected.values()} == {PRESS, OLD_BOARD}
    for url, release in expected.items():
        row = rows[url]
        assert (row["title"], row["author"], row["lang"]) == (
            release.title,
            release.department,
            "en",
        )
        assert row["published_at"] == release.published.isoformat() + "+09:00"
    assert not any("jsessionid" in url for url in rows)


def test_the_boards_own_reading_read_every_list_page_and_release(crawled: dict[str, Any]) -> None:
    first, _ = crawled["runs"]
    (row,) = first["rows"]
    assert (row["status"], row["drift"]) == ("ok", None)
    health = json.loads(row["health"])
    assert health["articles"] == {"pps": len(pps_releases())}
    assert (health["listing_fallback"], health["listing_pages_empty"]) == (0, 0)
    per_board = {
        board: -(-sum(r.board == board for r in pps_releases()) // 10)
        for board in (PRESS, OLD_BOARD)
    }
    assert health["paths"]["listings"]["pages"] == sum(per_board.values())
    # The only errors: the last attachment of each release with several, which the board lost.
    lost = sum(1 for r in pps_releases() if len(r.attachments) > 1)
    assert json.loads(row["error_reasons"]) == {"failed/http_404": lost}


def test_second_crawl_finds_every_release_unchanged(crawled: dict[str, Any]) -> None:
    _, second = crawled["runs"]
    assert (second["items_new"], second["items_changed"]) == (0, 0)
    assert second["items_unchanged"] == len(pps_releases())
    db = open_archive(crawled["db"], create=False)
    assert db["articles"].count == len(pps_releases()) and db["article_versions"].count == 0


def test_attachments_are_fetched_read_and_linked_to_their_release(crawled: dict[str, Any]) -> None:
    db = open_archive(crawled["db"], create=False)
    (mou,) = db["articles"].rows_where("url like ?", [f"%boardSeqNo={LKPP_MOU}"])
    linked = db.execute(
        "select d.title, d.kind, d.problem, d.text from document_links l "
        "join documents d on d.url = l.document_url where l.parent_id = ? order by d.title",
        [mou["id"]],
    ).fetchall()
    assert [(title, kind, problem) for title, kind, problem, _ in linked] == [
        ("PPS-LKPP_Cooperation_Programme_2015-2017.pdf", "unknown", "http_404"),
        ("PPS-LKPP_MoU_Renewal_2015.pdf", "pdf", None),
    ]
    assert "LKPP" in linked[1][3]
    with_files = sum(1 for release in pps_releases() if release.attachments)
    parents = db.execute("select count(distinct parent_id) from document_links").fetchone()[0]
    assert parents == with_files


def test_crawl_records_the_lkpp_mou_renewal(crawled: dict[str, Any]) -> None:
    db = open_archive(crawled["db"], create=False)
    (mou,) = db["articles"].rows_where("url like ?", [f"%boardSeqNo={LKPP_MOU}"])
    assert "LKPP" in mou["text"] and mou["kind"] == "mou"
    parties = db.execute(
        "select agency from mou_parties where article_id = ? and role = 'party' order by agency",
        [mou["id"]],
    ).fetchall()
    assert [agency for (agency,) in parties] == ["LKPP", "PPS"]


def test_a_relaunched_board_is_still_archived_whole_and_says_how(tmp_path: Path) -> None:
    """The new board in another template (no board_list table, no "Label :" list): its
    releases come from the goView calls and are read generically, and the crawl counts both."""
    site = PressReleaseBoard(pps_releases())
    site.redesign()
    with SampleServer({"pps": site}) as server:
        registry = write_registry(tmp_path / "sources.yml", server.urls, only=("pps_news",))
        (row,) = crawl(tmp_path, registry)["rows"]
    db = open_archive(tmp_path / "archive.db", create=False)
    urls = {url for (url,) in db.execute("select url from articles")}
    assert urls == {server.urls["pps"] + r.path for r in pps_releases()}
    health = json.loads(row["health"])
    new, old = (sum(r.board == board for r in pps_releases()) for board in (PRESS, OLD_BOARD))
    assert health["articles"] == {"generic": new, "pps": old}
    assert health["listing_fallback"] == -(-new // 10)  # every list page of the new board
