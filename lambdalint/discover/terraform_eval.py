"""A small, safe evaluator for the Terraform expressions that locate Lambda code.

python-hcl2 keeps expressions as text: a quoted template keeps its quotes (``"\\"x\\""``) and
any other expression is wrapped as ``"${...}"``. This module evaluates the handful of forms
that matter for discovery (literals, templates, ``path.*``, ``var.*`` defaults, ``local.*``,
list literals, and a few pure functions). Anything else raises ``Unresolved``; nothing is
ever executed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

type Value = str | int | float | bool | None | list[Value] | dict[str, Value]

_HEREDOC = re.compile(r"<<-?([A-Za-z_]\w*)\n(.*?)\n[ \t]*\1\s*$", re.DOTALL)
_REFERENCE = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[^\[\]]*\])*")
_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][\w-]*)|(?P<punct>[.,()\[\]])|(?P<quote>\"))"
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_FORMAT = re.compile(r"%[sdv%]")


class Unresolved(Exception):  # noqa: N818 - a result kind, not an error the user sees raw
    """An expression that cannot be evaluated without running Terraform."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def shown(raw: object) -> str:
    """The expression as a user would recognise it from the ``.tf`` file."""
    if isinstance(raw, str) and raw.startswith("${") and raw.endswith("}"):
        return raw[2:-1]
    if isinstance(raw, list):
        return "[" + ", ".join(shown(item) for item in raw) + "]"
    return str(raw)


def literal(raw: object) -> str | None:
    """The text of a quoted string without interpolation, else None (labels, keys)."""
    if isinstance(raw, str) and len(raw) >= 2 and raw[0] == raw[-1] == '"' and "${" not in raw:  # noqa: PLR2004
        return raw[1:-1]
    return raw if isinstance(raw, str) and not raw.startswith(("${", '"')) else None


@dataclass
class Scope:
    """What expressions in one Terraform module (one folder) can refer to."""

    folder: Path
    variables: Mapping[str, object] = field(default_factory=dict)
    declared: frozenset[str] = frozenset()
    locals: Mapping[str, object] = field(default_factory=dict)
    _active: set[str] = field(default_factory=set)

    def evaluate(self, raw: object) -> Value:
        """The value of a serialized HCL value; raises ``Unresolved``."""
        if raw is None or isinstance(raw, bool | int | float):
            return raw
        if isinstance(raw, list):
            return [self.evaluate(item) for item in raw]
        if isinstance(raw, dict):
            return {
                literal(k) or k: self.evaluate(v) for k, v in raw.items() if not k.startswith("__")
            }
        if isinstance(raw, str):
            if len(raw) >= 2 and raw[0] == raw[-1] == '"':  # noqa: PLR2004
                return self._template(raw[1:-1])
            if raw.startswith("${") and raw.endswith("}"):
                return _Parser(raw[2:-1], self).whole()
        raise Unresolved(f"{shown(raw)} is not a value lambdalint evaluates")

    def text(self, raw: object) -> str:
        """A value that must be a string (numbers are converted, as Terraform does)."""
        value = self.evaluate(raw)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise Unresolved(f"{shown(raw)} is not a string")
        return str(value)

    def path(self, raw: object) -> Path:
        """A file or folder path; relative paths are relative to the module folder."""
        return Path(os.path.normpath(self.folder / self.text(raw)))

    def reference(self, raw: object) -> str | None:
        """``data.archive_file.x.output_path`` for ``"${data.archive_file.x.output_path}"``.

        References through a ``local`` are followed, so ``local.zip`` finds what it names.
        """
        for _ in range(10):
            if not (isinstance(raw, str) and raw.startswith("${") and raw.endswith("}")):
                return None
            text = raw[2:-1].strip()
            if not _REFERENCE.fullmatch(text):
                return None
            parts = text.split(".")
            if parts[0] != "local" or len(parts) < 2 or parts[1] not in self.locals:  # noqa: PLR2004
                return text
            raw = self.locals[parts[1]]
        return None

    def lookup(self, root: str, name: str) -> Value:
        """The value of ``root.name`` for ``path``, ``var`` and ``local``."""
        if root == "path" and name in {"module", "root", "cwd"}:
            return str(self.folder)
        if root == "var":
            if name in self.variables:
                return self._once(f"var.{name}", self.variables[name])
            known = "has no default" if name in self.declared else "is not declared"
            raise Unresolved(f"var.{name} {known}")
        if root == "local" and name in self.locals:
            return self._once(f"local.{name}", self.locals[name])
        raise Unresolved(f"{root}.{name} is only known when Terraform runs")

    def _once(self, key: str, raw: object) -> Value:
        if key in self._active:
            raise Unresolved(f"{key} refers to itself")
        self._active.add(key)
        try:
            return self.evaluate(raw)
        finally:
            self._active.discard(key)

    def _template(self, body: str) -> str:
        heredoc = _HEREDOC.fullmatch(body)
        if heredoc:
            body = heredoc.group(2)
        out: list[str] = []
        i = 0
        while i < len(body):
            char = body[i]
            if char == "\\" and i + 1 < len(body) and not heredoc:
                out.append(_ESCAPES.get(body[i + 1], body[i : i + 2]))
                i += 2
            elif body.startswith(("$${", "%%{"), i):
                out.append(body[i + 1 : i + 3])
                i += 3
            elif body.startswith("${", i):
                end = closing(body, i + 2)
                out.append(_as_text(_Parser(body[i + 2 : end], self).whole()))
                i = end + 1
            elif body.startswith("%{", i):
                raise Unresolved("template directives (%{...}) are not evaluated")
            else:
                out.append(char)
                i += 1
        return "".join(out)


