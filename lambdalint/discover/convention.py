"""Functions found by convention: a folder with a handler file or a requirements file.

Used for folders that no infrastructure-as-code deploys. The packaging path is then
unknown, so ``installs_requirements`` stays None and rules hedge accordingly.
"""

from __future__ import annotations

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
_MARKERS = frozenset((*HANDLER_FILES, *REQUIREMENT_FILES))
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
    """Top-most folders holding a handler or requirements file, outside IaC-deployed folders.

    A folder below another function folder belongs to that function; a folder that IaC
    already deploys (or lies inside one) is not reported again. Test, build and tooling
    folders below the scanned ``bases`` are skipped, and so is a CDK app (``cdk.json``).
    """
    candidates = sorted(
        {
            f.parent
            for f in files
            if f.name in _MARKERS
            and not _skipped(f.parent, bases)
            and not (f.parent / "cdk.json").exists()
        }
    )
    chosen: list[Path] = []
    for folder in candidates:
        if any(folder == c or folder.is_relative_to(c) for c in claimed):
            continue
        if any(folder.is_relative_to(c) for c in chosen):
            continue
        chosen.append(folder)
    return chosen


def _skipped(folder: Path, bases: Sequence[Path]) -> bool:
    base = max(
        (b for b in bases if folder.is_relative_to(b)), key=lambda b: len(b.parts), default=None
    )
    parts = folder.relative_to(base).parts if base else folder.parts
    return any(p in SKIP_DIRS or p.endswith((".dist-info", ".egg-info")) for p in parts)
