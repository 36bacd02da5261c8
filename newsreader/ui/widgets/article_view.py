"""The article pane: one article set for reading, every word of it shown literally."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from newsreader.store.views import ArticleView
from newsreader.ui.text import highlighted, literal_line, paragraphs, short_date

LINK_HELP = "Open link [n] from its Links: list"


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

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "page_down", "Page", show=False, tooltip="Page down"),
        Binding("b", "page_up", "Page up", show=False, tooltip="Page up"),
        Binding("j", "scroll_down", "Down", show=False, tooltip="Scroll down a line"),
        Binding("k", "scroll_up", "Up", show=False, tooltip="Scroll up a line"),
        Binding("g", "scroll_home", "Top", show=False, tooltip="Top of the article"),
        Binding("G", "scroll_end", "Bottom", show=False, tooltip="End of the article"),
        Binding("n", "app.next_article", "Next", tooltip="Next article"),
        Binding("p", "app.previous_article", "Previous", tooltip="Previous article"),
        *(
            Binding(str(n), f"app.link_digit({n})", f"Link {n}", show=False, tooltip=LINK_HELP)
            for n in (*range(1, 10), 0)
        ),
    ]

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

    def show_message(self, text: str) -> None:
        """An empty state: no article to show, and why."""
        self.article = None
        self.query_one("#article-title", Static).update(Content(text))
        for name in ("#article-meta", "#article-url", "#article-body"):
            self.query_one(name, Static).update(Content(""))
        self.query_one("#article-url", Static).display = False
        self.set_class(True, "-empty")
