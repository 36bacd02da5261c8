"""Typo-tolerant ranked full-text search. Pure: no UI, any SQLAlchemy database.

Import from the submodules: `result` and `tokens` are light enough for the UI's first
frame; `index` and `writer` bring numpy and are loaded when a search or an import needs them.
"""
