"""The Textual UI: the only part of newsreader that imports textual."""

import os

# Textual paces screen updates at TEXTUAL_FPS (60 by default), read when textual is first
# imported (here, before any of it): a keystroke's list waited up to two frames, 33 ms, for
# the next update. A person's setting wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
