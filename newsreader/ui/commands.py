"""The app's own commands for Textual's command palette (Ctrl+P), beside the built-in ones."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ReaderCommands(Provider):
    """Each command is an app action, so the palette, the keys and the tests share one path."""

    COMMANDS: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("Search articles", "Put the cursor in the search bar  ( / )", "focus_search"),
        ("Clear search", "Show every article again  ( Esc )", "clear_search"),
        ("First article", "Move to the top of the list  ( g )", "first_article"),
        ("Last article", "Move to the bottom of the list  ( G )", "last_article"),
        ("Open article", "Read the highlighted article  ( Enter )", "open_article"),
        ("Next article", "Read the next article  ( n )", "next_article"),
        ("Previous article", "Read the previous article  ( p )", "previous_article"),
        ("Toggle read", "Mark the article read or unread  ( m )", "toggle_read"),
        ("Toggle star", "Star or unstar the article  ( s )", "toggle_star"),
        ("Open link in browser", "The article's own link, http(s) only  ( o )", "open_link"),
        ("Copy link", "Copy the article's link  ( y )", "copy_link"),
        ("Show unread only", "Only unread articles; again for all  ( u )", "view('unread')"),
        ("Show starred only", "Only starred articles; again for all  ( S )", "view('starred')"),
        ("Show all articles", "Leave the unread or starred view", "show_all"),
        ("Next order", "Newest, oldest, source, title  ( O )", "next_sort"),
        ("Sort: newest first", "Order the list by date, newest first", "sort('newest')"),
        ("Sort: oldest first", "Order the list by date, oldest first", "sort('oldest')"),
        ("Sort: by source", "Order the list by source, then newest", "sort('source')"),
        ("Sort: by title", "Order the list by title", "sort('title')"),
        ("Statistics", "Articles per day, per source, unread  ( Ctrl+T )", "stats"),
        ("Refresh feeds", "Fetch every feed now, in the background  ( r )", "refresh_feeds"),
        ("Feeds", "Subscriptions and their health; pick one to read  ( F )", "feeds"),
        (
            "Toggle mark read on open",
            "Whether opening an article marks it read",
            "toggle_read_on_open",
        ),
        ("Narrower list", "Make the article list narrower  ( [ )", "narrower_list"),
        ("Wider list", "Make the article list wider  ( ] )", "wider_list"),
        ("Show keys", "List every key binding  ( ? )", "help"),
    )

    async def discover(self) -> Hits:
        for title, help_text, action in self.COMMANDS:
            yield DiscoveryHit(title, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self.COMMANDS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.app.run_action, action),
                    text=title,
                    help=help_text,
                )
