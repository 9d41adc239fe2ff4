"""The lease of a crawl that Scrapyd started from the shared queue: renewed while it runs, in
a thread (never a Redis call on the reactor), and ended when it closes, announcing the shard
it wrote (procarchive.cluster merges the announced shards). Enabled by the
settings a popped job carries (procarchive.jobqueue.redis_queue.RedisSpiderQueue.pop)."""

from __future__ import annotations

import logging
import signal
from typing import TYPE_CHECKING, Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import defer, task, threads
from twisted.python.failure import Failure

from archive.session import CrawlSession
from procarchive.jobqueue.names import (
    DEFAULT_LEASE,
    DEFAULT_MAX_REQUEUES,
    DEFAULT_PREFIX,
    JOB_SETTING,
    LEASE_SETTING,
    MAX_REQUEUES_SETTING,
    PREFIX_SETTING,
    PROJECT_SETTING,
    REDIS_URL_ENV,
    SHARD_SETTING,
    TOKEN_SETTING,
)

if TYPE_CHECKING:
    from procarchive.jobqueue.redis_queue import JobQueue

logger = logging.getLogger(__name__)
# Interrupted (a node stopped or restarted: SIGTERM): run it again elsewhere. A SIGINT is
# Scrapyd's cancel.json (or Ctrl-C): the job ends there.
REQUEUE_REASONS = frozenset({"shutdown"})
LEASE_LOST = "lease_lost"


class JobLease:
    def __init__(self, crawler: Crawler, queue: JobQueue, member: str, token: str) -> None:
        self.crawler, self.queue, self.member, self.token = crawler, queue, member, token
        self.loop: task.LoopingCall | None = None
        self.lost = False
        self.cancelled = False
        self.ended = False
        self.reason: str | None = None  # the spider's, once it has closed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        member = settings.get(JOB_SETTING)
        if not member:
            raise NotConfigured("not a job of the shared queue")
        from procarchive.jobqueue.redis_queue import JobQueue, connect

        queue = JobQueue(
            connect(settings.get(REDIS_URL_ENV)),
            settings.get(PROJECT_SETTING) or "procarchive",
            prefix=settings.get(PREFIX_SETTING) or DEFAULT_PREFIX,
            lease=settings.getfloat(LEASE_SETTING, DEFAULT_LEASE),
            max_requeues=settings.getint(MAX_REQUEUES_SETTING, DEFAULT_MAX_REQUEUES),
        )
        extension = cls(crawler, queue, str(member), str(settings.get(TOKEN_SETTING, "")))
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        previous = signal.getsignal(signal.SIGINT)  # Scrapy's graceful shutdown

        def cancel(signum: int, frame: Any) -> None:
            self.cancelled = True
            if callable(previous):
                previous(signum, frame)

        signal.signal(signal.SIGINT, cancel)
        self.loop = task.LoopingCall(self.renew)
        self.loop.start(self.queue.lease / 3, now=True)

    def renew(self) -> defer.Deferred[Any]:
        renewing = threads.deferToThread(self.queue.renew, self.member, self.token)
        renewing.addCallbacks(self._renewed, self._unreachable)
        return renewing

    def _renewed(self, held: bool) -> None:
        if held or self.lost:
            return
        # Reclaimed (this process was stalled past its lease): the job is queued again, and
        # another node may run it; stop rather than crawl the source twice at once.
        self.lost = True
        logger.error("The lease of job %s was lost: it was requeued; closing", self.member)
        if self.loop and self.loop.running:
            self.loop.stop()
        engine = self.crawler.engine
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason=LEASE_LOST))

    def _unreachable(self, failure: Failure) -> None:
        # Keep crawling: the next renewal may get through before the lease runs out.
        logger.warning("Could not renew the lease of job %s: %s", self.member, failure.value)

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        """An interrupted job goes back now; a done one ends once its shard is whole."""
        self.reason = reason
        if self.lost:
            self.stop_renewing()
            return
        if self.cancelled:
            logger.info("Job %s was cancelled: it is not queued again", self.member)
        if reason in REQUEUE_REASONS and not self.cancelled:
            self.stop_renewing()
            await self.end(requeue=True)

    async def engine_stopped(self) -> None:
        """The crawl's last rows written and its archive closed (the shard is whole): the
        job ends, and its shard is announced to the merger in the same step."""
        if self.lost or self.reason is None or self.ended:
            return
        session = CrawlSession.of(self.crawler)
        session.close()
        self.stop_renewing()
        shard = self.crawler.settings.get(SHARD_SETTING)
        spider = self.crawler.spider
        announced = {
            "path": shard, "job": self.member, "spider": spider.name if spider else "",
            "source": session.source if spider else "", "reason": self.reason,
        } if shard else None  # fmt: skip
        await self.end(requeue=False, shard=announced)

    def stop_renewing(self) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()

    async def end(self, requeue: bool, shard: dict[str, Any] | None = None) -> None:
        self.ended = True
        ending = threads.deferToThread(self.queue.finish, self.member, self.token, requeue, shard)
        ending.addErrback(self._not_ended)
        await maybe_deferred_to_future(ending)

    def _not_ended(self, failure: Failure) -> None:
        # The lease then runs out and the job is requeued: run twice, never lost.
        logger.error("Could not end the lease of job %s: %s", self.member, failure.value)
