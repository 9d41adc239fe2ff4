"""Pages rendered synchronously, their cells by one filter (datasette_plugins/page_rendering.py),
are byte for byte what Datasette's own templates render in async mode."""

from __future__ import annotations

import asyncio
import functools
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from datasette.app import Datasette
from jinja2 import DictLoader, Environment, Template, TemplateNotFound
from markupsafe import Markup, escape

from archive.connection import open_archive
from datasette_plugins.page_rendering import (
    RememberingMisses,
    escaped_text,
    html_of,
    prepare_jinja2_environment,
    signature_takes_arguments,
    takes_arguments,
)
from procarchive.serve import PLUGINS, TEMPLATES, build_datasette, load_metadata
from tests.test_metadata import build_archive

TIMING = re.compile(r"took [\d.]+ms")  # the footer's "Queries took 8.5ms"
OVERRIDES = ("_table.html",)
PAGES = [
    "/archive/articles",
    "/archive/articles?source=lkpp_news&_facet=lang",
    "/archive/articles?kind=nothing-of-this-kind",  # no rows
    "/archive/articles?_sort=title&_size=3",
    # Sort links keep the other arguments, quoted (a blank search is dropped before them).
    "/archive/articles?_search=&title__not=a+b%26c&_sort_desc=published_at&_size=3",
    "/archive/notices?_facet=stage",
    "/archive/mous",
    "/archive/article_versions",
    "/archive/articles_facet_counts",  # a table without a primary key: rowid links
    "/archive/article_agencies",  # a compound primary key: a link column of its own
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("synchronous") / "archive.db")


def pages(archive: Path, template_dir: Path, synchronous: bool = True) -> dict[str, str]:
    """PAGES and an article's row page as served with the templates of `template_dir`,
    rendered synchronously or as Datasette renders them."""
    db = open_archive(archive, create=False)
    first = db.execute("select id from articles order by rowid limit 1").fetchone()[0]
    db.close()

    async def run() -> dict[str, str]:
        datasette = Datasette(
            [str(archive)], metadata=load_metadata(), plugins_dir=str(PLUGINS),
            template_dir=str(template_dir), settings={"suggest_facets": False},
        )  # fmt: skip
        await datasette.invoke_startup()
        if not synchronous:
            datasette.jinja_env.synchronous = None
        bodies = {}
        for path in [*PAGES, f"/archive/articles/{first}"]:
            response = await datasette.client.get(path)
            assert response.status_code == 200, path
            bodies[path] = TIMING.sub("took some ms", response.text)
        return bodies

    return asyncio.run(run())


def test_pages_are_the_bytes_of_datasettes_own_templates(archive: Path, tmp_path: Path) -> None:
    stock = tmp_path / "templates"
    shutil.copytree(TEMPLATES, stock)
    for name in OVERRIDES:
        (stock / name).unlink()
    mine, theirs = pages(archive, TEMPLATES), pages(archive, stock, synchronous=False)
    assert mine.keys() == theirs.keys() and len(mine) == len(PAGES) + 1
    for path in mine:
        assert mine[path] == theirs[path], path
    assert 'class="rows-and-columns"' in mine["/archive/mous"]
    assert 'class="facet-results"' in mine["/archive/notices?_facet=stage"]
    assert "0 records" in mine["/archive/articles?kind=nothing-of-this-kind"]


def rendering(archive: Path, paths: list[str], public: bool = True,
              crumbs_wait: bool = False) -> tuple[list[str], list[str]]:  # fmt: skip
    """The pages' bodies, and the templates Datasette's own async rendering rendered."""
    rendered_async: list[str] = []
    original = Template.render_async

    async def recorded(self: Template, *args: Any, **kwargs: Any) -> str:
        rendered_async.append(str(self.name))
        return await original(self, *args, **kwargs)

    async def run() -> list[str]:
        datasette = build_datasette(archive, public=public)
        await datasette.invoke_startup()
        if crumbs_wait:  # a permission check that reads the database, say
            crumb_items = datasette._crumb_items

            async def waiting(*args: Any, **kwargs: Any) -> Any:
                await asyncio.sleep(0)
                return await crumb_items(*args, **kwargs)

            datasette._crumb_items = waiting
        bodies = []
        for path in paths:
            response = await datasette.client.get(path)
            assert response.status_code == 200, path
            bodies.append(TIMING.sub("took some ms", response.text))
        return bodies

    Template.render_async = recorded  # type: ignore[method-assign]
    try:
        return asyncio.run(run()), rendered_async
    finally:
        Template.render_async = original  # type: ignore[method-assign]


