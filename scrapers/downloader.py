"""Scrapy's downloader, with the per-site concurrency limit made to hold.

Since Scrapy 2.14, on the asyncio reactor, the downloader's queue loop
(`Downloader._process_queue`) starts a task per queued request and only that task, once it
runs, counts the request as transferring (`Downloader._download`). The loop checks the free
slots before any of its tasks has run, so a slot with CONCURRENT_REQUESTS_PER_DOMAIN = 1
sent 9 requests at once, 2 sent 11 (scrapy/scrapy b86f00327, #6795, and 3c546bdb8, #7008;
measured on 2.19; the epoll reactor and Scrapy 2.13 hold the limit). AutoThrottle's delay
hides it; a user's `-s AUTOTHROTTLE_ENABLED=0` shows it to the site.

The fix: count the request as transferring when it leaves the queue, before its task is
scheduled. `_download` adds it again (a set: no change) and removes it when done.
"""

from __future__ import annotations

import logging
from time import monotonic

import scrapy
from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro

logger = logging.getLogger(__name__)

# The versions whose `_process_queue` this copies; another gets Scrapy's own, with a warning.
PATCHED_VERSIONS = ((2, 14), (2, 19))


def scrapy_version() -> tuple[int, int]:
    major, minor = scrapy.__version__.split(".")[:2]
    return int(major), int(minor)


class SlotLimitedDownloader(Downloader):
    """Scrapy's Downloader whose slots never transfer more than their concurrency."""

    patched = PATCHED_VERSIONS[0] <= scrapy_version() <= PATCHED_VERSIONS[1]

    def _process_queue(self, slot: Slot) -> None:
        if not self.patched:
            super()._process_queue(slot)
            return
        # Scrapy 2.19's loop, with the one line marked.
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # counted now, not when its task first runs
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break


if not SlotLimitedDownloader.patched:
    logger.warning(
        "Scrapy %s is not one whose downloader procarchive has checked (%d.%d to %d.%d): "
        "per-site concurrency is Scrapy's own",
        scrapy.__version__,
        *PATCHED_VERSIONS[0],
        *PATCHED_VERSIONS[1],
    )
