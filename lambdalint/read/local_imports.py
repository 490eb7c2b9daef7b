"""Which of a function's own files import which: the graph behind a handler's import closure.

Several functions often share one folder (a serverless service, a SAM ``CodeUri``); each
handler only loads the files it imports, directly or through other local modules. Resolution
over-approximates (a package import pulls in its submodules named in ``from pkg import x``),
so a closure never hides a file that really runs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping


def module_index(files: Iterable[tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    """Dotted module name (as importable from the code root or ``src/``) -> repo-relative file."""
    index: dict[str, str] = {}
    for rel, parts in files:
        names = [*parts[:-1], parts[-1].removesuffix(".py")]
        if names[-1] == "__init__":
            names.pop()
        for start in (0, 1) if len(names) > 1 and names[0] == "src" else (0,):
            if names[start:]:
                index.setdefault(".".join(names[start:]), rel)
    return index


def local_edges(
    tree: ast.Module, parts: tuple[str, ...], index: Mapping[str, str]
) -> frozenset[str]:
    """Files of the function that the module ``parts`` (path inside the code dir) imports."""
    package = list(parts[:-1])
    wanted: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                wanted |= _with_parents(alias.name)
                wanted |= _with_parents(".".join([*package, alias.name]))
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            if base is None:
                continue
            for candidate in (base, ".".join([*package, base]) if node.level == 0 else None):
                if candidate is None:
                    continue
                wanted |= _with_parents(candidate)
                wanted |= {f"{candidate}.{a.name}" if candidate else a.name for a in node.names}
    return frozenset(index[name] for name in wanted if name in index)


def closure(start: str, edges: Mapping[str, frozenset[str]]) -> set[str]:
    """Every file reachable from ``start`` through local imports, ``start`` included."""
    seen = {start}
    todo = [start]
    while todo:
        for target in edges.get(todo.pop(), frozenset()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _absolute(node: ast.ImportFrom, package: list[str]) -> str | None:
    if node.level == 0:
        return node.module or ""
    if node.level - 1 > len(package):
        return None  # beyond the code root: nothing of ours
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _with_parents(dotted: str) -> set[str]:
    parts = dotted.split(".") if dotted else []
    return {".".join(parts[:end]) for end in range(1, len(parts) + 1)}
