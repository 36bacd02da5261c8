"""The Textual UI: the only part of newsreader that imports textual."""

import os

# Textual paces screen updates at TEXTUAL_FPS (60 by default), read when textual is first
# imported (here, before any of it): a keystroke's list waited up to two frames, 33 ms, for
# the next update. At 240 a frame is 4 ms; idle, the app costs the same as at 120 (0.5-0.6%
# of a core with the cursor blinking: the update timer sleeps while nothing changes). A
# person's setting wins.
FPS = "240"
os.environ.setdefault("TEXTUAL_FPS", FPS)
