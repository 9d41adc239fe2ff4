"""Datasette plugin: the rows table and the facet lists of a page rendered by Jinja's
synchronous renderer, from Datasette's own templates (_table.html, _facet_results.html).

Datasette renders pages with Jinja in async mode, where each piece of output passes through
an async generator at every level of inheritance and inclusion (six for the articles
page): 20 articles of 27 columns are some 6,000 pieces, about half of a filtered page's
time. These two templates call nothing asynchronous, so a synchronous overlay of the same
environment (its loader, filters and globals) renders them at once, to the same bytes.
templates/_table.html and templates/_facet_results.html call `rendered_synchronously`.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

CACHED_TEMPLATES = 50  # its own cache: templates compiled for async cannot run synchronously


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    synchronous = env.overlay(enable_async=False, cache_size=CACHED_TEMPLATES)

    @pass_context
    def rendered_synchronously(context: Context, name: str) -> Markup:
        return Markup(synchronous.get_template(name).render(context.get_all()))

    env.globals["rendered_synchronously"] = rendered_synchronously
