"""HTML to readable text by inscriptis (lxml underneath), with links as numbered references.

Feed entries arrive as HTML. Readers want the words and the structure that carries meaning:
paragraphs, line breaks, lists indented by level, tables as aligned rows, quotes, code. A
maintained renderer does the layout; this module adds what is ours: only http/https links
and images become numbered references (`javascript:`, `data:` and `file:` stay inert text),
scripts and other hidden content are dropped, and the work stays linear in the input:

- the input is capped (`MAX_HTML_CHARS`);
- lxml stops at 256 levels of nesting, so a document nested deeper is read again without
  its nesting (`_Flat`), keeping all its words;
- lists deeper than `MAX_LIST_DEPTH` keep that depth's indentation;
- a table is aligned only while its rows fit `MAX_TABLE_WIDTH` and its padding stays in
  proportion to its text; any other table (and a table inside a table) becomes one
  `cell | cell` line per row, as padding every row to one huge cell would be quadratic.

The text is sanitised again afterwards: a character reference can spell a control byte.
"""

from __future__ import annotations

import html as html_module
import re
from html.parser import HTMLParser
from typing import Any

from newsreader.ingest.sanitize import strip_controls
from newsreader.links import web_link

MAX_HTML_CHARS = 4 * 2**20
"""Characters of one entry's HTML read; the rest is dropped (feeds are capped at 20 MB)."""
MAX_LIST_DEPTH = 8
"""List levels shown by indentation; deeper ones stay at this depth, so the text grows with
the input, not with the input times its depth."""
MAX_TABLE_WIDTH = 100
"""Widest aligned table row; a wider table reads better (and costs less) as `a | b` lines."""
_HIDDEN = tuple(
    "script style noscript template iframe object embed svg math head title select button "
    "input textarea".split()
)
_BREAKS = frozenset(
    "p div br hr h1 h2 h3 h4 h5 h6 ul ol li blockquote pre table tr section article header "
    "footer figure figcaption aside main nav dl dt dd address details summary td th".split()
)
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_PLAIN_PARAGRAPHS = re.compile(
    r"(?:[ \t\n]*+<p>(?:[^<>&]++|&(?:amp|lt|gt|quot|#39);)*+</p>)++[ \t\n]*+"
)
"""HTML that is only bare paragraphs of text (a few named references at most): most feed
entries. Its text is each paragraph's words, a blank line between paragraphs, which
`_plain_paragraphs` writes without a parser (~30x cheaper than lxml and inscriptis)."""


def html_to_text(html: str, base_url: str | None = None) -> tuple[str, list[str]]:
    """(text, links): the text refers to `links[i]` as `[i+1]`. Relative links are read
    against `base_url` when that is a web link (checked only when the HTML has links)."""
    html = html[:MAX_HTML_CHARS]
    if (text := _tidy_paragraphs(html)) is not None:
        return text, []
    html = strip_controls(html)
    if _PLAIN_PARAGRAPHS.fullmatch(html):
        return _plain_paragraphs(html), []
    return _rendered(html, base_url)


def _rendered(html: str, base_url: str | None) -> tuple[str, list[str]]:
    """`html_to_text` by lxml and inscriptis, for any HTML (with controls stripped)."""
    from newsreader.ingest.html_render import render

    base_url = web_link(base_url)
    root = _parse(html)
    if root is None:
        return "", []
    _prepare(root, charrefs="&#" in html)
    text, links = render(root, base_url)
    text = _BLANK_LINES.sub("\n\n", _TRAILING_SPACE.sub("\n", strip_controls(text) + "\n"))
    return text.strip("\n"), links


_REFERENCES = ("&amp;", "&lt;", "&gt;", "&quot;", "&#39;")
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def _tidy_paragraphs(html: str) -> str | None:
    """The text of bare paragraphs written tidily (`<p>a b</p><p>c</p>`: one space between
    words, none beside a tag, no other space or control character), else None. What feed
    generators write, read by string methods alone: `_plain_paragraphs` splits every word
    (~5x the cost). `isprintable` is false for each character `strip_controls` removes and
    for every whitespace character but the space, and is asked only of the non-ASCII ones."""
    if not (html.startswith("<p>") and html.endswith("</p>")):
        return None
    try:
        raw = html.encode()
    except UnicodeEncodeError:  # a lone surrogate
        return None
    odd = raw.translate(None, _PRINTABLE_ASCII)
    if b"  " in raw or (odd and not odd.decode().isprintable()):
        return None
    paragraphs = html[3:-4].split("</p><p>")
    for p in paragraphs:
        if not p or p[0] == " " or p[-1] == " " or "<" in p or ">" in p:
            return None  # empty, padded, or markup (or a stray `<`) inside
    text = "\n\n".join(paragraphs)
    if "&" in text:
        if text.count("&") != sum(text.count(name) for name in _REFERENCES):
            return None
        for name, char in zip(_REFERENCES[1:], "<>\"'", strict=True):
            text = text.replace(name, char)
        text = text.replace("&amp;", "&")  # last: `&amp;lt;` is `&lt;` as text
    return text