def test_the_served_site_renders_its_pages_synchronously(archive: Path) -> None:
    paths = ["/archive/articles?source=lkpp_news", "/archive/mous", "/archive", "/"]
    for public in (True, False):
        bodies, rendered_async = rendering(archive, paths, public=public)
        assert rendered_async == [], public
        assert 'class="rows-and-columns"' in bodies[0] and 'class="facet-results"' in bodies[0]
        assert "Search all tables" in bodies[0]  # datasette-search-all's menu link, awaited


def test_a_page_whose_call_would_wait_renders_as_datasette_does(archive: Path) -> None:
    # The second page has a message (a note on its search), taken off the request when shown.
    paths = [
        "/archive/articles?source=lkpp_news",
        "/archive/articles?_search=katalog+AND&source=lkpp_news",
    ]
    waited, rendered_async = rendering(archive, paths, crumbs_wait=True)
    assert rendered_async == ["table-archive-articles.html"] * 2
    assert waited == rendering(archive, paths)[0]
    assert 'class="message-warning"' in waited[1]


def test_messages_shown_before_a_call_that_waits_are_shown_again_async() -> None:
    # Datasette's messages are taken off the request when shown.
    page = "{% for m in show_messages() %}{{ m }}{% endfor %}|{{ later(1) }}|{{ now() }}"
    env = Environment(loader=DictLoader({"page.html": page}), enable_async=True, autoescape=True)
    prepare_jinja2_environment(env, SimpleNamespace(databases={}))
    messages = ["saved"]

    def show_messages() -> list[str]:
        shown = list(messages)
        messages.clear()
        return shown

    async def later(value: int) -> int:
        await asyncio.sleep(0)
        return value

    async def now() -> str:
        return "now"

    context = {"show_messages": show_messages, "later": later, "now": now}
    assert asyncio.run(env.get_template("page.html").render_async(context)) == "saved|1|now"


def test_a_cells_text_is_escaped_as_markupsafe_escapes_it() -> None:
    for text in ["", "plain", "a & b < c > d 'e' \"f\"", "&amp; already", "<script>x</script>"]:
        assert escaped_text(text) == str(escape(text)) == html_of(text)
    for value in [5, 1.5, None, Markup("<a href='x'>&nbsp;</a>"), b"<bytes>"]:
        assert html_of(value) == str(escape(value))


def test_a_template_not_found_is_looked_for_once() -> None:
    asked: list[str] = []

    class Counting(DictLoader):
        def get_source(self, environment: Environment, template: str) -> Any:
            asked.append(template)
            return super().get_source(environment, template)

    loader = RememberingMisses(Counting({"table.html": "{{ 1 + 1 }}"}), most=1)
    env = Environment(loader=loader)
    for _ in range(3):
        assert env.select_template(["_table-custom.html", "table.html"]).render() == "2"
        with pytest.raises(TemplateNotFound):
            env.get_template("_row-other.html")
    # Each found template loaded once (Jinja's cache), the first missing one looked for once;
    # past `most` names missing, a name is looked for each time.
    assert asked.count("_table-custom.html") == 1 and asked.count("table.html") == 1
    assert asked.count("_row-other.html") == 3


def test_a_dicts_items_are_looked_up_as_jinja_looks_them_up() -> None:
    page = (
        "{{ d.name }}|{{ d.items is callable }}|{{ d.missing is undefined }}|{{ d.get('name') }}"
        "|{{ d.values }}|{{ o.real }}|{{ n.x is undefined }}"
    )
    context = {"d": {"name": "a", "items": "shadowed?", "values": 2}, "o": 3, "n": None}
    stock = Environment(loader=DictLoader({"page.html": page}), autoescape=True)
    env = Environment(loader=DictLoader({"page.html": page}), enable_async=True, autoescape=True)
    prepare_jinja2_environment(env, SimpleNamespace(databases={}))
    expected = stock.get_template("page.html").render(context)
    synchronous: Any = getattr(env, "synchronous")  # noqa: B009 (set by the plugin)
    assert synchronous.get_template("page.html").render(context) == expected
    assert expected.startswith("a|True|True|a|&lt;built-in method values")


def test_whether_a_function_takes_arguments_is_told_once_for_its_code() -> None:
    def make(default: int) -> list[Any]:
        async def plain() -> None: ...
        async def one(a: int) -> None: ...
        async def defaulted(a: int = default) -> None: ...
        async def rest(*args: Any) -> None: ...

        class Holder:
            async def method(self) -> None: ...

        return [plain, one, defaulted, rest, Holder().method, functools.partial(one, 1)]

    for functions in (make(1), make(2)):  # made anew, as for each page
        assert (
            [takes_arguments(f) for f in functions]
            == [signature_takes_arguments(f) for f in functions]
            == [False, True, False, True, False, False]
        )
