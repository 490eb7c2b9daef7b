"""Just enough of TypeScript/JavaScript source to read a CDK app's constructs as text.

Comments are blanked (offsets and lines kept), then calls are split into their arguments
and object literals into ``key: value`` pairs, respecting strings, template literals and
brackets. Nothing is evaluated beyond literals; anything else is left as its source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPEN, _CLOSE = "([{", ")]}"
_QUOTES = "'\"`"
_IMPORT = re.compile(
    r"""import\s+(?:\*\s+as\s+(?P<star>\w+)|\{(?P<names>[^}]*)\})\s+from\s+['"](?P<module>[^'"]+)['"]"""
)
_STRING = re.compile(r"""^(?:'([^'\\]*)'|"([^"\\]*)"|`([^`\\$]*)`)$""")


@dataclass(frozen=True, slots=True)
class Source:
    """One file's text with comments blanked, and what its names import."""

    text: str
    imports: dict[str, str]  # local name -> "module" (namespace) or "module:Export"

    def line(self, offset: int) -> int:
        """The 1-based line of ``offset``."""
        return self.text.count("\n", 0, offset) + 1


def parse(text: str) -> Source:
    """The file with comments blanked and its ``import`` bindings."""
    clean = _blank_comments(text)
    imports: dict[str, str] = {}
    for match in _IMPORT.finditer(clean):
        module = match["module"]
        if match["star"]:
            imports[match["star"]] = module
            continue
        for item in match["names"].split(","):
            name, _, alias = (part.strip() for part in item.partition(" as "))
            if name:
                imports[alias or name] = f"{module}:{name}"
    return Source(clean, imports)


def _blank_comments(text: str) -> str:
    """``//`` and ``/* */`` comments replaced by spaces; strings are left alone."""
    out, i = list(text), 0
    while i < len(text):
        if text[i] in _QUOTES:
            i = _string_end(text, i)
            continue
        if text.startswith("//", i) or text.startswith("/*", i):
            end = text.find("\n" if text[i + 1] == "/" else "*/", i + 2)
            end = len(text) if end < 0 else end + (0 if text[i + 1] == "/" else 2)
            for j in range(i, end):
                out[j] = out[j] if text[j] == "\n" else " "
            i = end
            continue
        i += 1
    return "".join(out)


def closing(text: str, start: int) -> int:
    """The offset just past the bracket that closes the one at ``start``; -1 if none."""
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char in _QUOTES:
            i = _string_end(text, i)
            continue
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def expression_end(text: str, start: int) -> int:
    """Where the expression from ``start`` ends: a top-level ``;`` or newline, or the end."""
    i = start
    while i < len(text):
        char = text[i]
        if char in _QUOTES:
            i = _string_end(text, i)
            continue
        if char in _OPEN:
            i = closing(text, i)
            if i < 0:
                return len(text)
            continue
        if char in ";\n":
            return i
        i += 1
    return len(text)


def split(text: str) -> list[str]:
    """Top-level comma-separated parts of an argument list or literal body, stripped."""
    parts, depth, current = [], 0, []
    i = 0
    while i < len(text):
        char = text[i]
        if char in _QUOTES:
            end = _string_end(text, i)
            current.append(text[i:end])
            i = end
            continue
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            i += 1
            continue
        current.append(char)
        i += 1
    last = "".join(current).strip()
    return [*parts, last] if last else parts


def members(literal: str) -> dict[str, str]:
    """``{ a: 1, b: 'x' }`` -> ``{"a": "1", "b": "'x'"}`` (shorthand ``{ a }`` -> ``a: a``)."""
    body = literal.strip()
    if not body.startswith("{") or not body.endswith("}"):
        return {}
    found: dict[str, str] = {}
    for part in split(body[1:-1]):
        key, colon, value = part.partition(":")
        key = key.strip().strip("'\"")
        if key.isidentifier():
            found[key] = value.strip() if colon else key
    return found


def string(expr: str) -> str | None:
    """The value of a string literal (no escapes, no ``${}``), else None."""
    match = _STRING.match(expr.strip())
    return next((g for g in match.groups() if g is not None), None) if match else None


def call(expr: str) -> tuple[str, list[str]] | None:
    """``a.b(x, y)`` -> ``("a.b", ["x", "y"])`` when ``expr`` is exactly one call."""
    text = expr.strip()
    head = re.match(r"(?:new\s+)?([\w$.]+)\s*\(", text)
    if not head:
        return None
    end = closing(text, head.end() - 1)
    if end != len(text):
        return None
    return head[1], split(text[head.end() : end - 1])


def _string_end(text: str, start: int) -> int:
    """The offset just past the string literal whose quote is at ``start`` (or the end)."""
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == text[start]:
            return i + 1
        else:
            i += 1
    return len(text)
