"""Publication dates, exact day: procarchive beside htmldate (extensive and quick search).

Five sets: (a) the real pages of ../shared/realdata with a labelled date (the two Indonesian
news pages, read as a registry source in WIB; the Blogger/WordPress pages of extraction-dev,
read as an ad-hoc crawl of their host reads them), (b) the same pages with their
machine-readable stamps and URL dates taken out (only the dates a reader sees remain: where
the htmldate fallback's settings were chosen), and (c) the held-out set of our own writing,
tests/fixtures/dates_heldout/, where a page without a publication date must get none,
(d) the second held-out set, written after the byline reader (tests/fixtures/dates_heldout2/),
(e) the third, written after the refusal of dates shown only outside the article's area
(tests/fixtures/dates_heldout3/: seven undated pages with decoys, ten dated ones).

`python -m benchmarks.publication_dates [--errors]` prints the figures (and each miss).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import htmldate

from procarchive.crawl import adhoc_sources
from scrapers.extract.article import parse_item

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"
HELDOUT = ROOT / "tests" / "fixtures" / "dates_heldout"
HELDOUT_BYLINES = ROOT / "tests" / "fixtures" / "dates_heldout2"
HELDOUT_UNDATED = ROOT / "tests" / "fixtures" / "dates_heldout3"
WIB = "+07:00"
MAX_DATE = "2099-12-31"  # htmldate's default bound is today: fixed, for the same figures


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    html: str
    offset: str | None  # the source's: a registry source's, or an ad-hoc crawl's
    day: str | None  # the labelled publication day; None: the page shows none


def adhoc_offset(url: str) -> str | None:
    return adhoc_sources([url])[0].timezone


def realdata_pages() -> Iterator[Page]:
    news = REALDATA / "indonesian-news"
    for url, case in json.loads((news / "truth.json").read_text(encoding="utf-8")).items():
        html = (news / case["file"]).read_text(encoding="utf-8")
        yield Page(case["file"], url, html, WIB, case["published"])
    dev = REALDATA / "extraction-dev"
    for url, case in json.loads((dev / "evaldata.json").read_text(encoding="utf-8")).items():
        if case.get("date"):  # 93 of the 132 name a date; an empty one is not a "none"
            html = gzip.decompress((dev / case["file"]).read_bytes()).decode("utf-8", "replace")
            yield Page(case["file"], url, html, adhoc_offset(url), case["date"])


STAMPS = re.compile(
    r"<script[^>]*ld\+json.*?</script>|<meta[^>]*(?:date|time|published|modified)[^>]*>"
    r"|<abbr[^>]*>|datetime=\"[^\"]*\"|datetime='[^']*'|\"date(?:Published|Modified|Created)\"",
    re.IGNORECASE | re.DOTALL,
)


def without_stamps(page: Page) -> Page:
    """The page as a reader sees its dates: no markup stamps, no date in the URL."""
    url = re.sub(r"/(?:19|20)\d{2}/\d{1,2}(?:/\d{1,2})?/", "/", page.url)
    return Page(page.name, url, STAMPS.sub("", page.html), page.offset, page.day)


def heldout_pages(folder: Path = HELDOUT) -> Iterator[Page]:
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    for name, case in labels.items():
        html = (folder / "pages" / name).read_text(encoding="utf-8")
        offset = WIB if case["source"] == "registry" else adhoc_offset(case["url"])
        yield Page(name, case["url"], html, offset, case["published"])


def procarchive_day(page: Page) -> str | None:
    item = parse_item(page.html, page.url, "benchmark", page.offset)
    return item.published_at[:10] if item and item.published_at else None


def htmldate_day(extensive: bool) -> Callable[[Page], str | None]:
    def read(page: Page) -> str | None:
        return htmldate.find_date(
            page.html, url=page.url, extensive_search=extensive, original_date=True,
            max_date=MAX_DATE,
        )  # fmt: skip

    return read


READERS = {
    "procarchive": procarchive_day,
    "htmldate extensive": htmldate_day(True),
    "htmldate quick": htmldate_day(False),
}


def score(pages: list[Page], errors: bool) -> dict[str, int]:
    right = dict.fromkeys(READERS, 0)
    for page in pages:
        for name, read in READERS.items():
            got = read(page)
            right[name] += got == page.day
            if errors and got != page.day:
                print(f"  miss {name}: {page.name} {got} (labelled {page.day})")
    return right


def report(title: str, pages: list[Page], errors: bool) -> None:
    right = score(pages, errors)
    figures = "  ".join(f"{n} {r}/{len(pages)} = {r / len(pages):.3f}" for n, r in right.items())
    print(f"{title}: {figures}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="print each miss")
    args = parser.parse_args(argv)
    if REALDATA.is_dir():
        real = list(realdata_pages())
        report("(a) realdata pages with a labelled date", real, args.errors)
        report("(b) the same, markup stamps and URL dates out", [*map(without_stamps, real)],
               args.errors)  # fmt: skip
    else:
        print(f"(a), (b) skipped: the real pages are not here ({REALDATA} is absent)")
    report("(c) held-out set of our own writing", list(heldout_pages()), args.errors)
    report("(d) second held-out set, bylines", list(heldout_pages(HELDOUT_BYLINES)), args.errors)
    report("(e) third held-out set, undated pages", list(heldout_pages(HELDOUT_UNDATED)),
           args.errors)  # fmt: skip


if __name__ == "__main__":
    main()
