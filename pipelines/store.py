"""Store the articles a crawl finds, in batches (pipelines.batches).

Articles are upserted by id (see archive.articles); articles found current without a
fetch or a parse are marked seen; 404/410 answers and articles a complete listing no
longer names are marked gone. Nothing is overwritten without a trace, nothing deleted.
A URL that a listing names, or that answered 304 or 404, is the article it was read at
before (archive.aliases); 404s are marked when the crawl ends, so that an article met
alive at another of its URLs is not gone.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, fields
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from archive.articles import (
    mark_gone,
    mark_seen,
    mark_unlisted,
    now,
    refresh_agencies,
    unlisted,
    write_articles,
    write_records,
)
from archive.connection import WRITE_ERRORS, refused_write
from pipelines.batches import BatchedStore
from scrapers.analysis.agencies import listed_agencies
from scrapers.items import ArticleItem, GoneItem, ListingItem, SeenItem

logger = logging.getLogger(__name__)
ARTICLE_FIELDS = tuple(f.name for f in fields(ArticleItem))


def article_row(item: ArticleItem) -> dict[str, Any]:
    """An article item as the archive's writes take it: its fields, not deep copies of them
    (ItemAdapter.asdict's), for an item is not changed once stored."""
    row = {name: getattr(item, name) for name in ARTICLE_FIELDS}
    published = row.get("published_at") or ""
    row["year"] = int(published[:4]) if published[:4].isdigit() else None
    row["agency_counts"] = row.get("agencies") or {}
    row["agencies"] = json.dumps(list(row["agency_counts"]), ensure_ascii=False)
    return row


@dataclass
class ArticleBatch:
    articles: list[dict[str, Any]] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # ids of articles found current
    gone: list[tuple[str, str]] = field(default_factory=list)  # (id, reason), at the end only

    def __len__(self) -> int:
        return len(self.articles) + len(self.seen) + len(self.gone)


class StorePipeline(BatchedStore[ArticleBatch]):
    failure = "article_write"
    writes_archive = True  # not run by `procarchive extract`

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.articles: dict[str, dict[str, Any]] = {}
        self.seen: list[str] = []
        self.gone: list[tuple[str, str]] = []
        self.listed: set[str] = set()  # every article id a listing named or the crawl met
        # Each listing walk (a listing's URL without its query): the ids it named, and the
        # number of articles it says it holds, where it says so.
        self.walked: dict[str, set[str]] = {}
        self.totals: dict[str, int] = {}
        self.source = ""
        self.aliases = self.session.aliases

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        super().open_spider()
        assert self.db is not None
        self.source = self.session.source
        refresh_agencies(self.db, listed_agencies())

    def process_item(self, item: Any) -> Any:
        # Every article this crawl met or a listing named is "listed": not unlisted.
        if isinstance(item, ListingItem):
            named = {self.aliases.article_id(url) for url in item.article_urls}
            self.listed.update(named)
            walk = urlsplit(item.page_url)._replace(query="", fragment="").geturl()
            self.walked.setdefault(walk, set()).update(named)
            if item.total is not None:
                self.totals[walk] = max(self.totals.get(walk, 0), item.total)
            self.stats.inc_value("procarchive/listings")
            return item
        if isinstance(item, SeenItem):
            identifiers = [self.aliases.article_id(url) for url in item.urls]
            self.seen.extend(identifiers)
            self.listed.update(identifiers)
        elif isinstance(item, GoneItem):
            identifier = self.aliases.article_id(item.url)
            self.gone.append((identifier, item.reason))
            self.listed.add(identifier)
            return item  # marked when the crawl ends
        elif isinstance(item, ArticleItem):
            row = article_row(item)
            self.articles[row["id"]] = row  # a page met twice in one batch is stored once
            self.listed.add(row["id"])
        else:
            return item
        self.added()
        return item

    def held(self) -> int:
        return len(self.articles) + len(self.seen)

    def take(self, last: bool) -> ArticleBatch:
        """The batch; the `last` one brings the 404s, marked gone when the crawl ends."""
        batch = ArticleBatch(list(self.articles.values()), self.seen, self.gone if last else [])
        self.articles, self.seen = {}, []
        if last:
            self.gone = []
        return batch

    def write(self, batch: ArticleBatch) -> None:
        assert self.db is not None
        crawl_id = self.session.crawl_id
        at = now()
        counts: dict[str, int] = {}
        if batch.articles:
            # One transaction: a crawl killed between the two would leave articles without
            # their agencies and MoUs, and the resumed crawl finds those articles unchanged.
            with self.db.atomic():
                counts = write_articles(self.db, batch.articles, crawl_id)
                write_records(self.db, batch.articles)
        if batch.seen:
            for outcome, count in mark_seen(self.db, batch.seen, crawl_id, at).items():
                counts[outcome] = counts.get(outcome, 0) + count
        if batch.gone:
            counts["gone"] = mark_gone(self.db, batch.gone, crawl_id, at)
        if others := counts.pop("other_source", 0):
            self.stats.inc_value("procarchive/warnings/other_source", others)
            logger.warning(
                "%d pages this crawl of %s read are archived as another source's: left as "
                "that source archived them", others, self.source,
            )  # fmt: skip
        if conflicts := counts.pop("alias_conflict", 0):
            self.stats.inc_value("procarchive/warnings/alias_conflict", conflicts)
        for outcome, count in counts.items():
            self.stats.inc_value(f"procarchive/items_{outcome}", count)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """The last batch with the 404s, then the verdicts only the whole crawl can give;
        the session records the crawl's figures when the engine stops."""
        if self.db is None:
            return
        self.flush(last=True)
        if reason == "finished" and not self.crawler.settings.getbool("PROCARCHIVE_RESUMED"):
            self.check_totals()  # a stopped or resumed crawl read part of the walk only
        try:
            self.mark_unlisted(reason)
        except WRITE_ERRORS as exc:
            if not refused_write(exc):
                raise
            self.session.write_failed(exc)
        self.db = None

    def mark_unlisted(self, reason: str) -> None:
        if not self.listed or self.session.unwritable:
            return
        assert self.db is not None
        complete = self.listing_complete(reason)
        missing = unlisted(self.db, self.source, self.listed) if complete else None
        gone, once = mark_unlisted(
            self.db, self.source, missing, self.listed, self.session.crawl_id, now()
        )
        self.stats.inc_value("procarchive/items_gone", gone)
        if once:
            self.stats.inc_value("procarchive/warnings/unlisted_once", once)
            logger.warning(
                "%d articles of %s are no longer listed; gone if the next complete "
                "crawl does not list them either", once, self.source,
            )  # fmt: skip

    def check_totals(self) -> None:
        """A walk that named fewer articles than its listing says it holds is incomplete."""
        for walk, total in self.totals.items():
            named = len(self.walked.get(walk, ()))
            if named < total:
                self.stats.inc_value("procarchive/failed/listing_short")
                self.stats.inc_value("procarchive/failed_listing")
                logger.warning(
                    "The listing %s says it holds %d articles; the crawl read %d of them",
                    walk,
                    total,
                    named,
                )

    def listing_complete(self, reason: str) -> bool:
        """Only a finished crawl whose every listing page was read can call a page unlisted."""
        return (
            reason == "finished"
            and not self.crawler.settings.getbool("PROCARCHIVE_RESUMED")
            and bool(self.listed)
            and self.stats.get_value("procarchive/listings", 0) > 0
            and not self.stats.get_value("procarchive/failed_listing")
        )
