"""The bundled sample sites, by the names that sources.samples.yml uses."""

from __future__ import annotations

from samples.blogger_site import BloggerSite
from samples.content import agency_articles, blog_posts, generated_articles
from samples.lkpp_site import AgencySite
from samples.pps_site import PressReleaseBoard, pps_releases
from samples.server import SampleServer, Site
from samples.spse_site import SpseSite
from samples.wordpress_site import WordPressSite, wordpress_posts

# Fixed ports for `procarchive crawl --samples` and the demo: an article's id comes from its
# URL, so the sample sites must keep their URLs from one crawl to the next, as real sites do.
SAMPLE_PORTS = {
    "lkpp": 8701, "blogger": 8702, "wordpress": 8703, "regional": 8704, "spse": 8705, "pps": 8706,
}  # fmt: skip


def build_sites(generated: int = 0) -> dict[str, Site]:
    """The agency site and the sites that repost it; `generated` > 0 serves that many synthetic
    agency articles instead (benchmarks)."""
    if generated:
        return {"lkpp": AgencySite(generated_articles(generated))}
    agency = AgencySite(agency_articles())
    return {
        "lkpp": agency,
        "blogger": BloggerSite(blog_posts(), agency),
        "wordpress": WordPressSite(*wordpress_posts("warta_pbj")),
        "regional": WordPressSite(*wordpress_posts("pbj_sleman")),
        "pps": PressReleaseBoard(pps_releases()),
        "spse": SpseSite.sample(),
    }


def serve_samples(generated: int = 0, ports: dict[str, int] | None = None) -> SampleServer:
    """Start the sample sites on 127.0.0.1; stop the returned server when done."""
    return SampleServer(build_sites(generated), ports).start()
