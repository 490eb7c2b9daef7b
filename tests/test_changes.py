"""--changed-only, --diff and file arguments: only the functions a change touches are checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitrepo import commit_all, git, init_repo
from test_fixtures import run_cli

FOUNDING = {"chat-backend"}
SAM = {"OrdersFunction", "ReportsFunction"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Terraform (founding), SAM (with a layer) and clean functions; chat includes a file."""
    root = tmp_path / "repo"
    (root / "shared").mkdir(parents=True)
    (root / "shared" / "base.txt").write_text("boto3\n", encoding="utf-8")
    (root / "README.md").write_text("# repo\n", encoding="utf-8")
    init_repo(root, "founding", "sam-app", "clean")
    chat_requirements = root / "founding" / "backend" / "chat" / "requirements.txt"
    chat_requirements.write_text("-r ../../../shared/base.txt\nboto3>=1.34.0\n", encoding="utf-8")
    (root / "sam-app" / "layers" / "shared" / "python").mkdir()
    (root / "sam-app" / "layers" / "shared" / "python" / "util.py").write_text("X = 1\n")
    commit_all(root, "include and layer code")
    return root


def _checked(repo: Path, *args: str) -> set[str]:
    result = run_cli("check", *args, "--format", "json", "--fail-on", "never", cwd=repo)
    assert result.returncode == 0, result.stderr
    return {function["name"] for function in json.loads(result.stdout)["functions"]}


def _touch(repo: Path, relative: str) -> None:
    path = repo / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as stream:
        stream.write("\n# changed\n")


CHANGES = [
    ("founding/backend/chat/index.py", FOUNDING),
    ("shared/base.txt", FOUNDING),
    ("founding/terraform/lambda.tf", FOUNDING),
    ("sam-app/template.yaml", SAM),
    ("sam-app/layers/shared/requirements.txt", {"OrdersFunction"}),
    ("sam-app/layers/shared/python/util.py", {"OrdersFunction"}),
    ("sam-app/src/reports/app.py", {"ReportsFunction"}),
    ("sam-app/src/orders/new_module.py", {"OrdersFunction"}),
    ("README.md", set()),
]
IDS = ["code", "include", "iac", "template", "layer-reqs", "layer-code", "code2", "new", "none"]


@pytest.mark.parametrize(("changed", "expected"), CHANGES, ids=IDS)
def test_changed_only_maps_uncommitted_files_to_functions(repo, changed, expected):
    """An uncommitted (or untracked) file touches its code, include, IaC or layer's users."""
    _touch(repo, changed)
    assert _checked(repo, "--changed-only") == expected


@pytest.mark.parametrize(("changed", "expected"), CHANGES, ids=IDS)
def test_file_arguments_select_the_functions_that_contain_them(repo, changed, expected):
    """`check FILE…` (what pre-commit passes) checks the functions the files belong to."""
    _touch(repo, changed)
    assert _checked(repo, changed) == expected


def test_diff_compares_with_the_merge_base(repo):
    """--diff REF sees commits since the branch point, not what REF did after it."""
    git(repo, "checkout", "--quiet", "-b", "feature")
    _touch(repo, "sam-app/src/reports/app.py")
    commit_all(repo, "feature work")
    git(repo, "checkout", "--quiet", "main")
    _touch(repo, "founding/backend/chat/index.py")
    commit_all(repo, "main moved on")
    git(repo, "checkout", "--quiet", "feature")
    assert _checked(repo, "--diff", "main") == {"ReportsFunction"}
    assert _checked(repo, "--changed-only") == set()
    _touch(repo, "founding/terraform/lambda.tf")  # uncommitted work counts for --diff too
    assert _checked(repo, "--diff", "main") == {"ReportsFunction", "chat-backend"}


def test_changed_config_file_touches_every_function(repo):
    """Editing the lambdalint settings can change any result, so every function is checked."""
    (repo / "lambdalint.toml").write_text('fail-on = "error"\n', encoding="utf-8")
    assert _checked(repo, "--changed-only") == FOUNDING | SAM | {"api"}


def test_file_arguments_and_changed_only_intersect(repo):
    """With both, only changed files among those given count."""
    _touch(repo, "sam-app/src/reports/app.py")
    assert _checked(repo, "--changed-only", "sam-app/src/orders/app.py") == set()
    assert _checked(repo, "--changed-only", "sam-app/src/reports/app.py") == {"ReportsFunction"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--diff", "no-such-branch"], "git ref 'no-such-branch' does not exist"),
        (["--diff", "--upload-pack=x"], "invalid git ref"),
    ],
    ids=["unknown-ref", "option-like-ref"],
)
def test_bad_ref_is_a_usage_error(repo, args, message):
    """A ref git does not know exits 2 with a message, not a traceback."""
    result = run_cli("check", *args, cwd=repo)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_changed_only_outside_a_git_repository_is_a_usage_error(tmp_path):
    """--changed-only needs git history; elsewhere it exits 2 saying so."""
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "app.py").write_text("import os\n", encoding="utf-8")
    result = run_cli("check", "--changed-only", cwd=tmp_path)
    assert result.returncode == 2
    assert "is not in a git repository" in result.stderr


@pytest.mark.parametrize(
    ("changed", "output"),
    [
        ("README.md", False),
        ("clean/api/lambda_function.py", False),
        ("founding/terraform/lambda.tf", True),
    ],
    ids=["no-function", "clean-function", "function-with-findings"],
)
def test_quiet_prints_nothing_without_findings(repo, changed, output):
    """--quiet is silent when the checked functions have no findings, and exits 0."""
    result = run_cli("check", "--quiet", changed, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert bool(result.stdout) is output
    assert result.stderr == ""
