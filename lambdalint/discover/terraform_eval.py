r"""Evaluating the expressions of one Terraform module instance, statically.

python-hcl2 keeps expressions as text: a quoted template keeps its quotes (``"\"x\""``) and any
other expression is wrapped as ``"${...}"``. ``Scope`` evaluates the few forms that locate
Lambda code (literals, templates, ``path.*``, ``var.*`` from the module call, defaults and
tfvars, ``local.*``, ``module.x.output``, attributes written in a ``data`` block, lists, and a
few pure functions); anything else raises ``Unresolved``. Nothing is executed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

Value: TypeAlias = "str | int | float | bool | list[Value] | dict[str, Value] | None"

_HEREDOC = re.compile(r"<<-?([A-Za-z_]\w*)\n(.*?)\n[ \t]*\1\s*", re.DOTALL)
_REFERENCE = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[^\[\]]*\])*")
_STEP = re.compile(r"\.([\w-]+)|\[([^\[\]]*)\]")
_CALL = re.compile(r"([a-z]\w*)\((.*)\)", re.DOTALL)
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_CONSTANTS: dict[str, Value] = {"true": True, "false": False, "null": None}

_ROOT_MODULE_DEPTH = 3  # how far above a child module its root module is looked for


class Unresolved(Exception):  # noqa: N818 - an outcome of evaluation, not a failure
    """An expression that cannot be evaluated without running Terraform."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def shown(raw: object) -> str:
    """The expression as the user wrote it (without hcl2's ``${...}`` wrapper)."""
    if isinstance(raw, str) and raw.startswith("${") and raw.endswith("}"):
        return raw[2:-1]
    return "[" + ", ".join(map(shown, raw)) + "]" if isinstance(raw, list) else str(raw)


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | int | float):
        return str(value)
    raise Unresolved("a list or object is not a string")


def _format(fmt: Value, *args: Value) -> str:
    parts = re.split(r"(%[sdv%])", _text(fmt))
    if "%" in "".join(parts[::2]) or len(args) != sum(p != "%%" for p in parts[1::2]):
        raise Unresolved("format() is evaluated only with %s/%d/%v and matching arguments")
    values = iter(args)
    return "".join(
        p if i % 2 == 0 else "%" if p == "%%" else _text(next(values)) for i, p in enumerate(parts)
    )


_FUNCTIONS: dict[str, Any] = {
    "format": _format,
    "join": lambda sep, items: _text(sep).join(map(_text, items)),
    "lower": lambda s: _text(s).lower(),
    "basename": lambda s: Path(_text(s)).name,
    "dirname": lambda s: os.path.dirname(_text(s)),  # noqa: PTH120 - Terraform's dirname
}


