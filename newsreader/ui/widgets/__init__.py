"""Widgets of the reader: the virtual article list, the article pane, the search bar."""
