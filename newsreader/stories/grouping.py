"""When two articles are one story: the decision, apart from how candidates are found.

Measured on `benchmarks/stories_eval.py` (see its docstring for the figures): body
similarity alone separates wire copies from other articles on the same topic, and a
similar title lets a more heavily edited copy in.
"""

from __future__ import annotations

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

WINDOW_SECONDS = 14 * 86400.0
"""Articles further apart in time are not one story's coverage, however alike."""
CONTAINS = 0.5
"""Share of the smaller article's shingles found in the other at or above which two
articles are one story (an excerpt, a copy with sentences dropped)."""
TITLE_CONTAINS = 0.35
"""Below `CONTAINS`, down to this, only when the titles agree too (`TITLE_RATIO`)."""
TITLE_RATIO = 60.0


def same_story(jaccard: float, containment: float, title: str, other_title: str) -> bool:
    if containment >= CONTAINS:
        return True
    if containment < TITLE_CONTAINS:
        return False
    ratio = fuzz.token_sort_ratio(title, other_title, processor=default_process)
    return ratio >= TITLE_RATIO
