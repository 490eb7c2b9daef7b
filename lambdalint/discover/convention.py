"""Functions found by convention: a folder with a handler file, or Python code and requirements.

Used only when neither IaC nor the config declares any function (see ``discover``). The
packaging path is then unknown, so ``installs_requirements`` stays None and rules hedge
accordingly. A requirements file alone marks nothing: a folder without Python code (a
layer's or a tool's requirements, a repository root of dev dependencies) has no handler.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

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
# Python files that configure tools, not code a handler could live in.
TOOLING_FILES = frozenset({"setup.py", "conftest.py", "noxfile.py", "fabfile.py", "dodo.py"})
# A CDK app's own code (``cdk.json`` may be named otherwise): never function code.
_CDK_IMPORT = re.compile(rb"^\s*(?:from|import)\s+aws_cdk\b", re.MULTILINE)
_HEAD_BYTES = 64 * 1024
# Folders that hold copies, tests or tooling rather than a deployable function.
SKIP_DIRS = frozenset(
    {
        "tests",
        "test",
        "site-packages",
        "cdk.out",
        "build",
        "dist",
        "docs",
        "scripts",
        "infra",
        "terraform",
        "python",
    }
)


def function_folders(
    files: Iterable[Path], bases: Sequence[Path], claimed: frozenset[Path]
) -> list[Path]:
    """Top-most folders holding a handler file, or requirements next to Python code.

    A folder below another function folder belongs to that function; a folder that IaC
    already deploys (or lies inside one) is not reported again. Test, build and tooling
    folders below the scanned ``bases`` are skipped, and so is a CDK app (``cdk.json``, or
    Python code importing ``aws_cdk``).
    """
    files = list(files)
    code: dict[Path, list[Path]] = {}
    for f in files:
        if f.suffix == ".py" and f.name not in TOOLING_FILES:
            code.setdefault(f.parent, []).append(f)
    candidates = sorted(
        {
            f.parent
            for f in files
            if (f.name in HANDLER_FILES or (f.name in REQUIREMENT_FILES and f.parent in code))
            and not _skipped(f.parent, bases)
            and not (f.parent / "cdk.json").exists()
        }
    )
    chosen: list[Path] = []
    for folder in candidates:
        if any(folder == c or folder.is_relative_to(c) for c in claimed):
            continue
        if any(folder.is_relative_to(c) for c in chosen) or _cdk_app(code.get(folder, ())):
            continue
        chosen.append(folder)
    return chosen


def _cdk_app(sources: Iterable[Path]) -> bool:
    """Whether a Python file of the folder imports ``aws_cdk`` (read as text, head only)."""
    for source in sources:
        try:
            with source.open("rb") as handle:
                if _CDK_IMPORT.search(handle.read(_HEAD_BYTES)):
                    return True
        except OSError:
            continue
    return False


def _skipped(folder: Path, bases: Sequence[Path]) -> bool:
    base = max(
        (b for b in bases if folder.is_relative_to(b)), key=lambda b: len(b.parts), default=None
    )
    parts = folder.relative_to(base).parts if base else folder.parts
    return any(p in SKIP_DIRS or p.endswith((".dist-info", ".egg-info")) for p in parts)
