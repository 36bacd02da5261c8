"""Keys are data: one keymap (Textual's `set_keymap`, by binding id) rebinds the footer, the
help screen, the palette's hints and the key itself at once."""

from __future__ import annotations

from textual.command import CommandPalette

from newsreader.store.store import Store
from newsreader.ui.app import make_app
from newsreader.ui.bindings import ALL_BINDINGS, BY_ID, help_sections, is_typed
from newsreader.ui.screens.help import HelpScreen
from newsreader.ui.widgets.search_bar import SearchBar
from tests.ui.helpers import flat, screen_lines, settle

SIZE = (120, 40)


def test_every_binding_has_its_own_id() -> None:
    ids = [binding.id for binding in ALL_BINDINGS]
    assert None not in ids and len(ids) == len(set(ids)) == len(BY_ID)


def test_typed_keys_are_told_by_name() -> None:
    for key in ("x", "slash", "question_mark", "left_square_bracket", "S", "space", "full_stop"):
        assert is_typed(key), key
    for key in ("ctrl+t", "escape", "down", "enter", "pagedown", "f1"):
        assert not is_typed(key), key


async def test_a_keymap_rebinds_footer_help_palette_and_the_key(store_50: Store) -> None:
    app = make_app(store_50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.set_keymap({"mark_read": "x", "search": "f"})
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert "f Search" in footer and "/ Search" not in footer

        reader = app.reader
        first = reader.article_list.highlighted_id
        assert first is not None
        await pilot.press("m")  # the old key does nothing now
        await settle(pilot)
        assert not store_50.rows([first])[first].is_read
        await pilot.press("x")
        await settle(pilot)
        assert store_50.rows([first])[first].is_read
        assert "0 unread" not in reader.status

        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = flat("\n".join(screen_lines(app)))
        assert "x Mark read / unread" in text and "m Mark read / unread" not in text
        assert "f Search: typos are fine" in text
        assert ("x", "Mark read / unread") in dict(help_sections(app))[
            "The highlighted article (list or reading)"
        ]
        await pilot.press("escape")

        await pilot.press("ctrl+p", *"toggle read")
        await pilot.pause(0.5)
        assert isinstance(app.screen, CommandPalette)
        assert "Mark the article read or unread  ( x )" in "\n".join(screen_lines(app))
        await pilot.press("escape")
        await settle(pilot)

        # The rebound keys type into the search bar like any other letter.
        await pilot.press("f")
        assert isinstance(app.focused, SearchBar)
        await pilot.press(*"fix")
        await settle(pilot)
        assert reader.search_bar.value == "fix"
        assert store_50.counts().unread == 49  # x typed, nothing marked
