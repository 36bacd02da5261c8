"""HTML to readable text: paragraphs and lists kept, links as numbered references.

Feed entries arrive as HTML. Readers want the words, the structure that carries meaning
(paragraphs, list items, quotes) and the links, but never scripts, styles or anything that
could act on their behalf: only http/https links are kept as references; `javascript:`,
`data:` and `file:` links stay as inert text.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

from newsreader.ingest.sanitize import normalise_spaces, strip_controls
from newsreader.links import web_link

_BLOCKS = frozenset(
    "p div br hr h1 h2 h3 h4 h5 h6 ul ol li blockquote pre table tr section article header "
    "footer figure figcaption aside main nav dl dt dd address details summary".split()
)
_DROPPED = frozenset(
    "script style noscript template iframe object embed svg math head title".split()
)
_VOID = frozenset("br hr img input meta link area base col embed source track wbr".split())


_MAX_INDENT = 8
"""List levels shown by indentation; deeper ones stay at this depth, so the text grows with
the input, not with the input times its depth."""


class _Converter(HTMLParser):
    def __init__(self, base_url: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.blocks: list[list[str]] = []  # each block's lines: list items share a block
        self.line: list[str] = []
        self.links: dict[str, int] = {}  # link -> its reference number, in order of use
        self.skip_depth = 0
        self.pre_depth = 0
        self.lists: list[list[int]] = []  # per open list: [counter] (0 for bullets)
        self.href_stack: list[str | None] = []
        self.item = False  # the current line is a list item
        self.last_was_item = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            if tag not in _VOID:
                self.skip_depth += 1
            return
        if self.skip_depth:
            return
        attr = dict(attrs)
        if tag in _BLOCKS:
            self._break()
        if tag == "pre":
            self.pre_depth += 1
        elif tag in {"ul", "ol"}:
            self.lists.append([1 if tag == "ol" else 0])
            self.last_was_item = False
        elif tag == "li":
            marker = "•"
            if self.lists and self.lists[-1][0]:
                marker = f"{self.lists[-1][0]}."
                self.lists[-1][0] += 1
            depth = min(len(self.lists) - 1, _MAX_INDENT) if self.lists else 0
            self.line.append(f"{'  ' * depth}{marker} ")
            self.item = True
        elif tag == "blockquote":
            self.line.append("> ")
        elif tag == "a":
            self.href_stack.append(self._link(attr.get("href") or ""))
        elif tag == "img" and attr.get("alt"):
            self.line.append(f"[image: {attr['alt']}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            if tag not in _VOID:
                self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        if tag == "a" and self.href_stack:
            href = self.href_stack.pop()
            if href:
                number = self.links.setdefault(href, len(self.links) + 1)
                self.line.append(f" [{number}]")
        elif tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
        if tag in _BLOCKS:
            self._break()
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.line.append(data if self.pre_depth else " ".join(data.split(" ")))

    def _break(self) -> None:
        text = "".join(self.line)
        self.line = []
        if self.pre_depth:
            text = text.strip("\n")
        else:
            text = normalise_spaces(text.replace("\n", " "))
        item, self.item = self.item, False
        if not text or text in {"•", ">"}:
            return
        if item and self.last_was_item:
            self.blocks[-1].append(text)  # list items stay together
        else:
            self.blocks.append([text])
        self.last_was_item = item

    def _link(self, href: str) -> str | None:
        """The absolute http(s) link, or None for anything that must stay inert."""
        href = href.strip()
        try:
            if href and self.base_url:
                href = urljoin(self.base_url, href)
        except ValueError:
            return None
        return web_link(href)

    def result(self) -> tuple[str, list[str]]:
        self._break()
        return "\n\n".join("\n".join(lines) for lines in self.blocks), list(self.links)


def html_to_text(html: str, base_url: str | None = None) -> tuple[str, list[str]]:
    """(text, links): the text refers to `links[i]` as `[i+1]`."""
    converter = _Converter(base_url)
    converter.feed(strip_controls(html))
    converter.close()
    text, links = converter.result()
    return strip_controls(text), links


def with_references(text: str, links: list[str]) -> str:
    """The article body: text, then the numbered links it refers to."""
    if not links:
        return text
    refs = "\n".join(f"[{i}] {url}" for i, url in enumerate(links, 1))
    return f"{text}\n\nLinks:\n{refs}"
