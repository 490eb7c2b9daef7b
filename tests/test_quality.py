"""Lint and type checks run with the suite, so CI enforces them on every change."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_fixtures import REPO


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "ruff", "check", "--quiet", "."],
        [sys.executable, "-m", "mypy", "--no-error-summary"],
    ],
    ids=["ruff", "mypy"],
)
def test_tool_is_clean(command):
    """Ruff (broad rule set) and mypy --strict report nothing."""
    result = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
