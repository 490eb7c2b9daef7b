"""Syntax the target Python cannot parse, found without running anything.

The host parser in ``feature_version`` mode does most of it, but measured on CPython
3.11-3.13 it misses some features and flags ``with (x):``; small AST checks fill the gaps,
and a scanner covers the PEP 701 f-strings that ``feature_version`` never checks.
"""

from __future__ import annotations

import ast
import sys
import tokenize
from typing import TYPE_CHECKING

from lambdalint.model import Location, SyntaxIssue
from lambdalint.read.fstrings import fstring_pep701_problems

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

HOST: tuple[int, int] = (sys.version_info.major, sys.version_info.minor)
PEP701 = "f-string syntax from Python 3.12 (PEP 701)"
PAREN_WITH = "parenthesized context managers"
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_ALIAS = tuple(t for t in (getattr(ast, "TypeAlias", None),) if isinstance(t, type))
_MESSAGES: tuple[tuple[str, str, tuple[type[ast.AST], ...]], ...] = (
    # (start of the parser's message, feature name, node kinds that carry the feature)
    ("Assignment expressions", "walrus operator (:=)", (ast.NamedExpr,)),
    ("Positional-only parameters", "positional-only parameters", (*_DEFS, ast.Lambda)),
    ("f-string: self documenting", "f-string '=' specifier", (ast.JoinedStr,)),
    ("Parenthesized context managers", PAREN_WITH, (ast.With, ast.AsyncWith)),
    ("Pattern matching", "match statement", (ast.Match,)),
    ("Exception groups", "except* (exception groups)", (ast.TryStar,)),
    ("Type statement", "type statement (PEP 695)", _ALIAS),
    ("Type parameter lists", "type parameter syntax (PEP 695)", (*_DEFS, *_ALIAS)),
    ("Type parameter defaults", "type parameter defaults (PEP 696)", (*_DEFS, *_ALIAS)),
)
_NOISE = frozenset({tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT})
Pos = tuple[int, int]  # 0-based line index, character column


def version(v: tuple[int, int]) -> str:
    """Format ``(3, 9)`` as ``"3.9"``."""
    return f"{v[0]}.{v[1]}"


def host_error(exc: SyntaxError, target: tuple[int, int]) -> str:
    """Describe code the host cannot parse; a newer target may still accept it."""
    message = f"cannot parse: {exc.msg}"
    if target > HOST:
        message += (
            f" (lambdalint runs on Python {version(HOST)}, older than the target"
            f" {version(target)}, so this may be newer syntax; run lambdalint on"
            f" Python {version(target)} or later to check it)"
        )
    return message


def target_issues(
    source: str,
    tree: ast.Module,
    target: tuple[int, int],
    file: str,
) -> list[SyntaxIssue]:
    """Find where ``source`` (parsed by the host into ``tree``) breaks on ``target``."""
    text = source.replace("\r\n", "\n").replace("\r", "\n")  # lines as the parser counts them
    lines = [line + "\n" for line in text.split("\n")]
    found: dict[tuple[int, str], SyntaxIssue] = {}
    first = _feature_version_issue(text, tree, target, lines, file) if target < HOST else None
    for issue in ([first] if first else []) + list(_own_issues(tree, lines, target, file)):
        found.setdefault((issue.location.line or 0, issue.feature), issue)
    return sorted(found.values(), key=lambda i: (i.location.line or 0, i.location.column or 0))


def _feature_version_issue(
    source: str,
    tree: ast.Module,
    target: tuple[int, int],
    lines: list[str],
    file: str,
) -> SyntaxIssue | None:
    """Return the host parser's first ``feature_version`` error: it stops there."""
    work = list(lines)
    for _ in range(20):
        try:
            ast.parse(source, feature_version=target)
        except SyntaxError as exc:
            feature, kinds = next(
                ((name, kinds) for head, name, kinds in _MESSAGES if exc.msg.startswith(head)),
                (f"syntax not available in Python {version(target)}", ()),
            )
            node = _culprit(tree, exc, kinds)
            parens = None
            if isinstance(node, ast.With | ast.AsyncWith):
                parens = _with_parens(lines, node)
            if feature == PAREN_WITH and parens and not parens[2]:  # ``with (x):`` is 3.8 syntax
                for (row, col), char in ((parens[0], "["), (parens[1], "]")):
                    work[row] = work[row][:col] + char + work[row][col + 1 :]
                source = "".join(work)[:-1]  # same positions, no longer "parenthesized"
                continue
            line, col = _start(node) if node else (exc.lineno or 0, exc.offset or 0)
            return SyntaxIssue(Location(file, line or None, col or None), feature, exc.msg)
        except (ValueError, RecursionError, MemoryError):
            return None
        return None
    return None


def _culprit(tree: ast.AST, exc: SyntaxError, kinds: tuple[type[ast.AST], ...]) -> ast.AST | None:
    """Pick the node of ``kinds`` the error is about: the parser points at or past its end."""
    where = (exc.lineno or 0, (exc.offset or 1) - 1)
    nodes = [n for n in ast.walk(tree) if kinds and isinstance(n, kinds) and _start(n, 0) <= where]
    inside = [n for n in nodes if where <= _end(n)]  # else it points just past the node
    return max(inside, key=_start, default=None) or max(nodes, key=_end, default=None)