def closing(text: str, start: int) -> int:
    """Index of the ``}`` that closes an interpolation whose body starts at ``start``."""
    depth, i, quoted = 0, start, False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    raise Unresolved("unbalanced interpolation")


def _as_text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise Unresolved("a list or object cannot be interpolated into a string")


def _format(fmt: Value, *args: Value) -> str:
    text = _as_text(fmt)
    if "%" in _FORMAT.sub("", text):
        raise Unresolved("format() verbs other than %s/%d/%v are not evaluated")
    values = iter(args)
    try:
        return _FORMAT.sub(lambda m: "%" if m.group() == "%%" else _as_text(next(values)), text)
    except StopIteration:
        raise Unresolved("format() has too few arguments") from None


def _join(sep: Value, items: Value) -> str:
    if not isinstance(items, list):
        raise Unresolved("join() needs a list")
    return str(sep).join(_as_text(item) for item in items)


_FUNCTIONS: dict[str, Callable[..., Value]] = {
    "format": _format,
    "join": _join,
    "lower": lambda s: _as_text(s).lower(),
    "upper": lambda s: _as_text(s).upper(),
    "trimspace": lambda s: _as_text(s).strip(),
    "basename": lambda s: os.path.basename(_as_text(s)),  # noqa: PTH119 - Terraform semantics
    "dirname": lambda s: os.path.dirname(_as_text(s)),  # noqa: PTH120 - Terraform semantics
    "tostring": _as_text,
}


class _Parser:
    """Recursive descent over one ``${...}`` body: literals, references, calls, lists."""

    def __init__(self, text: str, scope: Scope) -> None:
        self.text, self.scope, self.pos = text, scope, 0

    def whole(self) -> Value:
        value = self.expr()
        if self.text[self.pos :].strip():
            raise Unresolved(f"{self.text.strip()} is not evaluated statically")
        return value

    def peek(self) -> tuple[str, str]:
        match = _TOKEN.match(self.text, self.pos)
        if match is None or match.lastgroup is None:
            rest = self.text[self.pos :].strip()
            if not rest:
                return ("end", "")
            raise Unresolved(f"{self.text.strip()} is not evaluated statically")
        return (match.lastgroup, match.group(match.lastgroup))

    def take(self) -> tuple[str, str]:
        kind, token = self.peek()
        match = _TOKEN.match(self.text, self.pos)
        self.pos = match.end() if match else len(self.text)
        return (kind, token)

    def expect(self, token: str) -> None:
        if self.take()[1] != token:
            raise Unresolved(f"{self.text.strip()} is not evaluated statically")

    def expr(self) -> Value:
        kind, token = self.take()
        if kind == "num":
            value: Value = float(token) if "." in token else int(token)
        elif kind == "quote":
            value = self.string()
        elif kind == "punct" and token == "[":
            value = self.items("]")
        elif kind == "name" and token in {"true", "false", "null"}:
            value = {"true": True, "false": False, "null": None}[token]
        elif kind == "name" and self.peek()[1] == "(":
            self.take()
            value = self.call(token, self.items(")"))
        elif kind == "name":
            value = self.reference(token)
        else:
            raise Unresolved(f"{self.text.strip()} is not evaluated statically")
        return self.postfix(value)

    def string(self) -> str:
        start = i = self.pos
        while i < len(self.text) and self.text[i] != '"':
            if self.text[i] == "\\":
                i += 2
            elif self.text.startswith("${", i):
                i = closing(self.text, i + 2) + 1
            else:
                i += 1
        self.pos = i + 1
        return self.scope._template(self.text[start:i])  # noqa: SLF001 - same module

    def items(self, close: str) -> list[Value]:
        values: list[Value] = []
        while self.peek()[1] != close:
            values.append(self.expr())
            if self.peek()[1] == ",":
                self.take()
            elif self.peek()[1] != close:
                raise Unresolved(f"{self.text.strip()} is not evaluated statically")
        self.take()
        return values

    def call(self, name: str, args: list[Value]) -> Value:
        if name == "abspath" and len(args) == 1:
            return os.path.normpath(self.scope.folder / _as_text(args[0]))
        function = _FUNCTIONS.get(name)
        if function is None:
            raise Unresolved(f"{name}() is not evaluated statically")
        try:
            return function(*args)
        except TypeError:
            raise Unresolved(f"{name}() has the wrong arguments") from None

    def reference(self, root: str) -> Value:
        self.expect(".")
        kind, name = self.take()
        if kind != "name":
            raise Unresolved(f"{self.text.strip()} is not evaluated statically")
        return self.scope.lookup(root, name)

    def postfix(self, value: Value) -> Value:
        while self.peek()[1] in {".", "["}:
            if self.take()[1] == ".":
                key: Value = self.take()[1]
            else:
                key = self.expr()
                self.expect("]")
            if isinstance(value, dict) and isinstance(key, str) and key in value:
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and -1 < key < len(value):
                value = value[key]
            else:
                raise Unresolved(f"{self.text.strip()} has no element {key!r}")
        return value
