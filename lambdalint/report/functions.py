"""The ``lambdalint functions`` table: what discovery found, before any rule runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lambdalint.diagnostics import relative
from lambdalint.model import Function

HEADER = ("name", "source", "runtime", "arch", "code dir", "packaging", "installs reqs")


def render(functions: Sequence[Function], root: Path) -> str:
    """One row per function, columns aligned; the IaC file and line say where it is defined."""
    rows = [HEADER]
    rows += [
        (
            fn.name,
            _where(fn),
            fn.runtime or "-",
            fn.architecture,
            relative(fn.code_dir, root),
            fn.packaging,
            {True: "yes", False: "no", None: "unknown"}[fn.installs_requirements],
        )
        for fn in functions
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.append(f"\n{len(functions)} function{'s' if len(functions) != 1 else ''} found")
    return "\n".join(lines) + "\n"


def _where(fn: Function) -> str:
    if fn.source is None:
        return fn.discovered_by
    line = f":{fn.source.line}" if fn.source.line else ""
    return f"{fn.discovered_by} {fn.source.file}{line}"
