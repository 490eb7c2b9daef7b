"""Tests for syntax the target Python cannot parse (measured against real CPython 3.7-3.13)."""

from __future__ import annotations

import ast
import sys

import pytest

from lambdalint.read.fstrings import fstring_pep701_problems
from lambdalint.read.imports import scan_code
from lambdalint.read.syntax import PEP701, target_issues

WALRUS = "if (x := 1):\n    pass\n"
POSONLY = "def f(a, /, b):\n    pass\n"
FSTR_EQ = "x = 1\ny = f'{x=}'\n"
DECO = "@a[0].b\ndef f():\n    pass\n"
DECO_LAMBDA = "@(lambda f: f)\ndef f():\n    pass\n"
WITH_AS = "with (open('a') as f, open('b') as g):\n    pass\n"
WITH_TUPLE = "with (a, b):\n    pass\n"
WITH_ONE = "with (a):\n    pass\n"
WITH_EXPR_AS = "with (a) as b:\n    pass\n"
MATCH = "x = 1\nmatch x:\n    case 1:\n        pass\n"
EXCEPT_STAR = "try:\n    pass\nexcept* ValueError:\n    pass\n"
STAR_RETURN = "def f():\n    return 1, *a\n"
STAR_RETURN_PAREN = "def f():\n    return (1, *a)\n"
STAR_SUBSCRIPT = "x[*a]\n"
STAR_ANNOTATION = "def f(*args: *Ts):\n    pass\n"

# (source, target, expected (line, column, feature) list); each row checked against the real
# interpreter of that version: it rejects the code exactly when an issue is expected.
TABLE = [
    (WALRUS, (3, 7), [(1, 5, "walrus operator (:=)")]),
    (WALRUS, (3, 8), []),
    (POSONLY, (3, 7), [(1, 1, "positional-only parameters")]),
    (POSONLY, (3, 8), []),
    pytest.param(
        FSTR_EQ,
        (3, 7),
        [(2, 5, "f-string '=' specifier")],
        marks=pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12+ no longer checks it"),
    ),
    (FSTR_EQ, (3, 8), []),
    (DECO, (3, 8), [(1, 2, "relaxed decorator expressions (PEP 614)")]),
    (DECO_LAMBDA, (3, 8), [(1, 3, "relaxed decorator expressions (PEP 614)")]),
    (DECO, (3, 9), []),
    (WITH_AS, (3, 8), [(1, 1, "parenthesized context managers")]),
    (WITH_AS, (3, 9), []),
    (WITH_TUPLE, (3, 8), [(1, 1, "parenthesized context managers")]),  # a tuple on 3.8
    (WITH_ONE, (3, 8), []),  # feature_version flags it; 3.8 accepts it
    (WITH_EXPR_AS, (3, 8), []),
    (WITH_ONE + MATCH, (3, 8), [(4, 1, "match statement")]),  # past the false positive
    (MATCH, (3, 9), [(2, 1, "match statement")]),
    (MATCH, (3, 10), []),
    (EXCEPT_STAR, (3, 10), [(1, 1, "except* (exception groups)")]),
    (EXCEPT_STAR, (3, 11), []),
    (STAR_RETURN, (3, 7), [(2, 5, "unparenthesized starred return/yield")]),
    (STAR_RETURN_PAREN, (3, 7), []),
    (STAR_RETURN, (3, 8), []),
    (STAR_SUBSCRIPT, (3, 10), [(1, 1, "star unpacking in subscripts or annotations (PEP 646)")]),
    (STAR_ANNOTATION, (3, 10), [(1, 8, "star unpacking in subscripts or annotations (PEP 646)")]),
    (STAR_SUBSCRIPT, (3, 11), []),
    ("f'{x!r:>{w}}' f\"{d['k']}\"\n", (3, 8), []),
    ("for x in y:\n    try:\n        pass\n    finally:\n        continue\n", (3, 7), []),
]


def issues(source: str, target: tuple[int, int]) -> list[tuple[int | None, int | None, str]]:
    """Run the target check on ``source`` and flatten the result."""
    found = target_issues(source, ast.parse(source), target, "index.py")
    return [(i.location.line, i.location.column, i.feature) for i in found]


