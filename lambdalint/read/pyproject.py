"""The runtime dependencies a ``pyproject.toml`` declares: PEP 621 ``[project]``, else Poetry.

``[project.optional-dependencies]`` and ``[dependency-groups]`` are not installed by any build
lambdalint knows. When ``[project.dependencies]`` is set, Poetry (2.x) reads its own table only
to enrich those entries, so it is not read again.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lambdalint.read.declared import Declared, Entries, Problem, load_toml
from lambdalint.read.poetry import poetry_entries

if TYPE_CHECKING:
    from pathlib import Path


def pyproject_entries(path: Path, text: str, *, poetry: bool) -> Entries:
    """``[project.dependencies]``, or (with ``poetry``) ``[tool.poetry.dependencies]``."""
    data = load_toml(text, path)
    if isinstance(data, Problem):
        return [data]
    lines = text.splitlines()
    project = data.get("project")
    if isinstance(project, dict) and "dependencies" in project:
        return _project(project["dependencies"], lines, path)
    return poetry_entries(data, lines, path) if poetry else []


def _project(deps: object, lines: list[str], path: Path) -> Entries:
    """Each PEP 508 string, located at the line that spells it."""
    cursor = next((i for i, s in enumerate(lines) if re.match(r"\s*\[project\]", s)), 0)
    cursor = next(
        (i for i in range(cursor, len(lines)) if re.match(r"\s*dependencies\s*=", lines[i])),
        cursor,
    )
    if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        return [Problem(path, cursor + 1, "[project.dependencies] must be a list of strings")]
    entries: Entries = []
    for dep in deps:
        cursor = next(
            (
                i
                for i in range(cursor, len(lines))
                if f'"{dep}"' in lines[i] or f"'{dep}'" in lines[i]
            ),
            cursor,
        )
        entries.append(Declared(dep, path, cursor + 1))
    return entries
