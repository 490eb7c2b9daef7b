"""Throw-away git repositories for tests: fixed identity, no signing, no user config."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from test_fixtures import FIXTURES

GIT_ENV = {
    "GIT_AUTHOR_NAME": "lambdalint tests",
    "GIT_AUTHOR_EMAIL": "tests@lambdalint.invalid",
    "GIT_COMMITTER_NAME": "lambdalint tests",
    "GIT_COMMITTER_EMAIL": "tests@lambdalint.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (list-form arguments) and return its output; failures raise."""
    result = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


def init_repo(repo: Path, *fixtures: str) -> Path:
    """A git repository at ``repo`` holding copies of ``fixtures``, committed on ``main``."""
    repo.mkdir(parents=True, exist_ok=True)
    for name in fixtures:
        shutil.copytree(
            FIXTURES / name, repo / name, ignore=shutil.ignore_patterns("expected.json")
        )
    git(repo, "init", "--quiet", "--initial-branch=main")
    commit_all(repo, "initial")
    return repo


def commit_all(repo: Path, message: str) -> None:
    """Stage everything and commit it."""
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--no-gpg-sign", "--allow-empty", "-m", message)
