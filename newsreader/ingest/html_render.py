"""inscriptis set up for newsreader: our list and quote indents, links and images as
numbered references, and a line buffer that stays linear.

Imported only when HTML is first converted (inscriptis and lxml take a while to load).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any
from urllib.parse import urljoin

import inscriptis.model.canvas
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.html_engine import Inscriptis
from inscriptis.html_properties import Display
from inscriptis.model.canvas.block import Block
from inscriptis.model.config import ParserConfig
from inscriptis.model.html_element import HtmlElement
from inscriptis.model.tag import CustomHtmlTagHandlerMapping

from newsreader.ingest.sanitize import clean_line
from newsreader.links import web_link


class LinearBlock(Block):  # type: ignore[misc]  # inscriptis has no type hints
    """inscriptis' line buffer, appending its pieces to a list.

    inscriptis' own `Block` adds each piece with `+=` on an attribute, which copies the line
    so far every time: a paragraph of 400,000 inline tags took 30 s, and grew as the square of
    its length. It also unescaped the text a second time after lxml had decoded it, so
    `&amp;lt;` showed as `<` and `&amp;#27;` became an ESC: text is taken as lxml gives it.
    """

    idx: int
    prefix: Any
    collapsable_whitespace: bool

    def __init__(self, idx: int, prefix: Any) -> None:
        super().__init__(idx, prefix)
        self._parts: list[str] = []

    def merge_normal_text(self, text: str) -> None:
        words = " ".join(text.split())  # whitespace runs as one space (str.isspace, as before)
        if words:
            text = (" " if text[0].isspace() else "") + words + (" " if text[-1].isspace() else "")
        else:
            text = " " if text else ""
        if self.collapsable_whitespace and text.startswith(" "):
            text = text[1:]
        if text:
            self.collapsable_whitespace = text.endswith(" ")
            self._append(text)

    def merge_pre_text(self, text: str) -> None:
        self._append(text.replace("\n", "\n" + self.prefix.rest))
        self.collapsable_whitespace = False

    def _append(self, text: str) -> None:
        if not self._parts:
            text = self.prefix.first + text
        self._parts.append(text)
        self.idx += len(text)

    @property
    def content(self) -> str:
        text = "".join(self._parts)
        if self.collapsable_whitespace and text.endswith(" "):
            text = text[:-1]
            self.idx -= 1
        self._parts = [text] if text else []
        return text

    def is_empty(self) -> bool:
        return not self.content

    def new_block(self) -> LinearBlock:
        self.prefix.consumed = False
        return LinearBlock(idx=self.idx + 1, prefix=self.prefix)


inscriptis.model.canvas.Block = LinearBlock  # every canvas (and table cell) starts with one


class References:
    """The links of one document, numbered in order of first use."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.numbers: dict[str, int] = {}
        self.open: list[str | None] = []  # the hrefs of the links being written

    def number(self, href: str | None) -> int | None:
        """The reference number of `href` made absolute, or None when it is no web link."""
        href = (href or "").strip()
        try:
            if href and self.base_url and not href.startswith(("https://", "http://")):
                href = urljoin(self.base_url, href)
        except ValueError:
            return None
        link = web_link(href)
        return None if link is None else self.numbers.setdefault(link, len(self.numbers) + 1)


_REFERENCES: ContextVar[References] = ContextVar("newsreader_html_references")


def _a_start(state: Any, attrs: dict[str, str]) -> None:
    _REFERENCES.get().open.append(attrs.get("href"))


def _a_end(state: Any) -> None:
    references = _REFERENCES.get()
    if references.open and (number := references.number(references.open.pop())):
        state.tags[-1].write(f" [{number}]")


def _img(state: Any, attrs: dict[str, str]) -> None:
    """`[image: alt] [n]`, or `[image] [n]` without alt text; a 1-pixel tracker is left out."""
    if {attrs.get("width", "").strip(), attrs.get("height", "").strip()} & {"0", "1"}:
        return
    references = _REFERENCES.get()
    number = references.number(attrs.get("src")) or references.number(attrs.get("data-src"))
    alt = clean_line(attrs.get("alt") or attrs.get("title") or "")[:300]
    label = f"[image: {alt}]" if alt else "[image]"
    state.tags[-1].write(f"{label} [{number}]" if number else label)


def _ul_start(state: Any, attrs: dict[str, str]) -> None:
    state.li_counter.append("• ")


def _config() -> ParserConfig:
    """inscriptis' strict CSS with lists at column 0 (nested ones indented under their
    item), indented quotes, and our link and image handlers."""
    css = dict(CSS_PROFILES["strict"])
    css["ul"] = HtmlElement(display=Display.block, padding_inline=2)  # "• " at column 0
    css["ol"] = HtmlElement(display=Display.block, padding_inline=3)  # "1. " at column 0
    quote = HtmlElement(display=Display.block, margin_before=1, margin_after=1, padding_inline=2)
    css["blockquote"] = quote
    css["dd"] = HtmlElement(display=Display.block, padding_inline=2)
    for tag in ("dl", "dt", "section", "details", "summary", "hr"):
        css[tag] = HtmlElement(display=Display.block)
    handlers = CustomHtmlTagHandlerMapping(
        start_tag_mapping={"a": _a_start, "img": _img, "ul": _ul_start},
        end_tag_mapping={"a": _a_end},
    )
    return ParserConfig(css=css, custom_html_tag_handler_mapping=handlers)


_CONFIG = _config()


def render(root: Any, base_url: str | None) -> tuple[str, list[str]]:
    """(text, links) of a prepared lxml tree: the text refers to `links[i]` as `[i+1]`."""
    references = References(base_url)
    token = _REFERENCES.set(references)
    try:
        text = Inscriptis(root, _CONFIG).get_text()
    finally:
        _REFERENCES.reset(token)
    return text, list(references.numbers)
