"""The response cache of immutable databases: a page is computed once, then replayed."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from datasette_plugins import response_cache
from datasette_plugins.response_cache import ResponseCache, asgi_wrapper, cacheable


def site(mutable: bool) -> Any:
    return SimpleNamespace(databases={"archive": SimpleNamespace(is_mutable=mutable)})


def scope(path: str, query: str = "", method: str = "GET") -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "query_string": query.encode()}


def run(
    datasette: Any, requests: list[dict[str, Any]], status: int = 200
) -> tuple[int, list[bytes]]:
    calls = 0

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal calls
        calls += 1
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": f"page {calls}".encode()})

    wrapped = asgi_wrapper(datasette)(app)
    bodies: list[bytes] = []

    async def main() -> None:
        for request in requests:

            async def send(message: Any) -> None:
                if message["type"] == "http.response.body":
                    bodies.append(message["body"])

            await wrapped(request, None, send)

    asyncio.run(main())
    return calls, bodies


def test_an_immutable_page_is_computed_once() -> None:
    page = scope("/archive/articles", "_facet=source")
    calls, bodies = run(site(mutable=False), [page, page, scope("/archive/articles")])
    assert calls == 2 and bodies == [b"page 1", b"page 1", b"page 2"]


def test_mutable_databases_streams_errors_and_posts_are_never_kept() -> None:
    page = scope("/archive/articles")
    assert run(site(mutable=True), [page, page])[0] == 2
    assert run(site(mutable=False), [page, page], status=500)[0] == 2
    for uncached in (scope("/archive/articles.csv"), scope("/archive/articles", "_stream=on"),
                     scope("/archive/articles", method="POST"), scope("/-/search", "q=x")):  # fmt: skip
        assert cacheable(uncached, site(mutable=False)) is None


def test_the_key_holds_the_origin_pages_link_to() -> None:
    """Datasette writes absolute links with the request's scheme and Host: a page kept for
    `Host: evil.example` is not one for the site's own host, nor an https page an http one."""
    page = scope("/sitemap.xml")
    keys = {
        cacheable({**page, "headers": [(b"host", host)], "scheme": scheme}, site(mutable=False))
        for host in (b"procarchive.example", b"evil.example")
        for scheme in ("http", "https")
    }
    assert len(keys) == 4 and None not in keys


def test_the_cache_is_bounded(monkeypatch: Any) -> None:
    monkeypatch.setattr(response_cache, "MAX_ENTRIES", 2)
    cache = ResponseCache()
    for key in ("a", "b", "c"):
        cache.put(key, [], 10)
    assert list(cache.entries) == ["b", "c"] and cache.size == 20


def test_a_plain_article_search_goes_to_the_search_query() -> None:
    from datasette_plugins.search_redirect import search_target

    assert search_target(scope("/archive/articles", "_search=nota+kesepahaman"), "archive") == (
        "/archive/search?term=nota+kesepahaman"
    )
    for kept in (scope("/archive/articles", "_search=x&source=lkpp_news"),
                 scope("/archive/articles.json", "_search=x"), scope("/archive/articles")):  # fmt: skip
        assert search_target(kept, "archive") is None


def test_streamed_csv_of_a_filtered_table_matches_datasettes_own(tmp_path: Path) -> None:
    """The bulk writer serves `.csv?_stream=on` with plain column filters; the rows and bytes
    are those of Datasette's own CSV of the same page."""
    from tests.test_metadata import build_archive, fetch_all

    archive = build_archive(tmp_path / "archive.db")
    ours = "/archive/articles.csv?source=lkpp_news&_stream=on"
    theirs = "/archive/articles.csv?source=lkpp_news&_size=max"
    unfiltered = "/archive/notices.csv?_stream=on&_dl=1"
    db = sqlite3.connect(archive)
    with db:  # ties in the sort column, broken by the primary key on every path
        db.execute("UPDATE articles SET published_at = '2015-10-02' WHERE rowid % 3 = 0")
    db.close()
    chosen = {  # column choices: ours (streamed) and Datasette's own (one page)
        f"{ours}&_nocol=text&_nocol=url": f"{theirs}&_nocol=text&_nocol=url",
        f"{ours}&_col=title&_col=kind": f"{theirs}&_col=title&_col=kind",
        "/archive/articles_facet_counts.csv?_stream=on&kind=news": "/archive/articles_facet_counts.csv?kind=news&_size=max",
        f"{ours}&kind=": f"{theirs}&kind=",  # a blank filter matches nothing
    }  # fmt: skip
    declined = [f"{ours}&source=pps_news", f"{ours}&_col=", f"{ours}&_nocol=id"]
    got = fetch_all(
        archive,
        [ours, theirs, unfiltered, *chosen.keys(), *chosen.values(), *declined],
        immutable=True,
    )
    assert got[ours].status_code == 200 and got[ours].text == got[theirs].text
    for mine, datasettes in chosen.items():
        assert got[mine].headers["x-csv-writer"] == "bulk", mine
        assert got[mine].text == got[datasettes].text, mine
    assert got[f"{ours}&kind="].text.count("\r\n") == 1  # the header alone
    for path in declined:  # a repeated filter, invalid column choices: Datasette's answer
        assert "x-csv-writer" not in got[path].headers, path
    assert got[ours].headers["x-csv-writer"] == "bulk" and "x-csv-writer" not in got[theirs].headers
    assert got[ours].text.count("\r\n") > 30
    assert got[unfiltered].headers["content-disposition"] == 'attachment; filename="notices.csv"'
    assert got[unfiltered].text.splitlines()[0].startswith("id,lpse,category,package_code")


def test_a_plain_notice_search_goes_to_the_notices_search_query() -> None:
    from datasette_plugins.search_redirect import search_target

    assert search_target(scope("/archive/notices", "_search=jalan"), "archive") == (
        "/archive/search_notices?term=jalan"
    )
    assert search_target(scope("/archive/notices", "_search=jalan&lpse=jakarta"), "archive") is None
    assert (
        search_target(scope("/archive/notices", "_search=jalan&kind="), "archive") is None
    )  # a filter


def crowd_of(status: int, readers: int = 4) -> tuple[int, list[list[Any]]]:
    """The same page asked for by `readers` at once: the times it was computed, the answers."""
    calls = 0

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)  # its queries
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": f"page {calls}".encode()})

    wrapped = asgi_wrapper(site(mutable=False))(app)

    async def one() -> list[Any]:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        await wrapped(scope("/archive/mous_per_month"), None, send)
        return sent

    async def crowd() -> list[list[Any]]:
        return await asyncio.gather(*(one() for _ in range(readers)))

    answers = asyncio.run(crowd())
    return calls, answers


def test_a_page_asked_for_while_it_is_computed_is_computed_once() -> None:
    calls, answers = crowd_of(200)
    assert calls == 1 and [answer[-1]["body"] for answer in answers] == [b"page 1"] * 4
    # An error is not kept: each of those who waited computes it, at once.
    calls, answers = crowd_of(500)
    assert calls == 4 and all(answer[0]["status"] == 500 for answer in answers)
