"""Scrapy settings for procarchive. PROCARCHIVE_* settings can be overridden from the
environment (e.g. PROCARCHIVE_CONTACT_URL=https://example.org/about)."""

from __future__ import annotations

import os

BOT_NAME = "procarchive"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

# Who we are, and where site owners reach us: an honest User-Agent with a contact URL.
PROCARCHIVE_CONTACT_URL = os.environ.get(
    "PROCARCHIVE_CONTACT_URL", "https://github.com/procarchive/procarchive#contact"
)
USER_AGENT = f"procarchive/0.1 (+{PROCARCHIVE_CONTACT_URL})"

# Politeness by default.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy's downloader with the per-site limit made to hold on asyncio (scrapers/downloader.py).
DOWNLOADER = "scrapers.downloader.SlotLimitedDownloader"
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
# A request that fails for good is one warning line with its counted reason (the spiders'
# errback), not also Scrapy's error line.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
# A 429 or 503 with Retry-After is retried after that long, up to this; a longer one gives up.
PROCARCHIVE_RETRY_AFTER_MAX = float(os.environ.get("PROCARCHIVE_RETRY_AFTER_MAX", "60"))
# A page larger than this is not an article; the download is cancelled and logged.
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# One item at a time per response: the default of 100 starts that many tasks a callback
# and cost about a third of throughput here (scrapy/scrapy#5182).
CONCURRENT_ITEMS = 1

# Next to the downloader, so captures see responses as received (before decompression).
# Nightly crawls skip or revalidate what the archive has (scrapers/incremental.py); the
# conditional headers go on before anything else sees a request.
# A crawl's budget and trap detection see what the skip leaves, what will be fetched.
SPIDER_MIDDLEWARES = {
    "scrapers.incremental.SkipUnchangedMiddleware": 950,
    "scrapers.budget.CrawlBudgetMiddleware": 900,
}
# Requests keep to the source's hosts (before the offsite filter, 50, and robots.txt, 100,
# whose download failure is one line);
# Retry-After is waited for just before RetryMiddleware (550) retries; redirect loops fail.
DOWNLOADER_MIDDLEWARES = {
    "scrapers.politeness.AllowedHostsMiddleware": 40,
    "scrapers.budget.TrapGateMiddleware": 45,
    "scrapers.incremental.RevalidateMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapers.politeness.RobotsTxtMiddleware": 100,
    "scrapers.politeness.RetryAfterMiddleware": 560,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "scrapers.politeness.RedirectMiddleware": 600,
    "scrapers.capture.CaptureMiddleware": 950,
}

# The crawl's session on the archive (archive/session.py): its connection, its crawls row,
# what the archive holds; every component of a crawl that reads or writes the archive asks it.
EXTENSIONS = {
    "archive.session.CrawlSession": 100,
    "scrapers.progress.ProgressLine": 500,
    "procarchive.jobqueue.lease.JobLease": 900,  # a job of the shared queue only (Scrapyd)
}
PROCARCHIVE_PROGRESS = True  # a live line on a terminal; plain log lines elsewhere (cron)
LOGSTATS_INTERVAL = 60.0

ITEM_PIPELINES = {
    "pipelines.confine.ConfinePipeline": 50,
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.mou_dates.MouDatePipeline": 250,
    "pipelines.validate.ValidatePipeline": 300,
    "pipelines.store.StorePipeline": 900,
    "pipelines.notices.NoticesPipeline": 910,
}