@dataclass
class Scope:
    """What expressions in one module instance can refer to; relative paths start at ``folder``.

    A module called by another gets the call's arguments as ``inputs``, evaluated in the
    ``caller``'s scope; ``children`` are the instances of its own local module calls, whose
    ``outputs`` answer ``module.<name>.<output>``; ``data`` holds each data block's body.
    """

    folder: Path
    variables: Mapping[str, object] = field(default_factory=dict)
    declared: frozenset[str] = frozenset()
    locals: Mapping[str, object] = field(default_factory=dict)
    outputs: Mapping[str, object] = field(default_factory=dict)
    data: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    inputs: Mapping[str, object] = field(default_factory=dict)
    caller: Scope | None = None
    children: dict[str, Scope] = field(default_factory=dict)
    _active: set[str] = field(default_factory=set)

    def evaluate(self, raw: object) -> Value:
        """The value of a serialized HCL value; raises ``Unresolved``."""
        if raw is None or isinstance(raw, bool | int | float):
            return raw
        if isinstance(raw, list):
            return [self.evaluate(item) for item in raw]
        if isinstance(raw, dict):
            return {k.strip('"'): self.evaluate(v) for k, v in raw.items() if k[:2] != "__"}
        if isinstance(raw, str) and len(raw) > 1 and raw[0] == raw[-1] == '"':
            return self.template(raw[1:-1])
        if isinstance(raw, str) and raw.startswith("${") and raw.endswith("}"):
            return self.expression(raw[2:-1])
        raise Unresolved(f"{shown(raw)} is not evaluated statically")

    def text(self, raw: object) -> str:
        """A value that must be a string (numbers are converted, as Terraform does)."""
        return _text(self.evaluate(raw))

    def path(self, raw: object) -> Path:
        """A file or folder path (see ``at``)."""
        return self.at(self.text(raw))

    def at(self, text: str) -> Path:
        """``text`` as a normalised path; relative paths start at the module folder.

        Terraform itself resolves a relative path against the working directory (the root
        module), which is why modules write ``path.module``: when the path does not exist
        below this folder, the calling root module's folder, else the nearest enclosing folder
        with ``*.tf`` files (up to the repository's) where it does wins.
        """
        here = Path(os.path.normpath(self.folder / text))
        if Path(text).is_absolute() or here.exists():
            return here
        top = self
        while top.caller is not None:
            top = top.caller
        for parent in (top.folder, *self.folder.parents[:_ROOT_MODULE_DEPTH]):
            there = Path(os.path.normpath(parent / text))
            if there.exists() and any(parent.glob("*.tf")):
                return there
            if (parent / ".git").exists():
                break
        return here

    def reference(self, raw: object) -> str | None:
        """``data.archive_file.x.output_path`` for ``"${data.archive_file.x.output_path}"``.

        A reference to a ``local`` that is itself a reference is followed.
        """
        for _ in range(10):
            text = shown(raw).strip() if isinstance(raw, str) and raw.startswith("${") else ""
            if not _REFERENCE.fullmatch(text):
                return None
            name = text.removeprefix("local.")
            if name == text or name not in self.locals:
                return text
            raw = self.locals[name]
        return None

    def template(self, body: str) -> str:
        """A quoted string or heredoc with ``${...}`` interpolations."""
        heredoc = _HEREDOC.fullmatch(body)
        body = heredoc.group(2) if heredoc else body
        out: list[str] = []
        i = 0
        while i < len(body):
            if body[i] == "\\" and not heredoc:
                out.append(_ESCAPES.get(body[i + 1 : i + 2], body[i : i + 2]))
                i += 2
            elif body.startswith(("$${", "%%{"), i):
                out.append(body[i + 1 : i + 3])
                i += 3
            elif body.startswith("${", i):
                end = _closing(body, i + 2)
                out.append(_text(self.expression(body[i + 2 : end])))
                i = end + 1
            elif body.startswith("%{", i):
                raise Unresolved("template directives (%{...}) are not evaluated")
            else:
                out.append(body[i])
                i += 1
        return "".join(out)

    def expression(self, text: str) -> Value:
        """Literals, lists, references with ``.attr``/``[index]``, and a few functions."""
        text = text.strip()
        if text in _CONSTANTS or _NUMBER.fullmatch(text):
            return (
                _CONSTANTS[text]
                if text in _CONSTANTS
                else float(text)
                if "." in text
                else int(text)
            )
        if text.startswith('"') and _string_end(text, 1) == len(text) - 1:
            return self.template(text[1:-1])
        if text.startswith("[") and text.endswith("]"):
            return [self.expression(part) for part in _split(text[1:-1])]
        if (call := _CALL.fullmatch(text)) and call.group(1) in {*_FUNCTIONS, "abspath"}:
            args = [self.expression(part) for part in _split(call.group(2))]
            if call.group(1) == "abspath" and len(args) == 1:
                return str(self.at(_text(args[0])))
            try:
                return _FUNCTIONS[call.group(1)](*args)  # type: ignore[no-any-return]
            except (TypeError, StopIteration):
                raise Unresolved(f"{call.group(1)}() has unexpected arguments") from None
        if _REFERENCE.fullmatch(text) and "." in text:
            return self._reference(text)
        raise Unresolved(f"{text} is not evaluated statically")

    def _reference(self, text: str) -> Value:
        root, _, rest = text.partition(".")
        name = re.split(r"[.\[]", rest, maxsplit=1)[0]
        steps = _STEP.findall(rest[len(name) :])
        if root == "path" and name in {"module", "root", "cwd"}:
            value: Value = str(self.folder)
        elif root == "var" and self.caller is not None and name in self.inputs:
            value = self._once(f"var.{name}", self.inputs[name], self.caller)
        elif root == "module" and steps and steps[0][0]:
            value, steps = self._output(text, name, steps[0][0]), steps[1:]
        elif root == "data" and len(steps) > 1 and steps[0][0] and steps[1][0]:
            value, steps = self._data(text, f"{name}.{steps[0][0]}", steps[1][0]), steps[2:]
        elif root == "var" and name in self.variables:
            value = self._once(f"var.{name}", self.variables[name])
        elif root == "var":
            raise Unresolved(
                f"{text} {'has no default' if name in self.declared else 'is not declared'}"
            )
        elif root == "local" and name in self.locals:
            value = self._once(f"local.{name}", self.locals[name])
        else:
            raise Unresolved(f"{text} is only known when Terraform runs")
        for attr, index in steps:
            key = attr or self.expression(index)
            in_dict = isinstance(value, dict) and isinstance(key, str) and key in value
            in_list = isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value)
            if not (in_dict or in_list):
                raise Unresolved(f"{text} has no element {key!r}")
            value = value[key]  # type: ignore[index]
        return value

    def _output(self, text: str, name: str, output: str) -> Value:
        """``module.<name>.<output>``: an output of a local module call's instance."""
        child = self.children.get(name)
        if child is None or output not in child.outputs:
            raise Unresolved(f"{text} is only known when Terraform runs")
        return child._once(f"output.{output}", child.outputs[output])  # noqa: SLF001 - same class

    def _data(self, text: str, key: str, attr: str) -> Value:
        """``data.<type>.<name>.<attr>`` when the block itself sets ``attr`` (``output_path``)."""
        body = self.data.get(key, {})
        if attr not in body:
            raise Unresolved(f"{text} is only known when Terraform runs")
        return self._once(f"data.{key}.{attr}", body[attr])

    def _once(self, key: str, raw: object, scope: Scope | None = None) -> Value:
        """``raw`` evaluated (in ``scope``, by default this one), refusing a cycle."""
        if key in self._active:
            raise Unresolved(f"{key} refers to itself")
        self._active.add(key)
        try:
            return (scope or self).evaluate(raw)
        finally:
            self._active.discard(key)


def _string_end(text: str, i: int) -> int:
    """Index of the quote that closes the string whose body starts at ``i``."""
    while i < len(text) and text[i] != '"':
        i = _closing(text, i + 2) + 1 if text.startswith("${", i) else i + 1 + (text[i] == "\\")
    return i


def _closing(text: str, i: int) -> int:
    """Index of the ``}`` or ``]`` that closes the bracket opened just before ``i``."""
    depth = 0
    while i < len(text):
        if text[i] == '"':
            i = _string_end(text, i + 1)
        elif text[i] in "{[(":
            depth += 1
        elif text[i] in "}])":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    raise Unresolved("unbalanced brackets")


def _split(text: str) -> list[str]:
    """Top-level comma-separated parts of an argument or list body."""
    parts, start, i = [], 0, 0
    while i < len(text):
        if text[i] == '"':
            i = _string_end(text, i + 1)
        elif text[i] in "{[(":
            i = _closing(text, i + 1)
        elif text[i] == ",":
            parts.append(text[start:i])
            start = i + 1
        i += 1
    return [p for p in (*parts, text[start:]) if p.strip()]
