"""The GitHub Action's script, run locally with the INPUT_* variables action.yml passes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_fixtures import HERMETIC, REPO, TODAY

SCRIPT = REPO / "scripts" / "action-run.sh"


def _action(step: str, tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    """Run one step of the action script from the repository root with ``inputs``."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("INPUT_", "GITHUB_"))
    }
    env.update(HERMETIC, LAMBDALINT_TODAY=TODAY, LAMBDALINT_PYTHON=sys.executable)
    env.update(inputs)
    env.setdefault("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    if not env["GITHUB_STEP_SUMMARY"]:
        del env["GITHUB_STEP_SUMMARY"]
    return subprocess.run(
        ["bash", str(SCRIPT), step],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("inputs", "exit_code", "expected"),
    [
        ({"INPUT_PATHS": "fixtures/founding-requests", "INPUT_FORMAT": "text"}, 1, "LL001"),
        (
            {"INPUT_PATHS": "fixtures/founding-requests", "INPUT_FORMAT": "text"}
            | {"INPUT_FAIL_ON": "never"},
            0,
            "missing-dependency",
        ),
        ({"INPUT_PATHS": "fixtures/founding", "INPUT_FORMAT": "text"}, 0, "0 errors"),
        (
            {"INPUT_PATHS": "fixtures/founding", "INPUT_FORMAT": "text"}
            | {"INPUT_FAIL_ON": "warning"},
            1,
            "1 warning",
        ),
        ({"INPUT_PATHS": "fixtures/founding\nfixtures/clean", "INPUT_FORMAT": "json"}, 0, "api"),
        (
            {"INPUT_PATHS": "fixtures/founding", "INPUT_FORMAT": "json"}
            | {"INPUT_RUNTIME": "python3.12", "INPUT_ARCH": "arm64"},
            0,
            '"runtime": "python3.12"',
        ),
        ({"INPUT_PATHS": "fixtures/founding", "INPUT_FORMAT": "xml"}, 2, "unknown format"),
    ],
    ids=["error", "fail-on-never", "clean", "fail-on-warning", "two-paths", "runtime", "bad"],
)
def test_check_step_exit_code_follows_fail_on(tmp_path, inputs, exit_code, expected):
    """The check step prints the report in the chosen format and exits like `lambdalint check`."""
    result = _action("check", tmp_path, **inputs)
    assert result.returncode == exit_code, result.stderr
    assert expected in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("inputs", "written"),
    [
        ({"INPUT_PATHS": "fixtures/founding-requests", "INPUT_SUMMARY_FORMAT": "text"}, True),
        ({"INPUT_PATHS": "fixtures/founding", "INPUT_SUMMARY_FORMAT": "json"}, True),
        ({"INPUT_PATHS": "fixtures/founding", "INPUT_SUMMARY_FORMAT": "nope"}, False),
        ({"INPUT_PATHS": "no/such/dir", "INPUT_SUMMARY_FORMAT": "text"}, False),
        ({"INPUT_PATHS": "fixtures/founding-requests"}, True),
    ],
    ids=["text", "json", "unknown-format", "bad-path", "markdown"],
)
def test_summary_step_writes_the_summary_and_never_fails(tmp_path, inputs, written):
    """The summary step appends the report to $GITHUB_STEP_SUMMARY, and exits 0 even if not."""
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n", encoding="utf-8")
    result = _action("summary", tmp_path, **inputs)
    assert result.returncode == 0, result.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("previous step\n")
    assert (len(text) > len("previous step\n")) is written
    assert ("::warning" in result.stdout) is not written


def test_summary_step_without_summary_file_is_a_no_op(tmp_path):
    """Outside GitHub Actions (no $GITHUB_STEP_SUMMARY) the summary step does nothing."""
    result = _action("summary", tmp_path, GITHUB_STEP_SUMMARY="")
    assert result.returncode == 0
    assert "no job summary written" in result.stdout


def test_check_step_writes_sarif_and_github_annotations(tmp_path):
    """With sarif-file set the check step also writes SARIF; the default format annotates."""
    sarif = tmp_path / "out.sarif"
    result = _action(
        "check", tmp_path, INPUT_PATHS="fixtures/founding-requests", INPUT_SARIF_FILE=str(sarif)
    )
    assert result.returncode == 1, result.stderr
    assert "::error" in result.stdout
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"


@pytest.mark.parametrize(
    ("version", "spec"),
    [
        ("", str(REPO)),
        ("==0.4.0", "lambdalint==0.4.0"),
        (">=0.4,<1", "lambdalint>=0.4,<1"),
        ("lambdalint @ file:///wheels/x.whl", "lambdalint @ file:///wheels/x.whl"),
    ],
    ids=["own-checkout", "pin", "range", "requirement"],
)
def test_install_step_installs_the_checkout_or_the_version(tmp_path, version, spec):
    """The install step pip-installs the action's checkout, or the requested version."""
    log = tmp_path / "pip-args"
    fake_python = tmp_path / "python"
    fake_python.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n', encoding="utf-8")
    fake_python.chmod(0o755)
    result = _action(
        "install",
        tmp_path,
        INPUT_VERSION=version,
        LAMBDALINT_PYTHON=str(fake_python),
        GITHUB_ACTION_PATH=str(REPO),
    )
    assert result.returncode == 0, result.stderr
    assert log.read_text(encoding="utf-8").splitlines()[-1] == spec


def test_action_metadata_passes_every_input_to_the_script():
    """action.yml declares the documented inputs and hands each to the script's environment."""
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    inputs = set(action["inputs"])
    assert {"paths", "runtime", "arch", "format", "fail-on", "sarif-file", "version"} <= inputs
    assert action["inputs"]["format"]["default"] == "github"
    assert action["inputs"]["fail-on"]["default"] == "error"
    steps = action["runs"]["steps"]
    passed = {key for step in steps for key in step.get("env", {})}
    assert passed == {"INPUT_" + name.upper().replace("-", "_") for name in inputs}
    assert all("scripts/action-run.sh" in step["run"] for step in steps)
    summary = steps[-1]
    assert summary["if"] == "always()"
    assert summary["continue-on-error"] is True
