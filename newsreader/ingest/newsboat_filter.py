"""newsboat's filter language (`unread = "yes" and tags # "tech"`) into our query language,
where our qualifiers can say the same; otherwise `Untranslatable` with the reason.

What can be said: `unread` (is:unread / is:read), `flags` (any flag is starred), words of
`title`/`content`/`description` matched with `=~` or `#` (searched as a phrase in the whole
article), `tags #` (tag:), `feedtitle =`/`=~` (feed:), `age` (after:Nd / before:Nd) and
`date`/`pubDate` compared with a date (after: / before:), joined by `and`. An `or` can only
join conditions of one kind that our qualifiers list as "any of" (tags, feed titles).
Anything else (regular expressions, negations, other attributes) is refused with a reason:
a translation never widens or narrows a query silently beyond the day granularity of dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from newsreader.search.query import QueryError, parse_date, parse_query
from newsreader.search.tokens import query_term

MAX_CHARS = 1000
MAX_DEPTH = 16

_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<open>")|(?P<number>-?\d+(?::-?\d+)?)'
    r"|(?P<op>==|!=|=~|!~|<=|>=|!#|=|<|>|#)|(?P<paren>[()])|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<other>\S))"
)
_REGEX_CHARS = re.compile(r"[.^$*+?()\[\]{}|\\]")
ATTRIBUTES = frozenset(
    "title link author content date pubDate guid unread enclosure_url enclosure_type flags "
    "age articleindex feedtitle description feedlink feeddate rssurl unread_count "
    "total_count tags feedindex".split()
)


class Untranslatable(ValueError):
    """The expression cannot be said in our query language; the message says why."""


@dataclass(frozen=True, slots=True)
class _Cond:
    attribute: str
    op: str
    value: str


@dataclass(frozen=True, slots=True)
class _Group:
    joiner: str  # "and" or "or"
    parts: tuple[_Cond | _Group, ...]


def translate(expression: str, *, today: date | None = None) -> str:
    """Our query for a newsboat filter expression; `Untranslatable` (one line) otherwise.
    The result is always a query `parse_query` accepts."""
    if len(expression) > MAX_CHARS:
        raise Untranslatable(f"the expression is over {MAX_CHARS:,} characters")
    tokens = _tokens(expression)
    tree, end = _expression(tokens, 0, 0)
    if end != len(tokens):
        raise Untranslatable(f"unexpected {_shown(tokens[end][1])}")
    parts = _and_parts(tree, today or date.today())
    query = " ".join(text for _, text in parts)
    try:
        parsed = parse_query(query)
    except QueryError as error:
        raise Untranslatable(str(error)) from None
    if parsed.is_empty and not parsed.filters:
        raise Untranslatable("it says nothing our search can use")
    return query


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 30 else text[:29] + "…")


def _tokens(expression: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(expression):
        kind = match.lastgroup
        if kind is None:
            break  # only spaces were left
        text = match.group(kind)
        if kind == "open":
            raise Untranslatable("a quote is not closed")
        if kind == "other":
            raise Untranslatable(f"{_shown(text)} is not part of the filter language")
        out.append((kind, text))
    if not out:
        raise Untranslatable("the expression is empty")
    return out


def _expression(tokens: list[tuple[str, str]], at: int, depth: int) -> tuple[_Cond | _Group, int]:
    if depth > MAX_DEPTH:
        raise Untranslatable(f"parentheses nest deeper than {MAX_DEPTH}")
    parts: list[_Cond | _Group] = []
    joiners: set[str] = set()
    while True:
        part, at = _operand(tokens, at, depth)
        parts.append(part)
        if at < len(tokens) and tokens[at] in (("word", "and"), ("word", "or")):
            joiners.add(tokens[at][1])
            at += 1
            continue
        break
    if len(joiners) > 1:
        raise Untranslatable("it mixes `and` and `or` without parentheses")
    if len(parts) == 1:
        return parts[0], at
    return _Group(joiners.pop(), tuple(parts)), at


def _operand(tokens: list[tuple[str, str]], at: int, depth: int) -> tuple[_Cond | _Group, int]:
    if at >= len(tokens):
        raise Untranslatable("the expression ends too early")
    kind, text = tokens[at]
    if (kind, text) == ("paren", "("):
        inner, at = _expression(tokens, at + 1, depth + 1)
        if at >= len(tokens) or tokens[at] != ("paren", ")"):
            raise Untranslatable("a parenthesis is not closed")
        return inner, at + 1
    if kind != "word":
        raise Untranslatable(f"expected an attribute, found {_shown(text)}")
    if text not in ATTRIBUTES:
        raise Untranslatable(f"unknown attribute {_shown(text)}")
    op_kind, op = tokens[at + 1] if at + 1 < len(tokens) else ("", "")
    if not (op_kind == "op" or (op_kind, op) == ("word", "between")):
        raise Untranslatable(
            f"{text}: expected an operator, found {_shown(op) if op else 'nothing'}"
        )
    if at + 2 >= len(tokens) or tokens[at + 2][0] not in ("string", "number"):
        raise Untranslatable(f"{text} {op}: expected a value")
    value_kind, value = tokens[at + 2]
    if value_kind == "string":
        value = re.sub(r"\\(.)", r"\1", value[1:-1])
    return _Cond(text, "=" if op == "==" else op, value), at + 3


def _and_parts(tree: _Cond | _Group, today: date) -> list[tuple[str | None, str]]:
    """(kind, query text) for each condition that must hold; a kind that lists "any of"
    (`tag`, `feed`) may come from one condition or one `or` group only."""
    members = list(tree.parts) if isinstance(tree, _Group) and tree.joiner == "and" else [tree]
    parts: list[tuple[str | None, str]] = []
    kinds: dict[str, int] = {}
    for number, member in enumerate(members):
        if isinstance(member, _Group) and member.joiner == "and":
            found = _and_parts(member, today)
        elif isinstance(member, _Group):
            found = _or_parts(member)
        else:
            found = [_condition(member, today)]
        for kind, text in found:
            if kind is not None and kinds.setdefault(kind, number) != number:
                raise Untranslatable(
                    f"two {kind} conditions joined by `and`: "
                    f"our {kind}: qualifiers mean any of them"
                )
            parts.append((kind, text))
    return parts


def _or_parts(group: _Group) -> list[tuple[str | None, str]]:
    parts: list[tuple[str | None, str]] = []
    for member in group.parts:
        if not isinstance(member, _Cond):
            raise Untranslatable(
                "`or` around a group: our search can only say any-of for tags or feeds"
            )
        kind, text = _condition(member, date.today())
        if kind is None:
            raise Untranslatable(
                f"`or` with {member.attribute}: our search can only say any-of for tags or feeds"
            )
        parts.append((kind, text))
    if len({kind for kind, _ in parts}) > 1:
        raise Untranslatable("`or` between tags and feed titles: our search cannot say that")
    return parts


def _condition(cond: _Cond, today: date) -> tuple[str | None, str]:
    attribute, op, value = cond.attribute, cond.op, cond.value
    said = f"{attribute} {op} {_shown(value)}"
    if attribute == "unread" and op in ("=", "!=") and value in ("yes", "no"):
        return None, "is:unread" if (value == "yes") == (op == "=") else "is:read"
    if attribute == "flags" and op in ("#", "!#") and value:
        return None, "is:starred" if op == "#" else "is:unstarred"
    if attribute == "flags" and op in ("=", "!=") and not value:
        return None, "is:unstarred" if op == "=" else "is:starred"
    if attribute in ("title", "content", "description") and op in ("=~", "#"):
        return None, f'"{_plain(value, said)}"'
    if attribute == "tags" and op == "#" and _plain(value, said):
        return "tag", f'tag:"{value}"'
    if attribute == "feedtitle" and op in ("=", "=~"):
        return "feed", f'feed:"{_plain(value, said)}"'
    if attribute == "age":
        return None, _age(op, value, said)
    if attribute in ("date", "pubDate") and op in ("<", "<=", ">", ">="):
        moment = parse_date(value)
        if moment is None or len(value) < 8 or not value[:4].isdigit():
            raise Untranslatable(f"{said}: not a date (YYYY-MM-DD)")
        if op in (">", "<="):
            moment += timedelta(days=1)  # day granularity: after the day, or up to its end
        return None, f"{'after' if op.startswith('>') else 'before'}:{moment.isoformat()}"
    raise Untranslatable(f"{said}: our search has no way to say this")


def _plain(value: str, said: str) -> str:
    """A value our search can match as words: no regular expression, no quotes."""
    if _REGEX_CHARS.search(value) or '"' in value:
        raise Untranslatable(f"{said}: a regular expression our search cannot express")
    if not any(query_term(word) for word in value.split()):
        raise Untranslatable(f"{said}: no words to search for")
    return " ".join(value.split())


def _age(op: str, value: str, said: str) -> str:
    first, _, second = value.partition(":")
    try:
        days = [int(first), *([int(second)] if second else [])]
    except ValueError:
        raise Untranslatable(f"{said}: not a number of days") from None
    if any(not 0 <= d <= 99_999 for d in days) or (op == "between") != (len(days) == 2):
        raise Untranslatable(f"{said}: not a number of days")
    if op == "between":
        low, high = min(days), max(days)
    elif op in ("<", "<=", "=", ">", ">="):
        # Whole days: `after:Nd` holds ages up to N, `before:Nd` ages from N + 1.
        n = days[0]
        low, high = {"<": (0, n - 1), "<=": (0, n), "=": (n, n)}.get(op, (n, 99_999))
        if op == ">":
            low = n + 1
    else:
        raise Untranslatable(f"{said}: our search compares ages with <, >, = and between")
    if high < low or high < 0:
        raise Untranslatable(f"{said}: no article can be that old")
    return " ".join(
        ([f"after:{high}d"] if high < 99_999 else []) + ([f"before:{low - 1}d"] if low > 0 else [])
    ) or _nothing(said)


def _nothing(said: str) -> str:
    raise Untranslatable(f"{said}: holds for every article")
