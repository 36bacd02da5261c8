import pytest

from newsreader.ingest import IngestError
from newsreader.ingest.page import parse_page

PAGE = b"""<!DOCTYPE html><html><head><title>Harbour reopens | The Coast Post</title>
<meta property="og:site_name" content="The Coast Post"><meta name="author" content="Ann Lee">
<meta property="article:published_time" content="2024-03-05"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav><div class="ad">BUY NOW</div>
<article><h1>Harbour reopens after storm</h1>
<p>The harbour reopened on Tuesday after a week of repairs, officials said.</p>
<p>Fishing boats returned to the docks by noon, and the ferry service will resume on Friday.</p>
<script>alert("x")</script>
<p>Repairs cost an estimated two million euros, paid from the regional emergency fund.</p>
</article><footer>Copyright 2024</footer></body></html>"""


def test_main_text_is_extracted_without_chrome_or_scripts() -> None:
    draft = parse_page(PAGE, "harbour.html", "pages")
    assert draft.title == "Harbour reopens after storm"
    assert draft.source == "The Coast Post"
    assert draft.author == "Ann Lee"
    assert draft.published_at is not None and draft.published_at.year == 2024
    assert draft.body.startswith("The harbour reopened on Tuesday")
    assert "two million euros" in draft.body
    for chrome in ("BUY NOW", "alert", "Copyright", "Home"):
        assert chrome not in draft.body


def test_a_page_without_text_is_refused() -> None:
    with pytest.raises(IngestError):
        parse_page(b"<html><body><script>x()</script></body></html>", "empty.html")
