"""The article pane: one article set for reading, every word of it shown literally, and its
links (the article's own, and the numbered ones of its Links: list) opened or copied."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

from newsreader.links import is_web_link, numbered_links, refusal
from newsreader.store.views import ArticleView
from newsreader.ui.bindings import PANE_BINDINGS
from newsreader.ui.text import highlighted, literal_line, paragraphs, short_date

LINK_DIGIT_DELAY = 0.8
"""Seconds to type the second digit of a link number ([10] and on)."""


PANE_MAX_CHARS = 100_000
"""More than a long read (about 16,000 words). Laying out a 5 MB body froze the app for
seconds; the rest is a command away."""


def shown_body(article: ArticleView) -> str:
    """The body, or its first `PANE_MAX_CHARS` characters and a line saying so."""
    body = article.body
    if len(body) <= PANE_MAX_CHARS:
        return body
    cut = body.rfind("\n\n", 0, PANE_MAX_CHARS)
    cut = cut if cut > PANE_MAX_CHARS // 2 else PANE_MAX_CHARS
    return (
        f"{body[:cut]}\n\n[Shown: the first {cut:,} of {len(body):,} characters. "
        f"`newsreader show {article.id}` prints the whole article.]"
    )


class ArticlePane(VerticalScroll, can_focus=True):
    """Title, a dim meta line, then the body in a readable column; scrolls as a whole."""

    BINDINGS: ClassVar[list[BindingType]] = list(PANE_BINDINGS)

    COMPONENT_CLASSES: ClassVar[set[str]] = {"article-pane--match"}

    DEFAULT_CSS = """
    ArticlePane > .article-pane--match {
        color: $text-accent;
        background: $accent 20%;
        text-style: bold;
    }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.article: ArticleView | None = None
        self.terms: frozenset[str] = frozenset()
        self.wanted: int | None = None
        """The article the list has highlighted: links act only once it is the one shown."""
        self._link_digits = ""
        self._link_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="article-column"):
            yield Static(Content("Loading…"), id="article-title", markup=False)
            yield Static(Content(""), id="article-meta", markup=False)
            yield Static(Content(""), id="article-url", markup=False)
            yield Static(Content(""), id="article-body", markup=False)

    def show_article(self, article: ArticleView, terms: Collection[str] = ()) -> None:
        """Show `article`, with `terms` (a search's matched terms) highlighted."""
        same = self.article is not None and self.article.id == article.id
        self.article, self.terms = article, frozenset(terms)
        match = self.get_visual_style("article-pane--match", partial=True)
        title = highlighted(literal_line(article.title) or Content("(untitled)"), terms, match)
        meta = [
            part
            for part in (
                "★ starred" if article.is_starred else "",
                literal_line(article.source).plain,
                literal_line(article.author).plain,
                short_date(article.published_at) if article.published_at else "",
                f"{article.reading_minutes} min read" if article.word_count else "",
            )
            if part
        ]
        url = literal_line(article.url or "")
        body = highlighted(Content(paragraphs(shown_body(article))), terms, match)
        self.query_one("#article-title", Static).update(title)
        self.query_one("#article-meta", Static).update(Content(" · ".join(meta)))
        url_widget = self.query_one("#article-url", Static)
        url_widget.update(url)
        url_widget.display = bool(url)
        self.query_one("#article-body", Static).update(body or Content("(no text)"))
        self.set_class(False, "-empty")
        if not same:
            self.scroll_home(animate=False, immediate=True)

    def set_flags(
        self, article_id: int, *, is_read: bool | None = None, is_starred: bool | None = None
    ) -> None:
        """Show a read or starred state if `article_id` is the article shown."""
        shown = self.article
        if shown is not None and shown.id == article_id:
            read = shown.is_read if is_read is None else is_read
            starred = shown.is_starred if is_starred is None else is_starred
            if (read, starred) != (shown.is_read, shown.is_starred):  # else keep its scroll
                self.show_article(replace(shown, is_read=read, is_starred=starred), self.terms)

    def show_message(self, text: str) -> None:
        """An empty state: no article to show, and why."""
        self.article = None
        self.query_one("#article-title", Static).update(Content(text))
        for name in ("#article-meta", "#article-url", "#article-body"):
            self.query_one(name, Static).update(Content(""))
        self.query_one("#article-url", Static).display = False
        self.set_class(True, "-empty")

    # -- links -------------------------------------------------------------------------

    def current(self) -> ArticleView | None:
        """The article shown, if it is the highlighted one; else a notice and None."""
        shown = self.article
        if shown is None or shown.id != self.wanted:
            self.notify("No article is shown yet.", severity="warning", timeout=3)
            return None
        return shown

    def _web_link(self, url: str | None, what: str) -> str | None:
        """`url` if it may be opened; otherwise a one-line notice and None."""
        if not url:
            self.notify(f"This article has no {what}.", severity="warning", timeout=3)
            return None
        if not is_web_link(url):
            self.notify(
                f"Not opened: {literal_line(url).plain[:60]} {refusal(url)}.",
                severity="warning",
                markup=False,
                timeout=5,
            )
            return None
        return url

    def open_link(self) -> None:
        article = self.current()
        if article is not None and (url := self._web_link(article.url, "link")):
            self.app.open_url(url)

    def copy_link(self) -> None:
        article = self.current()
        if article is not None and (url := self._web_link(article.url, "link")):
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}", markup=False, timeout=3)

    def open_numbered_link(self, number: int) -> None:
        article = self.current()
        if article is None:
            return
        links = numbered_links(article.body)
        if number not in links:
            have = f"it has [1]–[{max(links)}]" if links else "it has none"
            self.notify(f"No link [{number}] in this article ({have}).", timeout=3)
            return
        if url := self._web_link(links[number], f"link [{number}]"):
            self.app.open_url(url)

    def action_link_digit(self, digit: int) -> None:
        """Digits while reading open a numbered link: at once when the article has fewer
        than ten, else after a pause for a second digit."""
        article = self.current()
        if article is None:
            return
        if self._link_timer is not None:
            self._link_timer.stop()
            self._link_timer = None
        self._link_digits += str(digit)
        count = len(numbered_links(article.body))
        if count < 10 or len(self._link_digits) >= 2 or int(self._link_digits) * 10 > count:
            self._follow_link_digits()
        else:
            self._link_timer = self.set_timer(LINK_DIGIT_DELAY, self._follow_link_digits)

    def _follow_link_digits(self) -> None:
        digits, self._link_digits, self._link_timer = self._link_digits, "", None
        if digits:
            self.open_numbered_link(int(digits))