def _end(node: ast.AST) -> tuple[int, int]:
    """Return the line and 0-based column where a node ends."""
    return getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0


def _start(node: ast.AST, base: int = 1) -> tuple[int, int]:
    """Return the line and (``base``-based) column where a node starts."""
    return getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + base


def _with_parens(lines: list[str], node: ast.With | ast.AsyncWith) -> tuple[Pos, Pos, bool] | None:
    """Locate ``with ( ... ):`` wrapping all items; True when that needs Python 3.9."""
    readline = iter(lines[node.lineno - 1 :]).__next__  # tokens stop before any dedent
    tokens = (t for t in tokenize.generate_tokens(readline) if t.type not in _NOISE)
    try:
        while next(tokens).string != "with":
            pass
        opener = close = next(tokens)
        depth, new = 1, False
        while opener.string == "(" and depth:
            close = next(tokens)
            if close.type == tokenize.OP:
                depth += (close.string in "([{") - (close.string in ")]}")
            new = new or (depth == 1 and close.string in {",", "as"})
        if opener.string != "(" or next(tokens).string != ":":
            return None
    except (StopIteration, tokenize.TokenError, SyntaxError):
        return None
    row = node.lineno - 2
    return (row + opener.start[0], opener.start[1]), (row + close.start[0], close.start[1]), new


def _bslice(line: str, start: int, end: int | None) -> str:
    """Slice ``line`` by UTF-8 byte offsets, as the AST counts columns."""
    return line.encode()[start:end].decode("utf-8", "replace")


def _relaxed_decorator(node: ast.AST, _: list[str]) -> ast.AST | None:
    """Flag a decorator other than ``@dotted.name`` or ``@dotted.name(...)`` (PEP 614)."""
    for deco in node.decorator_list if isinstance(node, _DEFS) else []:
        expr = deco.func if isinstance(deco, ast.Call) else deco
        while isinstance(expr, ast.Attribute):
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return deco
    return None


def _star_return(node: ast.AST, lines: list[str]) -> ast.AST | None:
    """Flag ``return 1, *rest`` without parentheses."""
    value = node.value if isinstance(node, ast.Return | ast.Yield) else None
    if isinstance(value, ast.Tuple) and any(isinstance(e, ast.Starred) for e in value.elts):
        first = _bslice(lines[value.lineno - 1], value.col_offset, value.col_offset + 1)
        return None if first == "(" else node
    return None


def _star_subscript(node: ast.AST, _: list[str]) -> ast.AST | None:
    """Flag ``x[*a]`` and ``*args: *Ts`` (PEP 646)."""
    if isinstance(node, ast.Subscript):
        elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return node if any(isinstance(e, ast.Starred) for e in elts) else None
    if isinstance(node, ast.arguments) and node.vararg:
        return node.vararg if isinstance(node.vararg.annotation, ast.Starred) else None
    return None


def _paren_with(node: ast.AST, lines: list[str]) -> ast.AST | None:
    """Flag ``with (a as b, c):``; on 3.8 ``with (a, b):`` is a tuple, a runtime error."""
    if isinstance(node, ast.With | ast.AsyncWith):
        parens = _with_parens(lines, node)
        return node if parens and parens[2] else None
    return None


_CHECKS: tuple[tuple[tuple[int, int], str, Callable[[ast.AST, list[str]], ast.AST | None]], ...] = (
    ((3, 8), "unparenthesized starred return/yield", _star_return),
    ((3, 9), "relaxed decorator expressions (PEP 614)", _relaxed_decorator),
    ((3, 9), PAREN_WITH, _paren_with),
    ((3, 11), "star unpacking in subscripts or annotations (PEP 646)", _star_subscript),
)


def _own_issues(
    tree: ast.Module,
    lines: list[str],
    target: tuple[int, int],
    file: str,
) -> Iterator[SyntaxIssue]:
    """Check what ``feature_version`` misses, in one walk without recursion."""
    checks = [(since, name, check) for since, name, check in _CHECKS if target < since]
    nested: set[int] = set()
    for node in ast.walk(tree):
        for since, name, check in checks:
            hit = check(node, lines)
            if hit is not None:
                detail = f"needs Python {version(since)} or later"
                yield SyntaxIssue(Location(file, *_start(hit)), name, detail)
        if target < (3, 12) and isinstance(node, ast.JoinedStr) and id(node) not in nested:
            nested.update(id(n) for n in ast.walk(node))
            first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
            chunk = "".join(lines[first : last + 1]).encode()
            end = len(chunk) - len(lines[last].encode()) + (node.end_col_offset or 0)
            segment = chunk[node.col_offset : end].decode("utf-8", "replace")
            if problems := fstring_pep701_problems(segment):
                detail = "; ".join(dict.fromkeys(problems))
                yield SyntaxIssue(Location(file, *_start(node)), PEP701, detail)