# The archive.
PROCARCHIVE_DB = os.environ.get("PROCARCHIVE_DB", "archive.db")
PROCARCHIVE_WARC_DIR = os.environ.get("PROCARCHIVE_WARC_DIR", "")  # default: warcs/ beside the db
PROCARCHIVE_RUN_ID = ""  # groups the crawls rows of one `procarchive crawl`
# A job writing a shard of its own (a cluster node): the merged archive whose slice of the
# source a new shard starts from, read-only (archive.seed), and that archive's WARC folder.
PROCARCHIVE_SEEN_DB = os.environ.get("PROCARCHIVE_SEEN_DB", "")
PROCARCHIVE_SEEN_WARC_DIR = os.environ.get("PROCARCHIVE_SEEN_WARC_DIR", "")  # default: beside it
# Nightly crawls: skip or revalidate what the archive has; recheck 1/N of it every day.
PROCARCHIVE_INCREMENTAL = os.environ.get("PROCARCHIVE_INCREMENTAL", "1") == "1"
PROCARCHIVE_REFRESH_SLICES = int(os.environ.get("PROCARCHIVE_REFRESH_SLICES", "30"))
PROCARCHIVE_REFRESH_DAY = 0  # 0: today (days since year 1); tests pin it
PROCARCHIVE_BATCH_SIZE = int(os.environ.get("PROCARCHIVE_BATCH_SIZE", "200"))
PROCARCHIVE_MIN_TEXT_CHARS = 200
PROCARCHIVE_STRICT = os.environ.get("PROCARCHIVE_STRICT", "") == "1"
PROCARCHIVE_LANGUAGE_SAMPLE_CHARS = 300  # 0: detect on the whole text
# Attachments of notices and articles: fetched (and captured) up to this size, then read.
PROCARCHIVE_DOCUMENTS = os.environ.get("PROCARCHIVE_DOCUMENTS", "1") == "1"
PROCARCHIVE_DOCUMENT_MAX_BYTES = int(
    os.environ.get("PROCARCHIVE_DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024))
)
# Past these a document's text is cut (problem truncated), its reading killed (timeout) or
# out of memory (too_large); each worker reading documents is capped so (scrapers.offload).
# 0 lifts the time or the memory limit.
PROCARCHIVE_DOCUMENT_MAX_CHARS = int(os.environ.get("PROCARCHIVE_DOCUMENT_MAX_CHARS", "2000000"))
PROCARCHIVE_WORKER_TIMEOUT = float(os.environ.get("PROCARCHIVE_WORKER_TIMEOUT", "60"))
PROCARCHIVE_WORKER_MEMORY_MB = int(os.environ.get("PROCARCHIVE_WORKER_MEMORY_MB", "1024"))
# SPSE: the LPSEs (slugs of scrapers/data/lpse.yml, comma-separated) and budget years to
# crawl, overriding the source's options; empty: the source's options.
PROCARCHIVE_LPSE = os.environ.get("PROCARCHIVE_LPSE", "")
PROCARCHIVE_SPSE_YEARS = os.environ.get("PROCARCHIVE_SPSE_YEARS", "")
PROCARCHIVE_SPSE_MAX_LISTING_PAGES = 500  # of 100 packages, a listing and year
# A news source's listing pages a crawl reads at most (a pager trap ends there, counted).
PROCARCHIVE_MAX_LISTING_PAGES = 2000
PROCARCHIVE_MAX_SITEMAPS = 1000  # sitemaps the indexes of one source lead to, a crawl
# Every crawl's budget (scrapers/budget.py); a source's `budget:` in sources.yml overrides it.
PROCARCHIVE_BUDGET_PAGES = int(os.environ.get("PROCARCHIVE_BUDGET_PAGES", "50000"))
PROCARCHIVE_BUDGET_NEW_ARTICLES = int(os.environ.get("PROCARCHIVE_BUDGET_NEW_ARTICLES", "5000"))
PROCARCHIVE_BUDGET_LISTING_DEPTH = int(os.environ.get("PROCARCHIVE_BUDGET_LISTING_DEPTH", "1000"))
PROCARCHIVE_TRAP_STALE_PAGES = 5  # listing pages in a row without a new article link
PROCARCHIVE_TRAP_SAME_TEXT = 10  # pages of one URL shape whose text is the same
PROCARCHIVE_EXTRACT_WORKERS = int(os.environ.get("PROCARCHIVE_EXTRACT_WORKERS", "0"))

LOG_LEVEL = os.environ.get("PROCARCHIVE_LOG_LEVEL", "INFO")
FEED_EXPORT_ENCODING = "utf-8"
