"""The AST walks behind the import scan: imports with their guards, and the names bound.

Rules need to know whether an import runs at cold start and whether its failure is caught;
finding the handler needs the names a module defines. Both walks keep an explicit stack,
never recursion, so deeply nested code cannot exhaust it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from lambdalint.model import ImportRef, Location

if TYPE_CHECKING:
    from collections.abc import Iterator

_CATCHES = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_DYNAMIC = frozenset({"import_module", "__import__"})
# ``from package import name`` where ``name`` is a submodule a rule knows about (botocore's
# vendored requests is an empty stub): the dotted submodule is recorded too.
SUBMODULES = {"botocore.vendored": frozenset({"requests"})}
_BLOCKS = (ast.If, ast.Try, ast.TryStar, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)


@dataclass(frozen=True, slots=True)
class _Scope:
    """Guards around a node while walking the tree."""

    optional: bool = False
    top_level: bool = True


def walk_imports(tree: ast.Module, file: str) -> Iterator[ImportRef]:
    """Yield absolute imports in source order; relative ones are dropped."""
    stack: list[tuple[ast.AST, _Scope]] = [(tree, _Scope())]
    while stack:  # iterative: deeply nested expressions must not hit the recursion limit
        node, scope = stack.pop()
        for module, dynamic in _imported(node):
            line, col = getattr(node, "lineno", None), getattr(node, "col_offset", 0) + 1
            where = Location(file, line, col)
            yield ImportRef(module, where, scope.optional, scope.top_level, dynamic)
        stack.extend(reversed(list(_children(node, scope))))


def _imported(node: ast.AST) -> list[tuple[str, bool]]:
    """List the modules a node imports, each with whether the import is dynamic."""
    if isinstance(node, ast.Import):
        return [(alias.name, False) for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level or not node.module:
            return []
        known = SUBMODULES.get(node.module, frozenset())
        subs = [f"{node.module}.{a.name}" for a in node.names if a.name in known]
        return [(node.module, False), *((sub, False) for sub in subs)]
    if isinstance(node, ast.Call) and _name(node.func) in _DYNAMIC:
        args = node.args[:1] or [k.value for k in node.keywords if k.arg == "name"]
        value = args[0].value if args and isinstance(args[0], ast.Constant) else None
        if isinstance(value, str) and all(p.isidentifier() for p in value.split(".")):
            return [(value, True)]
    return []


def _children(node: ast.AST, scope: _Scope) -> Iterator[tuple[ast.AST, _Scope]]:
    """Yield child nodes with the guards that apply to them."""
    if isinstance(node, ast.Try | ast.TryStar):
        guarded = any(_catches(h.type) for h in node.handlers)
        yield from ((c, replace(scope, optional=True) if guarded else scope) for c in node.body)
        yield from ((c, scope) for c in [*node.handlers, *node.orelse, *node.finalbody])
    elif isinstance(node, ast.If) and _name(node.test) == "TYPE_CHECKING":
        yield from ((c, scope) for c in node.orelse)
    elif isinstance(node, ast.With | ast.AsyncWith) and any(
        _suppresses(item.context_expr) for item in node.items
    ):
        yield from ((item, scope) for item in node.items)
        yield from ((c, replace(scope, optional=True)) for c in node.body)
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        inner = replace(scope, top_level=False)
        for field, value in ast.iter_fields(node):
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    yield child, inner if field == "body" else scope
    else:
        yield from ((c, scope) for c in ast.iter_child_nodes(node))


def _name(node: ast.AST | None) -> str | None:
    """Return the last part of a dotted name: ``typing.TYPE_CHECKING`` -> ``TYPE_CHECKING``."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _catches(kind: ast.expr | None) -> bool:
    """Tell whether an ``except`` clause catches a failed import."""
    if kind is None:
        return True
    if isinstance(kind, ast.Tuple):
        return any(_catches(e) for e in kind.elts)
    return _name(kind) in _CATCHES


def _suppresses(expr: ast.expr) -> bool:
    """Recognise ``contextlib.suppress(ImportError)`` and friends."""
    return (
        isinstance(expr, ast.Call)
        and _name(expr.func) == "suppress"
        and any(_catches(arg) for arg in expr.args)
    )


def bound_names(body: list[ast.stmt]) -> set[str]:
    """Collect names a module binds at top level, also under if/try/with/for blocks."""
    names: set[str] = set()
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update(_alias(a, node) for a in node.names if a.name != "*")
        elif isinstance(node, ast.If) and _name(node.test) == "TYPE_CHECKING":
            stack.extend(node.orelse)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not isinstance(node, ast.AnnAssign) or node.value is not None:
                names.update(_stored(targets))
        if isinstance(node, ast.Try | ast.TryStar):
            stack.extend(s for h in node.handlers for s in h.body)
        if isinstance(node, _BLOCKS) and _name(getattr(node, "test", None)) != "TYPE_CHECKING":
            stack.extend(node.body + getattr(node, "orelse", []) + getattr(node, "finalbody", []))
    return names


def _alias(alias: ast.alias, node: ast.Import | ast.ImportFrom) -> str:
    """Return the name an import binds: ``import a.b`` binds ``a``."""
    if alias.asname:
        return alias.asname
    return alias.name.split(".", 1)[0] if isinstance(node, ast.Import) else alias.name


def _stored(targets: list[ast.expr]) -> set[str]:
    """Collect plain names assigned by targets (tuples and starred unpacking included)."""
    return {
        n.id
        for t in targets
        for n in ast.walk(t)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
