"""newsboat's filter language into ours: what can be said is said, the rest refused."""

from __future__ import annotations

from datetime import date

import pytest

from newsreader.ingest.newsboat_filter import Untranslatable, translate


@pytest.mark.parametrize(
    ("expression", "query"),
    [
        ('unread = "yes"', "is:unread"),
        ('unread != "yes"', "is:read"),
        ('unread == "no" and flags # "s"', "is:read is:starred"),
        ('unread = "yes" and tags # "tech"', 'is:unread tag:"tech"'),
        ('( tags # "a" or tags # "b" ) and title =~ "linux kernel"', 'tag:"a" tag:"b" "linux kernel"'),
        ('feedtitle =~ "Le Monde" or feedtitle = "BBC"', 'feed:"Le Monde" feed:"BBC"'),
        ("age < 7", "after:6d"),
        ("age <= 7", "after:7d"),
        ("age > 30", "before:30d"),
        ("age between 0:10", "after:10d"),
        ("age between 2:10", "after:10d before:1d"),
        ('date >= "2024-01-01" and pubDate < "2024-02-01"', "after:2024-01-01 before:2024-02-01"),
        ('date > "2024-01-31"', "after:2024-02-01"),
    ],
)  # fmt: skip
def test_what_our_qualifiers_can_say(expression: str, query: str) -> None:
    assert translate(expression, today=date(2026, 1, 1)) == query


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ('title =~ "^foo"', "a regular expression our search cannot express"),
        ('author = "x"', "our search has no way to say this"),
        ('bogus = "1"', "unknown attribute 'bogus'"),
        ('unread = "yes', "a quote is not closed"),
        ('tags # "a" and tags # "b"', "our tag: qualifiers mean any of them"),
        ('unread = "yes" or title =~ "x"', "can only say any-of for tags or feeds"),
        ('unread = "yes" and tags # "a" or tags # "b"', "mixes `and` and `or`"),
        ("((((", "ends too early"),
        ("(" * 40 + 'unread = "yes"' + ")" * 40, "nest deeper than 16"),
        ("age >= 0", "holds for every article"),
        ('date < "soon"', "not a date"),
        ("", "the expression is empty"),
        ('title !~ "x"', "our search has no way to say this"),
    ],
)
def test_what_they_cannot_is_refused_with_the_reason(expression: str, reason: str) -> None:
    with pytest.raises(Untranslatable, match=reason.replace("(", r"\(")):
        translate(expression)
