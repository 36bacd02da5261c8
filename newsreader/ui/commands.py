"""The app's own commands for Textual's command palette (Ctrl+P), beside the built-in ones."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual.command import DiscoveryHit, Hit, Hits, Provider

from newsreader.ui.bindings import BY_ID, shown_keys


class ReaderCommands(Provider):
    """Each command is an action, so the palette, the keys and the tests share one path; its
    key hint comes from the binding (by id), so a keymap changes it too."""

    COMMANDS: ClassVar[tuple[tuple[str, str, str, str | None], ...]] = (
        ("Search articles", "Put the cursor in the search bar", "focus_search", "search"),
        ("Clear search", "Show every article again", "clear_search", "back"),
        ("First article", "Move to the top of the list", "first_article", "list_first"),
        ("Last article", "Move to the bottom of the list", "last_article", "list_last"),
        ("Open article", "Read the highlighted article", "open_article", "open"),
        ("Next article", "Read the next article", "next_article", "next_article"),
        ("Previous article", "Read the previous article", "previous_article", "previous"),
        ("Toggle read", "Mark the article read or unread", "toggle_read", "mark_read"),
        ("Toggle star", "Star or unstar the article", "toggle_star", "star"),
        ("Open link in browser", "The article's own link, http(s) only", "open_link", "open_link"),
        ("Copy link", "Copy the article's link", "copy_link", "copy_link"),
        (
            "Show unread only",
            "Only unread articles; again for all",
            "view('unread')",
            "unread_view",
        ),
        (
            "Show starred only",
            "Only starred articles; again for all",
            "view('starred')",
            "starred_view",
        ),
        ("Show all articles", "Leave the unread or starred view", "show_all", None),
        ("Next order", "Newest, oldest, source, title", "next_sort", "next_order"),
        ("Sort: newest first", "Order the list by date, newest first", "sort('newest')", None),
        ("Sort: oldest first", "Order the list by date, oldest first", "sort('oldest')", None),
        ("Sort: by source", "Order the list by source, then newest", "sort('source')", None),
        ("Sort: by title", "Order the list by title", "sort('title')", None),
        ("Statistics", "Articles per day, per source, unread", "stats", "stats"),
        ("Refresh feeds", "Fetch every feed now, in the background", "refresh_feeds", "refresh"),
        ("Feeds", "Subscriptions and their health; pick one to read", "feeds", "feeds"),
        (
            "Toggle mark read on open",
            "Whether opening an article marks it read",
            "toggle_read_on_open",
            None,
        ),
        (
            "Toggle stories as one row",
            "Whether the articles of one story show as one row (+N sources)",
            "toggle_stories",
            None,
        ),
        ("Narrower list", "Make the article list narrower", "narrower_list", "narrower_list"),
        ("Wider list", "Make the article list wider", "wider_list", "wider_list"),
        ("Show keys", "List every key binding", "help", "help"),
    )

    def _help(self, text: str, key_id: str | None) -> str:
        binding = BY_ID.get(key_id) if key_id else None
        return f"{text}  ( {shown_keys(self.app, binding)} )" if binding else text

    def _run(self, action: str) -> None:
        """Reader actions run on the reading view (under the palette), the rest on the app."""
        reader = self.app.screen_stack[0] if self.app.screen_stack else None
        if reader is not None and hasattr(reader, f"action_{action.partition('(')[0]}"):
            self.app.call_later(self.app.run_action, action, reader)
        else:
            self.app.call_later(self.app.run_action, action)

    async def discover(self) -> Hits:
        for title, text, action, key_id in self.COMMANDS:
            yield DiscoveryHit(title, partial(self._run, action), help=self._help(text, key_id))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, text, action, key_id in self.COMMANDS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self._run, action),
                    text=title,
                    help=self._help(text, key_id),
                )
