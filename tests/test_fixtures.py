"""Snapshot tests: the real CLI's JSON output on each fixture equals its expected.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from lambdalint.checks import RULES

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
TODAY = "2026-12-04"

# (fixture, extra CLI args, expected exit code with the default --fail-on error)
CASES = [
    ("founding", ["--runtime", "python3.11"], 0),
    ("founding-requests", ["--runtime", "python3.11"], 1),
    ("founding-pandas", ["--runtime", "python3.11"], 0),
    ("stdlib-removed", [], 1),
    ("unused-requirements", [], 0),
    ("vendored", [], 0),
    ("optional-imports", [], 1),
    ("syntax-py39", [], 1),
    ("clean", [], 0),
    ("bad-input", [], 1),
    ("shared-requirements", [], 1),
    ("terraform-module", [], 0),
    ("sam-app", [], 1),
    ("cdk-app", [], 1),
    ("serverless-app", [], 1),
    ("container-image", [], 0),
    ("terraform-misconfigured", [], 1),
    ("broken-iac", ["--runtime", "python3.12"], 1),
    ("terraform-child-module", [], 1),
    ("terraform-module-inputs", [], 1),
    ("layer-built-by-script", [], 1),
    ("poetry-pipfile", [], 1),
    ("cdk-typescript-app", [], 1),
    ("sam-layers", [], 1),
    ("sam-exported-requirements", [], 0),
    ("image-copy-mapping", [], 0),
    ("image-build-matrix", [], 0),
    ("serverless-moved-to-src", [], 1),
    ("cfn-s3-script-zips", [], 1),
    ("cdk-image-build-args", [], 1),
    ("image-shared-code", [], 1),
    ("cfn-codebuild-buildspec", [], 1),
]


# Fixture runs never reach a package index: offline, with an empty cache of their own.
HERMETIC = {
    "LAMBDALINT_OFFLINE": "1",
    "LAMBDALINT_CACHE_DIR": tempfile.mkdtemp(prefix="lambdalint-"),
}


def run_cli(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed command line as a user would, with a fixed date."""
    full_env = {**os.environ, "LAMBDALINT_TODAY": TODAY, **HERMETIC, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "lambdalint", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(("case", "args", "exit_code"), CASES, ids=[c[0] for c in CASES])
def test_fixture_matches_expected(case, args, exit_code, update_expected):
    """Each fixture's JSON report equals the reviewed oracle and the exit code is right."""
    result = run_cli("check", f"fixtures/{case}", "--format", "json", *args)
    assert result.returncode == exit_code, result.stderr
    assert result.stderr == ""
    actual = json.loads(result.stdout)
    oracle = FIXTURES / case / "expected.json"
    if update_expected:
        oracle.write_text(json.dumps(actual, indent=2) + "\n", encoding="utf-8")
    assert actual == json.loads(oracle.read_text(encoding="utf-8"))


def test_every_fixture_is_in_the_table():
    """A fixture folder without a row in CASES would silently go untested."""
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders == {c[0] for c in CASES}


def test_every_fixture_explains_itself():
    """Each fixture carries a README saying why it exists and what it expects."""
    for case, _args, _code in CASES:
        assert (FIXTURES / case / "README.md").is_file(), case


def test_every_rule_fires_somewhere():
    """Every registered rule is proven by at least one fixture oracle."""
    fired = {
        f["rule"]
        for case, _args, _code in CASES
        for fn in json.loads((FIXTURES / case / "expected.json").read_text())["functions"]
        for f in fn["findings"]
    }
    # These need resolved wheels; fixtures run offline, so test_resolution_e2e proves them
    # against a local index instead.
    needs_index = {
        "transitive-import",
        "no-compatible-wheel",
        "size-limit",
        "partial-sdk-vendoring",
    }
    assert {r.slug for r in RULES} - fired == needs_index


def test_clean_fixture_is_silent():
    """The clean fixture proves the rules can stay silent."""
    data = json.loads((FIXTURES / "clean" / "expected.json").read_text())
    assert data["summary"]["findings"] == 0
