"""One MoU signing, one record: reports grouped by repost links and by date and parties."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archive.connection import open_archive
from procarchive.linking.signings import group_signings, same_parties

SEEN = {"content_hash": "h", "first_seen_at": "2026-06-01", "last_seen_at": "2026-06-01"}


def report(db: Any, article: str, published: str, signed_on: str | None, *parties: str,
           mirror_of: str | None = None, source: str = "lkpp_news", place: str | None = None,
           renewal: int = 0) -> None:  # fmt: skip
    db["articles"].insert(
        {"id": article, "url": f"https://x.test/{article}", "source": source, "kind": "mou",
         "title": article, "published_at": published, "mirror_of": mirror_of, **SEEN}
    )  # fmt: skip
    db["mous"].insert(
        {"article_id": article, "signed_on": signed_on, "place": place, "renewal": renewal,
         "year": int((signed_on or published)[:4])}
    )  # fmt: skip
    db["mou_parties"].insert_all(
        {"article_id": article, "agency": party, "role": "party"} for party in parties
    )


def test_reposts_and_the_partners_release_are_one_signing(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "archive.db")
    # The 2015 renewal: LKPP's news, a blog's repost (which misses the place), PPS's release.
    report(db, "lkpp", "2015-10-02T16:40:00+07:00", "2015-10-02", "LKPP", "PPS",
           place="Jakarta", renewal=1)  # fmt: skip
    report(db, "blog", "2015-10-03T08:15:00+07:00", "2015-10-02", "LKPP", "PPS",
           mirror_of="lkpp", source="catatan_pengadaan")  # fmt: skip
    report(db, "pps", "2015-10-05T14:20:31+09:00", "2015-10-02", "PPS", "lkpp", source="pps_news")
    # A repost whose date was not read still joins its original.
    report(db, "kpk", "2015-03-12T14:20:00+07:00", "2015-03-11", "LKPP", "KPK")
    report(db, "kpk-blog", "2015-03-13T21:05:00+07:00", None, "LKPP", mirror_of="kpk")
    # Same day, other parties: another signing; undated, not a repost: its own.
    report(db, "bpkp", "2015-10-02T10:00:00+07:00", "2015-10-02", "LKPP", "BPKP")
    report(db, "mongolia", "2015-06-23T15:30:08+09:00", None, "PPS", source="pps_news")
    report(db, "ecuador", "2017-06-13T16:50:11+09:00", None, "PPS", source="pps_news")

    assert group_signings(db) == 5
    signings = {row["id"]: row for row in db["mou_signings"].rows}
    assert set(signings) == {"lkpp", "kpk", "bpkp", "mongolia", "ecuador"}
    renewal = signings["lkpp"]
    assert json.loads(renewal["report_ids"]) == ["lkpp", "pps", "blog"]  # reposts last
    assert (renewal["reports"], renewal["place"], renewal["renewal"]) == (3, "Jakarta", 1)
    assert (renewal["parties"], renewal["signed_on"]) == ("LKPP; PPS", "2015-10-02")
    assert signings["kpk"]["reports"] == 2 and signings["mongolia"]["reports"] == 1
    by_article = dict(db.execute("select article_id, signing_id from mous").fetchall())
    assert by_article["blog"] == by_article["pps"] == "lkpp" and by_article["kpk-blog"] == "kpk"
    overview = db.execute("select signing_id from mou_overview where article_id = 'pps'")
    assert overview.fetchone()[0] == "lkpp"
    by_year = dict(db.execute("select year, count(*) from mou_signings group by year").fetchall())
    assert by_year == {2015: 4, 2017: 1}

    # Rebuilt whole: run again, the same records; a report gone from mous leaves its signing.
    assert group_signings(db) == 5
    db.execute("delete from mou_parties where article_id = 'pps'")
    db.execute("delete from mous where article_id = 'pps'")
    group_signings(db)
    (ids,) = db.execute("select report_ids from mou_signings where id = 'lkpp'").fetchone()
    assert json.loads(ids) == ["lkpp", "blog"]


def test_parties_match_in_any_case_two_shared_or_the_only_one() -> None:
    assert same_parties(["LKPP", "PPS"], ["pps", "lkpp", "KOICA"])
    assert same_parties(["PPS"], ["PPS", "LKPP"])
    assert not same_parties(["LKPP", "BPKP"], ["LKPP", "KPK"])
    assert not same_parties([], ["LKPP"])