@pytest.mark.parametrize(("source", "target", "expected"), TABLE)
def test_target_syntax_table(source, target, expected):
    """Each feature is reported for targets that lack it and only for those."""
    assert issues(source, target) == expected


def test_one_feature_version_issue_but_every_own_check():
    """``feature_version`` stops at its first error; the AST checks report every place."""
    source = MATCH + MATCH + DECO + DECO
    assert issues(source, (3, 8)) == [
        (2, 1, "match statement"),
        (9, 2, "relaxed decorator expressions (PEP 614)"),
        (12, 2, "relaxed decorator expressions (PEP 614)"),
    ]


def test_detail_is_the_parser_message():
    """The detail of a ``feature_version`` issue is the parser's own words."""
    (issue,) = target_issues(MATCH, ast.parse(MATCH), (3, 9), "index.py")
    assert issue.detail == "Pattern matching is only supported in Python 3.10 and greater"


def test_scan_code_reports_syntax_issues(tmp_path):
    """``scan_code`` attaches syntax issues with repo-relative paths and still reads imports."""
    code = tmp_path / "fn"
    code.mkdir()
    (code / "index.py").write_text("import a\n" + MATCH, encoding="utf-8")
    result = scan_code(code, tmp_path, (3, 9))
    (issue,) = result.syntax_issues
    assert (issue.location.file, issue.location.line, issue.feature) == (
        "fn/index.py",
        3,
        "match statement",
    )
    assert [r.module for r in result.imports] == ["a"]


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("f'{'a'}'", ["reuses the enclosing quote"]),
        ("f'{f'{x}'}'", ["reuses the enclosing quote"]),
        ("f'{x\n}'", ["line break inside a single-quoted f-string"]),
        ("f'''{x # note\n}'''", ["comment in the expression part"]),
        ("f'{\"\\n\".join(x)}'", ["backslash in the expression part"]),
        ("f'{x:{'>'}10}'", ["reuses the enclosing quote"]),
        ("'a' f'{'b'}'  # c\n 'd'", ["reuses the enclosing quote"]),
        ("f'{x!r:>{w}}'", []),
        ("f'{{literal}}'", []),
        ("f'''{'a'}'''", []),
        ("f\"{d['k']}\"", []),
        ("f'{x}\\n'", []),
        ("rf'\\d{x}'", []),
        ("f'\\N{EM DASH}{x}'", []),
        ("f'''{x\n}'''", []),
        ("'a' 'b'", []),
        ("b'{x}'", []),
    ],
)
def test_pep701_detector(literal, expected):
    """The f-string scanner finds exactly the PEP 701 forms in raw literal text."""
    assert fstring_pep701_problems(literal) == expected


@pytest.mark.skipif(sys.version_info < (3, 12), reason="only a 3.12+ host parses PEP 701")
@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("x = f'{'a'}'\n", "reuses the enclosing quote"),
        ("x = f'{\"\\n\".join(y)}'\n", "backslash in the expression part"),
        ("x = f'''{y # c\n}'''\n", "comment in the expression part"),
        ("x = f'{y\n}'\n", "line break inside a single-quoted f-string"),
    ],
)
def test_pep701_in_source(source, detail):
    """On a 3.12+ host, PEP 701 f-strings are issues for older targets."""
    assert target_issues(source, ast.parse(source), (3, 11), "f.py")[0].detail == detail
    assert issues(source, (3, 11)) == [(1, 5, PEP701)]
    assert issues(source, (3, 12)) == []


@pytest.mark.skipif(sys.version_info < (3, 12), reason="only a 3.12+ host parses PEP 695")
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("type X = int\n", [(1, 1, "type statement (PEP 695)")]),
        ("def f[T](x: T) -> T:\n    return x\n", [(1, 1, "type parameter syntax (PEP 695)")]),
        ("class A[T]:\n    pass\n", [(1, 1, "type parameter syntax (PEP 695)")]),
    ],
)
def test_pep695_on_newer_hosts(source, expected):
    """On a 3.12+ host, ``feature_version`` reports PEP 695 syntax for older targets."""
    assert issues(source, (3, 11)) == expected
