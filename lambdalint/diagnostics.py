"""Shared helpers for stages that report unreadable input as ``parse-error`` findings."""

from __future__ import annotations

import os
from pathlib import Path

from lambdalint.model import Finding, Location, Severity

PARSE_ERROR_SLUG = "parse-error"
PARSE_ERROR_CODE = "LL100"


def relative(path: Path, root: Path) -> str:
    """Repo-relative POSIX path; falls back to the absolute path outside ``root``.

    ``realpath`` rather than ``Path.resolve``: it leaves a symlink loop as it is, never raises.
    """
    real = Path(os.path.realpath(path))
    try:
        return real.relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return real.as_posix()


def locate(path: Path, root: Path, line: int | None = None, column: int | None = None) -> Location:
    """A Location for ``path`` relative to ``root``."""
    return Location(relative(path, root), line, column)


def parse_error(
    location: Location,
    message: str,
    fix: str = "Fix the file; lambdalint skipped what it could not read.",
    *,
    function: str | None = None,
    severity: Severity = Severity.ERROR,
) -> Finding:
    """A ``parse-error`` finding: the scan goes on without the unreadable part.

    Discovery uses ``severity=WARNING`` for an attribute it could not resolve statically.
    """
    return Finding(
        rule=PARSE_ERROR_SLUG,
        code=PARSE_ERROR_CODE,
        severity=severity,
        message=message,
        fix=fix,
        location=location,
        function=function,
    )
