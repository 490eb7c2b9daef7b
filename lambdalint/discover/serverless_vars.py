"""Resolving ``${…}`` variables in a serverless file, from the file alone.

``self:`` addresses, ``sls:stage`` and ``aws:region`` (with the framework's defaults) are looked
up in the document; ``opt:``, ``env:``, ``ssm:``, ``file()`` … need the outside world, so only
their literal fallbacks are used. The environment is never read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lambdalint.diagnostics import locate, parse_error
from lambdalint.discover.serverless_yaml import Node
from lambdalint.model import Finding, Severity

_INNERMOST = re.compile(r"\$\{([^${}]*)\}")
_LITERAL = re.compile(r"""(['"])(.*)\1|(-?\d+)""")
_DEFAULTS = {"provider.stage": "dev", "provider.region": "us-east-1"}
_ALIASES = {"sls:stage": "provider.stage", "aws:region": "provider.region"}
_MAX_DEPTH = 8
_FIX = "Give the value a literal or a static fallback so lambdalint can read it."


class _UnresolvedError(Exception):
    """A ``${…}`` expression with no static value."""


class ServiceValues:
    """Values read from one serverless file, variables resolved; what fails becomes a warning."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path, self.root, self.folder = path, root, path.resolve().parent
        self.doc = self.provider = Node(1)
        self.findings: list[Finding] = []

    def warn(self, line: int, message: str, function: str | None = None) -> None:
        """Record a warning at ``line`` of the service file."""
        where = locate(self.path, self.root, line)
        self.findings.append(
            parse_error(where, message, _FIX, function=function, severity=Severity.WARNING)
        )

    def value(self, parent: Node, key: str, function: str | None = None) -> Any:  # noqa: ANN401
        """``parent[key]`` with its variables resolved; None (and a warning) when they cannot."""
        try:
            return self.resolve(parent.get(key), 0)
        except _UnresolvedError as error:
            message = f"{parent.attr(key)}: cannot resolve '{error}' statically"
            self.warn(parent.at(key), message, function)
            return None

    def node(self, parent: Node, key: str, function: str | None = None) -> Node:
        """``parent[key]`` as a mapping: empty when absent, a warning when of another type."""
        value = self.value(parent, key, function)
        if value is not None and not isinstance(value, Node):
            self.warn(parent.at(key), f"{parent.attr(key)} is not a mapping: {value!r}", function)
        return value if isinstance(value, Node) else Node(parent.at(key), parent.attr(key))

    def text(self, parent: Node, key: str, function: str | None = None) -> str | None:
        """``parent[key]`` as a string: None when absent, a warning when of another type."""
        value = self.value(parent, key, function)
        if isinstance(value, bool) or not isinstance(value, str | int | float | None):
            self.warn(parent.at(key), f"{parent.attr(key)} is not a string: {value!r}", function)
            return None
        return None if value is None else str(value)

    def setting(self, spec: Node, key: str) -> Any:  # noqa: ANN401
        """A function's own setting, else the provider-wide one."""
        return self.value(spec if key in spec else self.provider, key, spec.path.rpartition(".")[2])

    def resolve(self, value: Any, depth: int) -> Any:  # noqa: ANN401
        """``value`` with every ``${…}`` replaced, innermost first; a whole ``${…}`` keeps type."""
        if not isinstance(value, str) or "${" not in value:
            return value
        if depth > _MAX_DEPTH:
            raise _UnresolvedError(value)
        for _ in range(100):  # each round replaces one innermost ``${…}``
            if (match := _INNERMOST.search(value)) is None:
                return value
            found = self.source(match[1].strip(), depth + 1)
            if match.span() == (0, len(value)):
                return self.resolve(found, depth + 1)
            value = value[: match.start()] + str(found) + value[match.end() :]
        raise _UnresolvedError(value)

    def source(self, expression: str, depth: int) -> Any:  # noqa: ANN401
        """One variable: ``self:a.b``, ``sls:stage``, ``aws:region``; else its fallback."""
        reference, comma, fallback = (part.strip() for part in expression.partition(","))
        kind, _, address = reference.partition(":")
        address = _ALIASES.get(reference, address)
        try:
            return self.lookup(address if kind == "self" or reference in _ALIASES else "", depth)
        except _UnresolvedError:  # opt:, env:, ssm:, file(), cf: … need the outside world
            if not comma:
                raise _UnresolvedError(expression) from None
        literal = _LITERAL.fullmatch(fallback)
        if literal is not None:
            return literal[2] if literal[3] is None else int(literal[3])
        return self.source(fallback, depth + 1) if ":" in fallback else fallback

    def lookup(self, address: str, depth: int) -> Any:  # noqa: ANN401
        """The value at a dotted ``self:`` address (empty: not a ``self:`` reference)."""
        value: Any = self.doc if address else None
        for part in address.split("."):
            if isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                value = value.get(part) if isinstance(value, dict) else None
        if value is None and address not in _DEFAULTS:
            raise _UnresolvedError(address)
        return _DEFAULTS[address] if value is None else self.resolve(value, depth + 1)
