"""The pre-commit hook, run by the real pre-commit against a snapshot of this checkout.

pre-commit builds a hook environment by pip-installing the checkout (from the configured
package index), which takes a while. ``try-repo`` always builds its own in a temporary store
(it ignores PRE_COMMIT_HOME), so it runs once; every other run shares one snapshot and one
pre-commit home across the session's xdist workers, so that environment is built once too.
The hook itself runs offline with an empty cache.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import GIT_ENV, commit_all, git
from test_fixtures import FIXTURES, HERMETIC, REPO, TODAY

_SKIP = shutil.ignore_patterns(
    ".git", ".*venv", "venv", ".tox", "__pycache__", "*.pyc", ".*_cache", "build", "*.egg-info"
)


def _snapshot(destination: Path) -> Path:
    """This checkout's files (tracked, and untracked but not ignored) committed in a new repo.

    pre-commit installs hooks from a git commit; the snapshot makes uncommitted work and
    a non-git copy of the sources testable alike.
    """
    if (REPO / ".git").exists():
        listing = git(REPO, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
        for name in filter(None, listing.split("\0")):
            source = REPO / name
            if source.is_file():
                (destination / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, destination / name)
    else:
        shutil.copytree(REPO, destination, ignore=_SKIP)
    git(destination, "init", "--quiet", "--initial-branch=main")
    commit_all(destination, "snapshot")
    return destination


class PreCommit:
    """pre-commit with one home (so one hook environment) for every run in the module."""

    def __init__(self, base: Path, *, fresh: bool) -> None:
        self.hooks = _snapshot(base / "hooks") if fresh else base / "hooks"
        self.config = base / "pre-commit-config.yaml"
        if fresh:
            rev = git(self.hooks, "rev-parse", "HEAD").strip()
            self.config.write_text(
                f"repos:\n- repo: {self.hooks.as_posix()}\n  rev: {rev}\n"
                "  hooks:\n  - id: lambdalint\n",
                encoding="utf-8",
            )
        self.env = {
            **os.environ,
            **GIT_ENV,
            **HERMETIC,
            "LAMBDALINT_TODAY": TODAY,
            "PRE_COMMIT_HOME": str(base / "home"),
            "PRE_COMMIT_COLOR": "never",
        }

    def try_repo(self, project: Path) -> subprocess.CompletedProcess[str]:
        """``pre-commit try-repo <snapshot> lambdalint --all-files`` (its own temporary env)."""
        return self._pre_commit(project, "try-repo", str(self.hooks), "lambdalint", "--all-files")

    def run(self, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
        """``pre-commit run`` with a config naming the snapshot's commit (the shared env)."""
        return self._pre_commit(project, "run", "--config", str(self.config), *args)

    def _pre_commit(self, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args],
            cwd=project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory: pytest.TempPathFactory) -> PreCommit:
    """The hook of a snapshot of this checkout, ready to run in any repository.

    Under pytest-xdist the workers share one snapshot and one pre-commit home (pre-commit
    locks its store), so the session builds the shared hook environment once.
    """
    session = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        session = session.parent  # shared by this session's workers, not by other sessions
    base = session / "lambdalint-precommit"
    with (session / "lambdalint-precommit.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (base / "ready").exists():
            return PreCommit(base, fresh=False)
        base.mkdir(exist_ok=True)
        hook = PreCommit(base, fresh=True)
        (base / "ready").touch()
        return hook


def _founding(root: Path) -> Path:
    """The founding example as a committed git repository of its own."""
    shutil.copytree(FIXTURES / "founding", root, ignore=shutil.ignore_patterns("expected.json"))
    git(root, "init", "--quiet", "--initial-branch=main")
    commit_all(root, "founding")
    return root


def test_try_repo_passes_on_the_founding_example_then_fails_on_requests(pre_commit, tmp_path):
    """The hook passes on founding (only warnings and info) and fails once requests is imported.

    The first run uses ``pre-commit try-repo``, as a user would to try the hook; the second
    uses the same repository and revision from a config, reusing the built environment.
    """
    project = _founding(tmp_path / "project")
    tried = pre_commit.try_repo(project)
    assert tried.returncode == 0, tried.stdout + tried.stderr
    assert "lambdalint" in tried.stdout
    assert "Passed" in tried.stdout
    index = project / "backend" / "chat" / "index.py"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            "import boto3\n", "import boto3\nimport requests\n"
        ),
        encoding="utf-8",
    )
    commit_all(project, "use requests")
    failed = pre_commit.run(project, "--all-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "backend/chat/index.py:9:1  LL001 missing-dependency" in failed.stdout


@pytest.mark.parametrize(
    ("files", "exit_code"),
    [
        (["tools/script.py"], 0),
        (["app/backend/chat/requirements.txt"], 1),
        (["tools/script.py", "app/terraform/lambda.tf"], 1),
    ],
    ids=["outside-functions", "requirements-of-failing-function", "iac-of-failing-function"],
)
def test_hook_checks_the_functions_containing_the_files(pre_commit, tmp_path, files, exit_code):
    """A staged file selects the whole function it belongs to; other files select nothing."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "founding-requests", project / "app")
    (project / "tools").mkdir()
    (project / "tools" / "script.py").write_text("import requests\n", encoding="utf-8")
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "an app and a tool")
    result = pre_commit.run(project, "--files", *files)
    assert result.returncode == exit_code, result.stdout + result.stderr
    assert ("missing-dependency" in result.stdout) is bool(exit_code)
