"""Load the sample sites' articles (our own writing, in content/*.yml)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import yaml

CONTENT_DIR = Path(__file__).parent / "content"


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    published: datetime  # local time of the site (WIB)
    author: str
    paragraphs: tuple[str, ...]
    category: str = "Berita"
    labels: tuple[str, ...] = ()
    reference: str | None = None
    repost_of: str | None = None
    modified: datetime | None = None  # local time of the last edit, if edited

    @property
    def last_change(self) -> datetime:
        return self.modified or self.published


@cache
def agency_articles() -> tuple[Article, ...]:
    """The agency site's articles, newest first."""
    rows = yaml.safe_load((CONTENT_DIR / "lkpp_news.yml").read_text(encoding="utf-8"))
    articles = [
        Article(
            slug=row["slug"],
            title=row["title"],
            published=_when(row["published"]),
            author=row.get("author", "Humas LKPP"),
            category=row.get("category", "Berita"),
            paragraphs=tuple(row["paragraphs"]),
        )
        for row in rows
    ]
    return tuple(sorted(articles, key=lambda a: a.published, reverse=True))


@cache
def blog_posts() -> tuple[Article, ...]:
    """The Blogger mirror's posts, newest first: reposts assembled from the agency's text."""
    originals = {article.slug: article for article in agency_articles()}
    rows = yaml.safe_load((CONTENT_DIR / "blogger_mirror.yml").read_text(encoding="utf-8"))
    posts = []
    for row in rows:
        source = originals.get(row.get("repost_of") or "")
        paragraphs = list(row.get("paragraphs") or [])
        if source is not None:
            kept = [source.paragraphs[i] for i in row.get("keep", range(len(source.paragraphs)))]
            for insert in sorted(row.get("insert", []), key=lambda i: i["after"], reverse=True):
                kept[insert["after"] : insert["after"]] = insert["paragraphs"]
            paragraphs = kept
        posts.append(
            Article(
                slug=row["slug"],
                title=row.get("title") or (source.title if source else row["slug"]),
                published=_when(row["published"]),
                author=row.get("author", "Rizal Pratama"),
                labels=tuple(row.get("labels", ())),
                paragraphs=tuple(paragraphs),
                reference=row.get("reference"),
                repost_of=source.slug if source else None,
            )
        )
    return tuple(sorted(posts, key=lambda a: a.published, reverse=True))


def generated_articles(count: int, seed: int = 7) -> tuple[Article, ...]:
    """`count` distinct agency-style articles for benchmarks, recombined from the real sample
    paragraphs so that text statistics (length, language) stay realistic."""
    pool = [p for article in agency_articles() for p in article.paragraphs]
    rng = random.Random(seed)
    start = datetime(2016, 1, 1, 8, 0)
    articles = []
    for n in range(count):
        paragraphs = tuple(rng.sample(pool, k=rng.randint(4, 7)))
        title_words = paragraphs[0].split()[:9]
        articles.append(
            Article(
                slug=f"berita-{n:05d}",
                title=" ".join(title_words).rstrip(",.") + f" ({n})",
                published=start + timedelta(hours=7 * n),
                author="Humas LKPP",
                paragraphs=paragraphs,
            )
        )
    return tuple(reversed(articles))


def _when(raw: str) -> datetime:
    return datetime.strptime(raw, "%Y-%m-%d %H:%M")
