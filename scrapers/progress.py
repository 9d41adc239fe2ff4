"""A live progress line on a terminal: pages, items, errors, rate. Nothing elsewhere: in cron,
Scrapy's own periodic "Crawled N pages" log lines are the record."""

from __future__ import annotations

import sys
import time
from typing import Any, Self, TextIO

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressLine:
    def __init__(self, crawler: Crawler, stream: TextIO, interval: float) -> None:
        self.crawler = crawler
        self.stream = stream
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        stream = sys.stderr
        if not crawler.settings.getbool("PROCARCHIVE_PROGRESS") or not stream.isatty():
            raise NotConfigured("no terminal to show progress on")
        extension = cls(
            crawler, stream, crawler.settings.getfloat("PROCARCHIVE_PROGRESS_INTERVAL", 1.0)
        )
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show, spider)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Spider) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.show(spider)
        self.stream.write("\n")

    def show(self, spider: Spider) -> None:
        stats: Any = self.crawler.stats
        pages = stats.get_value("response_received_count", 0)
        items = stats.get_value("item_scraped_count", 0)
        errors = sum(v for k, v in stats.get_stats().items() if k.startswith("procarchive/failed/"))
        rate = pages / max(time.monotonic() - self.started, 1e-6)
        source = getattr(getattr(spider, "source", None), "name", spider.name)
        self.stream.write(
            f"\r{source}: {pages} pages, {items} items, {errors} errors, {rate:.1f} pages/s "
        )
        self.stream.flush()
