"""Close coverage for `stories_eval`: one event written up independently by several
sources, and the hard negatives beside it.

An event of a topic has its particulars: figures (a toll, an amount, a score) and a name or
two of its own (an opponent, a venue), besides the topic's people and places. Each report of
it is written afresh (new sentences from the topic's words, a new title), and mentions most
of the particulars, each in its own place. The hard negatives are the topic's other events:
often the same main person (the same team's next match, the minister's next statement),
the same places, within days of each other, under titles of the same shape; only the
particulars differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from benchmarks import words as W


@dataclass(frozen=True, slots=True)
class Event:
    who: str
    where: str
    figures: list[str]
    names: list[str]
    when: datetime


def _figure(rng: np.random.Generator) -> str:
    kind = int(rng.integers(4))
    if kind == 0:
        return str(int(rng.integers(11, 999)))
    if kind == 1:
        return f"{rng.integers(1, 99)}.{rng.integers(1, 9)}"
    if kind == 2:
        return f"{rng.integers(0, 6)}-{rng.integers(0, 6)}"
    return f"{rng.integers(2, 60)}%"


def event(rng: np.random.Generator, topic: object, when: datetime, who: str | None) -> Event:
    t = topic
    people, places = t.people, t.places  # type: ignore[attr-defined]
    names = [
        f"{W.FIRST_NAMES[int(rng.integers(len(W.FIRST_NAMES)))]} "
        f"{W.LAST_NAMES[int(rng.integers(len(W.LAST_NAMES)))]}",
        W.CITIES[int(rng.integers(len(W.CITIES)))],
    ]
    return Event(
        who or people[int(rng.integers(len(people)))],
        places[int(rng.integers(len(places)))],
        [_figure(rng) for _ in range(int(rng.integers(2, 4)))],
        names[: int(rng.integers(1, 3))],
        when,
    )


def _sentence(rng: np.random.Generator, topic: object, facts: list[str]) -> str:
    """Like `stories_eval._sentence`, but with names keeping their capitals, and `facts`
    (figures and names) placed among the words."""
    t = topic
    words: list[str] = []
    for _ in range(int(rng.integers(10, 22))):
        roll = rng.random()
        if roll < 0.42:
            words.append(W.STOPWORDS[int(rng.integers(40))])
        elif roll < 0.75:
            words.append(t.words[int(rng.integers(len(t.words)))])  # type: ignore[attr-defined]
        elif roll < 0.92:
            words.append(W.NEWS_WORDS[int(rng.integers(len(W.NEWS_WORDS)))])
        else:
            pool = (t.people, t.places, t.orgs)[int(rng.integers(3))]  # type: ignore[attr-defined]
            words.append(pool[int(rng.integers(len(pool)))])
    for fact in facts:
        words.insert(int(rng.integers(1, len(words) + 1)), fact)
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def report(rng: np.random.Generator, topic: object, e: Event) -> tuple[str, str, datetime]:
    """(title, body, published) of one source's own report of `e`."""
    facts = [e.who, e.where, *e.figures, *e.names]
    facts = [f for f in facts if rng.random() < 0.85] or facts[:3]
    n = int(rng.integers(5, 12))
    lede = [[] for _ in range(3)]  # type: list[list[str]]
    for fact in facts:
        lede[int(rng.integers(3))].append(fact)
    sentences = [_sentence(rng, topic, lede[i] if i < 3 else []) for i in range(n)]
    if rng.random() < 0.5:  # a later paragraph repeats a particular
        sentences.append(_sentence(rng, topic, [e.figures[0], e.who]))
    verb = W.HEAD_VERBS[int(rng.integers(len(W.HEAD_VERBS)))]
    words = [t for t in topic.words if rng.random() < 0.05][:2]  # type: ignore[attr-defined]
    title = " ".join(
        [e.who, verb, *words, e.figures[0] if rng.random() < 0.5 else "", "in", e.where]
    )
    body = "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))
    when = e.when + timedelta(hours=float(rng.uniform(0, 30)))
    return " ".join(title.split()), body, when
