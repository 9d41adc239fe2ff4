"""After the crawls: what they brought linked to what the archive already holds.

One sequence, run by `procarchive crawl`, `nightly` and `link-mirrors` alike: reposts to
their originals (mirrors), the reports of one MoU signing to one record (signings, which
reads the mirror links), articles to the tender notices they cite (notices)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from procarchive.linking.mirrors import LinkSummary, link_mirrors
from procarchive.linking.notices import NoticeLinks, link_notices
from procarchive.linking.signings import group_signings


@dataclass(frozen=True)
class Linked:
    mirrors: LinkSummary
    signings: int
    notices: NoticeLinks

    def lines(self) -> list[str]:
        return [
            f"Mirror linking: {self.mirrors.indexed} articles compared, {self.mirrors.linked} "
            f"reposts linked, {self.mirrors.attributed} attributed to an unarchived source",
            f"MoU signings: {self.signings}",
            f"Notice linking: {self.notices.articles_scanned} articles and "
            f"{self.notices.notices_scanned} notices read, {self.notices.linked} links",
        ]


def link_archive(db: Database, agency_sources: Iterable[str], full: bool = False) -> Linked:
    """Link the articles not linked yet (`full`: every article again)."""
    mirrors = link_mirrors(db, agency_sources, full)
    return Linked(mirrors, group_signings(db), link_notices(db))
