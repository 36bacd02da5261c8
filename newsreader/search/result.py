"""What a search returns: light enough to import where numpy is not wanted yet."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar, overload

T = TypeVar("T")


class SearchCancelled(Exception):
    """A newer query superseded this one."""


Cancelled = Callable[[], bool]
"""Asked as a search goes: true once a newer query superseded it (it then raises
`SearchCancelled`)."""


class Ranked(Sequence[T]):
    """A ranking whose head is at hand and whose tail is only worked out when first read.

    Most readers look at the first screenful of a 100k-hit ranking, and never at the rest.
    """

    __slots__ = ("_full", "_head", "_size", "_tail")

    def __init__(self, head: list[T], size: int, tail: Callable[[], list[T]]) -> None:
        self._head, self._size, self._tail = head, size, tail
        self._full: list[T] | None = None

    def _all(self) -> list[T]:
        if self._full is None:
            self._full = self._head + self._tail()
        return self._full

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        head = self._head
        if isinstance(index, slice):
            start, stop, step = index.indices(self._size)
            if step == 1 and stop <= len(head):
                return head[start:stop]
            return self._all()[index]
        if 0 <= index < len(head):
            return head[index]
        return self._all()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Ranked({self._all()!r})"


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    ids: Sequence[int]
    """Matching article ids, best first."""
    scores: Sequence[float]
    terms: frozenset[str] = field(default_factory=frozenset)
    """Index terms the query matched: pass to `highlight_spans`."""

    def __len__(self) -> int:
        return len(self.ids)
