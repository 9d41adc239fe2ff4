"""Articles linked to the notices they name: by package code (kode tender / kode paket), by
RUP code, or by the package's full name.

Run after every crawl on what is new: articles not read since their content changed are
scanned for codes and names; notices new or renamed are searched for in the articles' index.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive.links import write_notice_links

CODE = re.compile(r"(?<![\d.,])\d{8,12}(?![\d.,])")
WORD = re.compile(r"\w+")
NAME_KEY_WORDS = 3  # a name is looked up by its first words, then compared whole
MIN_NAME_WORDS = 5  # shorter names ("Belanja Modal Gedung") are too common to link by


@dataclass(frozen=True)
class NoticeLinks:
    articles_scanned: int
    notices_scanned: int
    linked: int


def link_notices(db: Database) -> NoticeLinks:
    found: dict[tuple[str, str], tuple[str, str]] = {}
    articles = list(
        db.query(
            "SELECT rowid, id, title, text, content_hash FROM articles "
            "WHERE notices_scanned IS NOT content_hash"
        )
    )
    if articles:
        by_code, by_rup, by_name = _notice_lookups(db)
        for article in articles:
            for notice_id, matched_on, evidence in _mentions(article, by_code, by_rup, by_name):
                found.setdefault((article["id"], notice_id), (matched_on, evidence))
    notices = list(
        db.query(
            "SELECT id, package_code, name, rup_codes, version FROM notices "
            "WHERE scanned_version IS NOT version"
        )
    )
    for notice in notices:
        for article_id, matched_on, evidence in _articles_naming(db, notice):
            found.setdefault((article_id, notice["id"]), (matched_on, evidence))
    write_notice_links(db, found, [a["id"] for a in articles], [n["id"] for n in notices])
    return NoticeLinks(len(articles), len(notices), len(found))


def _notice_lookups(
    db: Database,
) -> tuple[
    dict[str, list[str]], dict[str, list[str]], dict[tuple[str, ...], list[tuple[str, str]]]
]:
    by_code: dict[str, list[str]] = {}
    by_rup: dict[str, list[str]] = {}
    by_name: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for row in db.query("SELECT id, package_code, rup_codes, name FROM notices"):
        by_code.setdefault(row["package_code"], []).append(row["id"])
        for rup in json.loads(row["rup_codes"] or "[]"):
            by_rup.setdefault(rup, []).append(row["id"])
        words = _words(row["name"])
        if len(words) >= MIN_NAME_WORDS:
            by_name.setdefault(tuple(words[:NAME_KEY_WORDS]), []).append(
                (row["id"], " ".join(words))
            )
    return by_code, by_rup, by_name


def _mentions(
    article: dict[str, Any],
    by_code: dict[str, list[str]],
    by_rup: dict[str, list[str]],
    by_name: dict[tuple[str, ...], list[tuple[str, str]]],
) -> list[tuple[str, str, str]]:
    text = f"{article['title'] or ''}\n{article['text'] or ''}"
    mentions = []
    for code in dict.fromkeys(CODE.findall(text)):
        mentions += [(notice, "package_code", code) for notice in by_code.get(code, [])]
        mentions += [(notice, "rup_code", code) for notice in by_rup.get(code, [])]
    words = _words(text)
    joined = f" {' '.join(words)} "
    for start in range(len(words) - NAME_KEY_WORDS + 1):
        for notice, name in by_name.get(tuple(words[start : start + NAME_KEY_WORDS]), []):
            if f" {name} " in joined:
                mentions.append((notice, "name", name))
    return mentions


def _articles_naming(db: Database, notice: dict[str, Any]) -> list[tuple[str, str, str]]:
    queries = [(notice["package_code"], "package_code")]
    queries += [(rup, "rup_code") for rup in json.loads(notice["rup_codes"] or "[]")]
    words = _words(notice["name"])
    if len(words) >= MIN_NAME_WORDS:
        queries.append((" ".join(words), "name"))
    found = []
    for phrase, matched_on in queries:
        rows = db.execute(
            "SELECT a.id, a.title, a.text FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
            "WHERE articles_fts MATCH ?",
            [f'"{phrase}"'],
        ).fetchall()
        for article_id, title, text in rows:
            # The index ignores punctuation: confirm the code stands alone, the name whole.
            haystack = f"{title or ''}\n{text or ''}"
            if matched_on == "name":
                if f" {phrase} " in f" {' '.join(_words(haystack))} ":
                    found.append((article_id, matched_on, phrase))
            elif phrase in CODE.findall(haystack):
                found.append((article_id, matched_on, phrase))
    return found


def _words(text: str | None) -> list[str]:
    return WORD.findall((text or "").lower())
