"""The generic extractor on handwritten pages (the real-page evaluation is in test_realdata)."""

from __future__ import annotations

from scrapers.extract.generic import parse_article

BLOGGER_POST = """<html><head><title>Road works tender</title></head><body>
<div class="blog-posts hfeed"><div class="post hentry">
<h3 class="post-title entry-title">Road works tender published</h3>
<div class="post-body entry-content">
<p>The municipality has published a tender for the renovation of the main road, with a
budget of two million euros and a deadline for offers at the end of next month.</p>
<p>Bidders must show experience with comparable public works and submit all documents
through the national procurement portal before the deadline expires.</p>
<div class="sharedaddy"><h3>Share this:</h3><ul><li>Twitter</li><li>Facebook</li></ul></div>
<h4>0 Response to "Road works tender published"</h4>
<p>Posting Komentar</p>
<p>Newer Post Older Post Home</p>
</div>
</div></div>
</body></html>"""


def test_blogger_post_keeps_text_and_drops_footer() -> None:
    article = parse_article(BLOGGER_POST, "https://example.blogspot.com/2024/05/road.html")
    assert article is not None
    text = " ".join(article.text.split())
    assert "tender for the renovation of the main road" in text
    assert "through the national procurement portal" in text
    assert "\n\n" in article.text
    for boilerplate in ("Share this", "Twitter", "Response to", "Posting Komentar", "Older Post"):
        assert boilerplate not in article.text


def test_empty_page_gives_none() -> None:
    html = "<html><body><script>var x = 1;</script></body></html>"
    assert parse_article(html, "https://x.test/") is None


def test_same_page_same_result() -> None:
    url = "https://example.blogspot.com/2024/05/road.html"
    assert parse_article(BLOGGER_POST, url) == parse_article(BLOGGER_POST, url)
