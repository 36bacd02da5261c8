"""Entry HTML as text: each case named in issue 17 (tables, nested lists, `<br>`, images),
and the link numbering the article view and `newsreader.links` rely on."""

from __future__ import annotations

from newsreader.ingest.feed import parse_feed
from newsreader.ingest.html import MAX_LIST_DEPTH, MAX_TABLE_WIDTH, html_to_text, with_references
from newsreader.links import numbered_links

BASE = "https://news.example/story/"


def text(html: str) -> str:
    return html_to_text(html, BASE)[0]


def test_table_cells_are_aligned_columns_not_run_together() -> None:
    html = (
        "<table><tr><th>Team</th><th>Pts</th></tr><tr><td>Ajax</td><td>3</td></tr>"
        "<tr><td>PSV Eindhoven</td><td>12</td></tr></table>"
    )
    assert text(html) == "Team           Pts\nAjax           3\nPSV Eindhoven  12"


def test_a_table_too_wide_to_align_is_one_cell_line_per_row() -> None:
    wide = "word " * (MAX_TABLE_WIDTH // 4)
    html = f"<table><tr><td>Name</td><td>{wide}</td></tr><tr><td>Ajax</td><td>3</td></tr></table>"
    assert text(html) == f"Name | {wide.strip()}\nAjax | 3"


def test_a_table_inside_a_table_is_read_row_by_row() -> None:
    html = (
        "<table><tr><td>outer</td><td><table><tr><td>in1</td><td>in2</td></tr></table>"
        "</td></tr><tr><td>Ajax</td><td>3</td></tr></table>"
    )
    lines = text(html).splitlines()
    assert "in1 | in2" in lines and "Ajax | 3" in lines


def test_nested_lists_are_indented_and_keep_their_parent_item_whole() -> None:
    html = "<ul><li>Fruit<ul><li>Apple</li><li>Pear</li></ul>still fruit</li><li>Veg</li></ul>"
    assert text(html) == "• Fruit\n  • Apple\n  • Pear\n  still fruit\n• Veg"


def test_ordered_lists_number_each_level() -> None:
    html = "<ol><li>one</li><li>two<ol><li>two.a</li><li>two.b</li></ol></li></ol>"
    assert text(html) == "1. one\n2. two\n   1. two.a\n   2. two.b"


def test_list_indentation_stops_at_the_depth_cap() -> None:
    html = "<ul><li>x" * (MAX_LIST_DEPTH + 20) + "deepest"
    deepest = next(line for line in text(html).splitlines() if "deepest" in line)
    assert len(deepest) - len(deepest.lstrip()) <= 2 * MAX_LIST_DEPTH


def test_br_is_a_line_break_not_a_paragraph() -> None:
    html = "<p>line one<br>line two<br/>line three</p><p>next</p>"
    assert text(html) == "line one\nline two\nline three\n\nnext"


def test_images_are_numbered_links_with_alt_text_or_image() -> None:
    html = (
        '<p>See <img src="/a.png"> and <img src="https://cdn.example/b.png" alt="a cat">'
        ' and <img src="data:image/png;base64,AAAA">'
        '<img src="https://t.example/p.gif" width="1" height="1"> end.</p>'
    )
    body, links = html_to_text(html, BASE)
    assert body == "See [image] [1] and [image: a cat] [2] and [image] end."
    assert links == ["https://news.example/a.png", "https://cdn.example/b.png"]


def test_links_are_numbered_once_each_and_only_web_links() -> None:
    html = (
        '<p><a href="/one">One</a>, <a href="javascript:alert(1)">bad</a>, '
        '<a href="https://x.example/two">two</a> and <a href="/one">one again</a>.</p>'
        "<script>document.write('x')</script><style>p{}</style>"
    )
    body, links = html_to_text(html, BASE)
    assert body == "One [1], bad, two [2] and one again [1]."
    assert links == ["https://news.example/one", "https://x.example/two"]
    assert numbered_links(with_references(body, links)) == {1: links[0], 2: links[1]}


def test_a_feed_entry_body_carries_the_new_layout() -> None:
    description = (
        "&lt;table&gt;&lt;tr&gt;&lt;td&gt;Team&lt;/td&gt;&lt;td&gt;Pts&lt;/td&gt;&lt;/tr&gt;"
        "&lt;tr&gt;&lt;td&gt;Ajax&lt;/td&gt;&lt;td&gt;3&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;"
        "&lt;img src='/i.png'&gt;"
    )
    rss = (
        "<rss version='2.0'><channel><title>T</title><item><title>Scores</title>"
        f"<link>https://s.example/1</link><description>{description}</description>"
        "</item></channel></rss>"
    ).encode()
    (entry,) = parse_feed(rss, "t").entries
    assert entry.body == "Team  Pts\nAjax  3\n\n[image] [1]\n\nLinks:\n[1] https://s.example/i.png"


def test_character_references_cannot_spell_control_bytes() -> None:
    # ESC [31m goes whole; &#x9b; is `›` to an HTML parser (windows-1252), never CSI
    assert text("<p>a&#7;b&#27;[31mc&#x9b;d</p>") == "abc›d"


def test_entities_are_decoded_once() -> None:
    """inscriptis unescaped lxml's already decoded text again: `&amp;lt;` showed as `<` and
    `&amp;#27;` became an ESC."""
    assert (
        text("<p>&amp;lt;b&amp;gt; &amp;#27;[2J &amp;amp; a&lt;b</p>")
        == "&lt;b&gt; &#27;[2J &amp; a<b"
    )
