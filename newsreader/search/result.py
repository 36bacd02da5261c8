"""What a search returns: light enough to import where numpy is not wanted yet."""

from __future__ import annotations

from dataclasses import dataclass, field


class SearchCancelled(Exception):
    """A newer query superseded this one."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    ids: list[int]
    """Matching article ids, best first."""
    scores: list[float]
    terms: frozenset[str] = field(default_factory=frozenset)
    """Index terms the query matched: pass to `highlight_spans`."""

    def __len__(self) -> int:
        return len(self.ids)
