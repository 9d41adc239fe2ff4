"""Articles linked to the notices they name: package code, RUP code, the full name."""

from __future__ import annotations

from archive.connection import open_archive
from archive.notices import write_notices
from procarchive.linking.notices import link_notices
from tests.pipelines.test_notice_writes import notice

NAME = "Pembangunan Jalan Lingkar Utara Ruas II"


def add_article(db: object, identifier: str, text: str) -> None:
    db["articles"].insert(  # type: ignore[index]
        {"id": identifier, "url": f"https://news.test/{identifier}", "source": "news",
         "title": "Berita", "text": text, "content_hash": str(hash(text)),
         "first_seen_at": "2026-05-01", "last_seen_at": "2026-05-01"}
    )  # fmt: skip


def links(db: object) -> set[tuple[str, str, str]]:
    rows = db.execute("SELECT article_id, notice_id, matched_on FROM article_notices")  # type: ignore[attr-defined]
    return set(rows.fetchall())


def test_articles_before_and_after_the_notice_are_linked() -> None:
    db = open_archive(":memory:")
    add_article(db, "early", f"Dinas Bina Marga menyiapkan tender {NAME.lower()} tahun ini.")
    add_article(db, "code", "Kode tender 10012345 sudah tayang di LPSE (nilai 1.200.000.000).")
    add_article(db, "noise", "Nomor 100123456 dan 10.012.345 bukan kode paket. Jalan Lingkar.")
    link_notices(db)  # no notices yet: the articles are read, nothing to link
    write_notices(db, [notice()], 1)
    first = link_notices(db)
    add_article(db, "later", f"Paket {NAME} (RUP 41234567) dimenangkan PT Beton Lestari Abadi.")
    second = link_notices(db)
    identifier = "jatengprov-tender-10012345"
    assert links(db) == {
        ("early", identifier, "name"),
        ("code", identifier, "package_code"),
        ("later", identifier, "rup_code"),
    } | ({("later", identifier, "name")} & links(db))
    assert (first.notices_scanned, second.articles_scanned, second.notices_scanned) == (1, 1, 0)
    assert link_notices(db).linked == 0  # nothing new: nothing read again
