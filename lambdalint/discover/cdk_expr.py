"""Values of the expressions a CDK Python app passes to its constructs, read with ``ast``.

Names bound in the module (``runtime = Runtime.PYTHON_3_12``) are followed; paths are built
from literals, ``__file__``, ``os.path`` and ``pathlib`` the way Python would, from the app
folder where ``cdk`` runs. Anything else has no value (None), never an exception.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path

LAMBDA = "aws_cdk.aws_lambda."
_ALIASES = {"lambda_": LAMBDA[:-1], "_lambda": LAMBDA[:-1], "aws_lambda": LAMBDA[:-1]}
_PATH_CALLS = frozenset({"str", "os.path.abspath", "os.path.realpath", "pathlib.Path"})
# CDK v1 module names of what v2 moved (``aws_lambda_python`` became the alpha module).
_RENAMED = {"aws_cdk.aws_lambda_python": "aws_cdk.aws_lambda_python_alpha"}


@dataclass
class Expressions:
    """The names one module imports and binds, and what its expressions evaluate to."""

    path: Path
    app_dir: Path
    root: Path
    names: dict[str, str] = field(default_factory=dict)
    env: dict[str, ast.expr] = field(default_factory=dict)
    loops: dict[str, ast.expr] = field(default_factory=dict)
    assigned: dict[str, list[ast.expr]] = field(default_factory=dict)

    def qualname(self, expr: ast.expr | None) -> str | None:
        """``lambda_.Runtime.PYTHON_3_12`` → ``aws_cdk.aws_lambda.Runtime.PYTHON_3_12``."""
        if isinstance(expr, ast.Name):
            return _renamed(self.names.get(expr.id) or _ALIASES.get(expr.id, expr.id))
        if isinstance(expr, ast.Attribute):
            base = self.qualname(expr.value)
            return f"{base}.{expr.attr}" if base else None
        return None

    def resolve(self, expr: ast.expr | None) -> ast.expr | None:
        """Follow names bound in this module (``runtime = Runtime.PYTHON_3_12``)."""
        for _ in range(5):
            key = bound_name(expr) if expr is not None else None
            if key is None or key not in self.env:
                break
            expr = self.env[key]
        return expr

    def string(self, expr: ast.expr | None) -> str | None:
        """A literal string, following names bound in this module."""
        value = self.resolve(expr)
        is_text = isinstance(value, ast.Constant) and isinstance(value.value, str)
        return value.value if is_text else None  # type: ignore[union-attr]

    def strings(self, expr: ast.expr | None) -> tuple[str, ...] | None:
        """Every string ``expr`` takes; None when it cannot be read.

        A literal, a name assigned a literal in each branch, or a ``for`` variable over a
        literal list, over a list of dict literals (``cfg["name"]``) or over the sub-folders a
        listing names (``os.listdir(p)``, or ``Path(p).iterdir()`` then ``.name``).
        """
        name = bound_name(expr) if expr is not None else None
        branches = self.assigned.get(name or "", [])
        if len(branches) > 1:  # ``file = "a"`` in one branch, ``file = "b"`` in the other
            found = [self.string(value) for value in branches]
            return tuple(dict.fromkeys(f for f in found if f)) if None not in found else None
        if (text := self.string(expr)) is not None:
            return (text,)
        key = None
        if isinstance(expr, ast.Subscript):
            key, expr = self.string(expr.slice), expr.value
        elif isinstance(expr, ast.Attribute) and expr.attr == "name":
            key, expr = "", expr.value  # a Path from ``.iterdir()``: its name
        if not isinstance(expr, ast.Name) or expr.id not in self.loops:
            return None
        items = self.resolve(self.loops[expr.id])
        if isinstance(items, ast.List | ast.Tuple | ast.Set):
            found = [self._item(item, key) for item in items.elts]
            return tuple(f for f in found if f is not None) if None not in found else None
        return self._listing(items) if key in {None, ""} else None

    def _item(self, item: ast.expr, key: str | None) -> str | None:
        """One element of a looped-over list, or its ``key`` when it is a dict literal."""
        value = self.resolve(item)
        if key is None:
            return self.string(value)
        if not isinstance(value, ast.Dict):
            return None
        pairs = {self.string(k): v for k, v in zip(value.keys, value.values, strict=True) if k}
        return self.string(pairs.get(key))

    def _listing(self, call: ast.expr | None) -> tuple[str, ...] | None:
        """Sub-folders of a repository folder listed by ``os.listdir(p)`` or ``Path.iterdir()``."""
        if not isinstance(call, ast.Call):
            return None
        func = call.func
        if self.qualname(func) == "os.listdir" and call.args:
            folder = self.path_of(call.args[0])
        elif isinstance(func, ast.Attribute) and func.attr == "iterdir" and not call.args:
            folder = self.path_of(func.value)
        else:
            return None
        if folder is None or not folder.is_dir() or not folder.resolve().is_relative_to(self.root):
            return None
        names = (p.name for p in folder.iterdir() if p.is_dir())
        return tuple(sorted(n for n in names if not n.startswith((".", "__"))))

    def path_of(self, expr: ast.expr | None) -> Path | None:
        """A path expression: a literal, ``__file__``, ``os.path.join``/``dirname``, ``Path /``.

        An f-string counts when each placeholder is a path or a string this reads
        (``f"{Path(__file__).parent}/fn"``).
        """
        value = self.resolve(expr)
        text = self.string(value)
        if (text := self._fstring(value) if text is None else text) is not None:
            return Path(os.path.normpath(self.app_dir / text))
        if isinstance(value, ast.Name) and value.id == "__file__":
            return self.path
        if isinstance(value, ast.Attribute) and value.attr == "parent":
            return (parent := self.path_of(value.value)) and parent.parent
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
            return self._join(value.left, [value.right])
        return self._path_call(value) if isinstance(value, ast.Call) else None

    def _fstring(self, value: ast.expr | None) -> str | None:
        """The text of an f-string whose placeholders are all paths or strings, else None."""
        if not isinstance(value, ast.JoinedStr):
            return None
        parts: list[str] = []
        for part in value.values:
            if isinstance(part, ast.FormattedValue):
                if part.format_spec is not None or part.conversion not in {-1, ord("s")}:
                    return None
                text = self.string(part.value)
                if text is None and (path := self.path_of(part.value)) is not None:
                    text = str(path)
                if text is None:
                    return None
                parts.append(text)
            elif isinstance(part, ast.Constant) and isinstance(part.value, str):
                parts.append(part.value)
        return "".join(parts)

    def _path_call(self, call: ast.Call) -> Path | None:
        called = self.qualname(call.func)
        if not call.args:  # Path(...).resolve() or .absolute()
            func = call.func
            keeps = isinstance(func, ast.Attribute) and func.attr in {"resolve", "absolute"}
            return self.path_of(func.value) if isinstance(func, ast.Attribute) and keeps else None
        if called == "os.path.dirname":
            return (child := self.path_of(call.args[0])) and child.parent
        if called == "os.path.join":
            return self._join(call.args[0], call.args[1:])
        return self.path_of(call.args[0]) if called in _PATH_CALLS else None

    def _join(self, first: ast.expr, rest: list[ast.expr]) -> Path | None:
        base, parts = self.path_of(first), [self.string(part) for part in rest]
        if base is None or None in parts:
            return None
        return Path(os.path.normpath(base.joinpath(*(p for p in parts if p is not None))))


def _renamed(name: str) -> str:
    """The CDK v2 name of a v1 module path (``aws_cdk.aws_lambda_python.PythonFunction``)."""
    for old, new in _RENAMED.items():
        if name == old or name.startswith(old + "."):
            return new + name[len(old) :]
    return name


def bound_name(expr: ast.expr | None) -> str | None:
    """``name``, ``self.name`` or ``Owner.name`` for an assignment target or a reference."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        return f"{expr.value.id}.{expr.attr}"
    return None


def class_constants(node: ast.ClassDef) -> dict[str, ast.expr]:
    """Class-body constants as ``self.NAME`` and ``Class.NAME`` see them."""
    found: dict[str, ast.expr] = {}
    for statement in node.body:
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                found |= {f"self.{target.id}": value, f"{node.name}.{target.id}": value}
    return found
