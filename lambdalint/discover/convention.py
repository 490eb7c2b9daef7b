"""Functions found by convention: a folder with a handler file or a requirements file.

Used when no infrastructure-as-code says how a function is deployed. The packaging path is
then unknown, so ``installs_requirements`` stays None and rules hedge accordingly.
"""

from __future__ import annotations

import os
from pathlib import Path

from lambdalint.diagnostics import relative
from lambdalint.model import Function

HANDLER_FILES = (
    "lambda_function.py",
    "handler.py",
    "handlers.py",
    "index.py",
    "app.py",
    "main.py",
    "lambda_handler.py",
    "function.py",
)
REQUIREMENT_FILES = ("requirements.txt", "requirements.in")
SKIP_DIRS = frozenset(
    {
        "node_modules",
        "__pycache__",
        "tests",
        "test",
        "venv",
        "env",
        "site-packages",
        "cdk.out",
        "build",
        "dist",
    }
)


def looks_like_function(folder: Path) -> bool:
    """A handler file or a requirements file at the top of ``folder``."""
    return any((folder / name).is_file() for name in (*HANDLER_FILES, *REQUIREMENT_FILES))


def discover_by_convention(path: Path, root: Path) -> list[Function]:
    """Function folders at or below ``path``; a function's own subfolders are not searched."""
    found: list[Function] = []
    for folder in _candidate_folders(path):
        rel = relative(folder, root)
        found.append(Function(name=folder.name or rel, code_dir=folder, packaging="directory"))
    return found


def _candidate_folders(path: Path) -> list[Path]:
    if looks_like_function(path):
        return [path]
    hits: list[Path] = []
    for current, dirs, _files in os.walk(path):
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if not _skipped(here / d))
        if here != path and looks_like_function(here):
            hits.append(here)
            dirs[:] = []
    return hits


def _skipped(folder: Path) -> bool:
    name = folder.name
    return (
        name.startswith(".")
        or name in SKIP_DIRS
        or name.endswith((".dist-info", ".egg-info"))
        or (folder / "pyvenv.cfg").exists()
    )
