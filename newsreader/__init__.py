"""newsreader: a terminal news reader with typo-tolerant search."""

import logging

__version__ = "0.1.0"
DIST_NAME = "newsreader-tui"
"""The name on PyPI (`newsreader` there is someone else's project); the command and the
package stay `newsreader`."""

# A library's loggers stay quiet until the program configures them (the CLI does); without
# this, a warning logged in a test or a worker process would reach stderr raw.
logging.getLogger(__name__).addHandler(logging.NullHandler())
