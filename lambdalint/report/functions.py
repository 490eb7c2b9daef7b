"""The ``lambdalint functions`` table: what discovery found, before any rule runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lambdalint.diagnostics import relative
from lambdalint.model import Function, Layer, Location

HEADER = ("name", "source", "runtime", "arch", "code dir", "packaging", "installs reqs")
LAYER_HEADER = ("layer", "source", "content dir", "contents")


def render(functions: Sequence[Function], root: Path, layers: Sequence[Layer] = ()) -> str:
    """One row per function, then one per repository layer, with the IaC file and line."""
    rows = [HEADER]
    rows += [
        (
            fn.name,
            _where(fn.discovered_by, fn.source),
            fn.runtime or "-",
            fn.architecture,
            relative(fn.code_dir, root),
            fn.packaging,
            {True: "yes", False: "no", None: "unknown"}[fn.installs_requirements],
        )
        for fn in functions
    ]
    lines = _aligned(rows)
    if layers:
        table = [LAYER_HEADER]
        table += [
            (
                layer.name,
                _where("", layer.source).strip() or "-",
                relative(layer.content_dir, root) if layer.content_dir else "-",
                _contents(layer, root),
            )
            for layer in layers
        ]
        lines += ["", *_aligned(table)]
    lines.append(f"\n{len(functions)} function{'s' if len(functions) != 1 else ''} found")
    return "\n".join(lines) + "\n"


def _aligned(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def _contents(layer: Layer, root: Path) -> str:
    """What the layer holds: its ``python/`` as committed, or what a build installs."""
    if not layer.builds_requirements:
        return "python/ as committed"
    file = layer.requirements_file
    what = relative(file, root) if file else "requirements.txt"
    if file is not None and not file.name.startswith("requirements"):
        what = f"the dependencies of {what}"
    where = layer.built_by
    return f"installs {what}" + (f" (build script {where.file}:{where.line})" if where else "")


def _where(kind: str, source: Location | None) -> str:
    if source is None:
        return kind
    line = f":{source.line}" if source.line else ""
    return f"{kind} {source.file}{line}"
