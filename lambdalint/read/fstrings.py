"""A scanner for the f-strings that need Python 3.12 (PEP 701).

The host parser's ``feature_version`` mode never checks f-string internals, so the source
text of each f-string is scanned here: quotes reused inside a field, backslashes, comments
and line breaks in the expression part.
"""

from __future__ import annotations

_PREFIXES = frozenset({"", "r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt"})


def fstring_pep701_problems(text: str) -> list[str]:
    """Say why the string literal(s) in ``text`` need Python 3.12's f-strings (PEP 701)."""
    problems: list[str] = []
    pos = 0
    while (pos := _skip_gap(text, pos)) < len(text):
        end = _literal(text, pos, problems)
        if end is None:
            break
        pos = end
    return problems


def _skip_gap(text: str, pos: int) -> int:
    """Skip whitespace, comments and line continuations between concatenated literals."""
    while pos < len(text) and (text[pos].isspace() or text[pos] in "#\\"):
        newline = text.find("\n", pos) if text[pos] == "#" else pos
        pos = len(text) if newline < 0 else newline + 1
    return pos


def _literal(text: str, pos: int, problems: list[str]) -> int | None:
    """Return the index after the literal at ``pos`` (prefix included), None if none is."""
    start = pos
    while pos < len(text) and text[pos].isalpha():
        pos += 1
    prefix = text[start:pos].lower()
    quote = next((q for q in ('"""', "'''", '"', "'") if text.startswith(q, pos)), None)
    if quote is None or prefix not in _PREFIXES:
        return None
    pos += len(quote)
    while pos < len(text) and not text.startswith(quote, pos):
        if ("f" in prefix or "t" in prefix) and text.startswith(("{{", "}}"), pos):
            pos += 2
        elif ("f" in prefix or "t" in prefix) and text[pos] == "{":
            pos = _field(text, pos + 1, quote, problems)
        else:
            pos += 2 if text[pos] == "\\" else 1
    return pos + len(quote)


def _field(text: str, pos: int, quote: str, problems: list[str]) -> int:
    """Scan one ``{expression!conv:spec}``; return the index after its ``}``."""
    depth, spec = 0, False
    while pos < len(text):
        char = text[pos]
        if char == "}" and depth == 0:
            return pos + 1
        if spec:
            pos = _field(text, pos + 1, quote, problems) if char == "{" else pos + 1
        elif char in "'\"":
            pos = _nested(text, pos, quote, problems)
        else:
            if char == "\\" or (char == "\n" and len(quote) == 1) or char == "#":
                problems.append(
                    {
                        "\\": "backslash in the expression part",
                        "\n": "line break inside a single-quoted f-string",
                    }.get(char, "comment in the expression part")
                )
            if char == "#":
                newline = text.find("\n", pos)
                pos = len(text) - 1 if newline < 0 else newline
            depth += (char in "([{") - (char in ")]}")
            spec = depth == 0 and char == ":"
            pos += 1
    return pos


def _nested(text: str, pos: int, quote: str, problems: list[str]) -> int:
    """Scan a string inside an expression part: reusing the outer quote needs 3.12."""
    start = pos
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    if text[start:pos].lower() not in _PREFIXES:
        start = pos
    end = _literal(text, start, problems) or pos + 1
    if (quote in text[pos:end]) if len(quote) == 1 else text.startswith(quote, pos):
        problems.append("reuses the enclosing quote")
    if "\\" in text[start:end]:
        problems.append("backslash in the expression part")
    return end
