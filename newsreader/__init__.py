"""newsreader: a terminal news reader with typo-tolerant search."""

__version__ = "0.1.0"