def _plain_paragraphs(html: str) -> str:
    """The text of HTML that `_PLAIN_PARAGRAPHS` matches, as the full converter writes it:
    the pieces between tags are paragraphs and the blanks between them (which have no words)."""
    pieces = html.replace("</p>", "<p>").split("<p>")
    words = (" ".join((html_module.unescape(p) if "&" in p else p).split()) for p in pieces)
    return "\n\n".join(filter(None, words))


def _parse(html: str) -> Any:
    """The document's lxml tree (None when it has no content); a document nested past
    libxml2's limit, where lxml would stop reading, is parsed again without its nesting."""
    from lxml import etree

    for attempt in (html, None):
        if attempt is None:
            flat = _Flat()
            flat.feed(html)
            flat.close()
            attempt = "".join(flat.out)
        parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
        )
        try:
            root = etree.fromstring(attempt.encode("utf-8", "replace"), parser)
        except etree.LxmlError:
            return None
        if not any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
            return root
    return root


def _prepare(root: Any, charrefs: bool) -> None:
    """Drop what is never shown, cap list depth, turn tables that would not align (or
    would cost too much to) into `a | b` lines, and, when the HTML has numeric character
    references (which can spell ESC, and an ESC would eat the ` [n]` after it), sanitise
    the decoded text. Searches run in lxml; an element is visited in Python only when it is
    a list or a table (at most 256 ancestors each) or for that sanitising."""
    from lxml import etree

    etree.strip_elements(root, *_HIDDEN, with_tail=False)
    if charrefs:
        for element in root.iter():
            if element.text:
                element.text = strip_controls(element.text)
            if element.tail:
                element.tail = strip_controls(element.tail)
    too_deep = [
        element
        for element in root.iter("ul", "ol")
        if sum(1 for _ in element.iterancestors("ul", "ol")) >= MAX_LIST_DEPTH
    ]
    for element in too_deep:
        element.tag = "div"  # its items keep the bullets and indentation of the list above
    outer = [t for t in root.iter("table") if next(t.iterancestors("table"), None) is None]
    for table in outer:
        if not _aligns(table):
            _flatten(table)


def _aligns(table: Any) -> bool:
    """Whether `table` renders as aligned columns: no table inside it, rows within
    `MAX_TABLE_WIDTH`, and padding in proportion to its text (an empty-celled grid of
    many rows, or one huge cell over many rows, would be mostly spaces)."""
    widths: list[int] = []
    rows = text = 0
    for row in table.iter("tr", "table"):
        if row.tag == "table" and row is not table:
            return False
        if row.tag != "tr":
            continue
        rows += 1
        for column, cell in enumerate(row.iterchildren("td", "th")):
            length = len(" ".join("".join(cell.itertext()).split()))
            text += length
            if column == len(widths):
                widths.append(0)
            widths[column] = max(widths[column], length)
            if sum(widths) + 2 * column > MAX_TABLE_WIDTH:
                return False
    return rows * (sum(widths) + 2 * len(widths)) <= 4 * text + 400


def _flatten(table: Any) -> None:
    """Each row of `table` (and of the tables inside it) as one `cell | cell` line."""
    for element in list(table.iter("table", "tr", "td", "th", "thead", "tbody", "tfoot")):
        if element.tag in ("td", "th"):
            element.tag = "span"
            if element.getprevious() is not None:
                element.text = " | " + (element.text or "")
        else:
            element.tag = "div"


class _Flat(HTMLParser):
    """A document's text, line breaks, links and images without its nesting: what lxml
    reads instead of a document nested past its limit. Links do not nest, the rest is
    text, so depth is at most the body's and the link's."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0
        self.in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += tag not in ("input", "embed")  # void elements have no end tag
        elif self.hidden:
            return
        elif tag == "img":
            kept = {k: v for k, v in attrs if k in ("src", "data-src", "alt", "width", "height")}
            self.out.append(f"<img{_attributes(kept)}>")
        elif tag == "a" and not self.in_link:
            self.in_link = True
            self.out.append(f"<a{_attributes({'href': dict(attrs).get('href')})}>")
        elif tag in _BREAKS:
            self.out.append("<br>")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - (tag not in ("input", "embed")))
        elif self.hidden:
            return
        elif tag == "a" and self.in_link:
            self.in_link = False
            self.out.append("</a>")
        elif tag in _BREAKS:
            self.out.append("<br>")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(html_module.escape(data, quote=False))


def _attributes(values: dict[str, str | None]) -> str:
    return "".join(
        f' {k}="{html_module.escape(v, quote=True)}"' for k, v in values.items() if v is not None
    )


def with_references(text: str, links: list[str]) -> str:
    """The article body: text, then the numbered links it refers to."""
    if not links:
        return text
    refs = "\n".join(f"[{i}] {url}" for i, url in enumerate(links, 1))
    return f"{text}\n\nLinks:\n{refs}"
