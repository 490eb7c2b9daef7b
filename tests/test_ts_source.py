"""The TypeScript text scanner behind CDK app reading: strings and comments never confuse it."""

from __future__ import annotations

import pytest

from lambdalint.discover.ts_source import closing, expression_end, split


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("f(a, b) + 1", 1, 7),
        ("f('(', \")\", `[${x}]`)", 1, 21),
        ("f('it\\'s )')", 1, 12),
        ("f(a", 1, -1),
    ],
)
def test_closing(text, start, end):
    """The closing bracket is found past brackets and escaped quotes inside string literals."""
    assert closing(text, start) == end


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("x = f(a;b);\ny", 10),
        ("x = 'a;b'\ny", 9),
        ("x = `a\nb`", 9),
    ],
)
def test_expression_end(text, end):
    """An expression ends at a top-level ; or newline, not inside brackets or strings."""
    assert expression_end(text, 0) == end


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a, f(b, c), 'd, e'", ["a", "f(b, c)", "'d, e'"]),
        ("'x\\', y', z", ["'x\\', y'", "z"]),
        ("", []),
    ],
)
def test_split(text, parts):
    """Top-level commas split; commas in calls and string literals do not."""
    assert split(text) == parts
