"""What the archive holds of a crawl's source, read once a crawl, and the one rule by which a
nightly crawl leaves a page unfetched: the listing shows it as archived, and it is not in
today's refresh slice. Articles (scrapers/incremental.py) and notices (the spse_notices
spider) both ask here."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy.settings import BaseSettings

from archive.ids import notice_id
from archive.notices import settled_notices

if TYPE_CHECKING:
    from archive.session import CrawlSession


@dataclass(frozen=True)
class RefreshSlice:
    """Today's slice of the archive (1/PROCARCHIVE_REFRESH_SLICES of it, a different slice
    every day) that a nightly crawl fetches again whatever the listing says, so that silent
    edits and deletions are found without a full crawl."""

    slices: int
    day: int

    @classmethod
    def of(cls, settings: BaseSettings) -> RefreshSlice:
        day = settings.getint("PROCARCHIVE_REFRESH_DAY") or datetime.now(UTC).toordinal()
        return cls(settings.getint("PROCARCHIVE_REFRESH_SLICES"), day)

    def __contains__(self, identifier: object) -> bool:
        if not isinstance(identifier, str) or self.slices <= 0:
            return False
        return zlib.crc32(identifier.encode()) % self.slices == self.day % self.slices


class ArchiveIndex:
    """The crawl's source as archived, loaded on first use: its articles (the budget counts
    the others new, revalidation sends their validators) and what needs no fetch."""

    def __init__(self, session: CrawlSession) -> None:
        settings = session.crawler.settings
        self.session = session
        self.incremental = settings.getbool("PROCARCHIVE_INCREMENTAL")
        self.refresh = RefreshSlice.of(settings)
        self._articles: dict[str, tuple[str | None, str | None]] | None = None
        self._settled: dict[str, dict[str, str]] = {}  # LPSE -> notice id -> stage

    def open(self) -> None:
        """Read the source's articles as they were before the crawl wrote any."""
        rows = self.session.db.execute(
            "SELECT id, source_updated, gone_at FROM articles WHERE source = ?",
            [self.session.source],
        )
        self._articles = {row[0]: (row[1], row[2]) for row in rows}

    @property
    def articles(self) -> dict[str, tuple[str | None, str | None]]:
        """id -> (the listing's change hint stored with it, gone_at) of the source's articles."""
        if self._articles is None:
            self.open()
            assert self._articles is not None
        return self._articles

    def current(self, identifier: str, archived: str | None, listed: str | None) -> bool:
        """Needs no fetch: a nightly crawl, the listing shows what the archive holds
        (`listed`, a change hint or a stage, is the `archived` one), and `identifier` is
        not in today's refresh slice."""
        return (
            self.incremental
            and bool(listed)
            and listed == archived
            and identifier not in self.refresh
        )

    def article_current(self, identifier: str, hint: str | None) -> bool:
        """An article the archive holds, not gone, whose listing gave the hint stored with it."""
        if not self.incremental:
            return False
        hint_archived, gone_at = self.articles.get(identifier, (None, None))
        return self.current(identifier, None if gone_at else hint_archived, hint)

    def notice_current(self, lpse: str, category: str, code: str, stage: str | None) -> bool:
        """A notice the archive holds settled (complete, cancelled, unsuccessful), whose
        listing row shows the stage archived."""
        if not self.incremental:
            return False
        if lpse not in self._settled:
            self._settled[lpse] = settled_notices(self.session.db, [lpse])
        identifier = notice_id(lpse, category, code)
        return self.current(identifier, self._settled[lpse].get(identifier), stage)
