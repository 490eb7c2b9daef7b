"""Baselines: known findings stay silent, new ones are reported, bad files are usage errors."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from test_fixtures import run_cli

from lambdalint.baseline import fingerprint, without_known
from lambdalint.model import Finding, Function, FunctionReport, Location, Plan, Report, Severity

HANDLER = "import requests\n\n\ndef handler(event, context):\n    return requests\n"


def _project(root: Path, code: str = HANDLER) -> Path:
    """A one-function repository (its own git root) with ``code`` as fn/handler.py."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    (root / "fn").mkdir(exist_ok=True)
    (root / "fn" / "handler.py").write_text(code, encoding="utf-8")
    return root


def _check(project: Path, *args: str):
    return run_cli("check", ".", "--runtime", "python3.12", "--format", "json", *args, cwd=project)


def _rules_and_lines(stdout: str) -> list[tuple[str, int]]:
    data = json.loads(stdout)
    return [(f["rule"], f["line"]) for fn in data["functions"] for f in fn["findings"]]


def _finding(message: str, line: int = 1, rule: str = "missing-dependency") -> Finding:
    return Finding(
        rule=rule,
        code="LL001",
        severity=Severity.ERROR,
        message=message,
        fix="Fix it.",
        location=Location("fn/handler.py", line, 1),
        function="fn",
    )


def test_first_run_writes_the_baseline_then_reruns_are_silent(tmp_path):
    """A missing baseline is written with every finding and the run exits 0; re-runs stay 0."""
    project = _project(tmp_path / "repo")
    written = _check(project, "--baseline", "baseline.json")
    assert written.returncode == 0, written.stderr
    assert "wrote baseline baseline.json (1 finding)" in written.stderr
    data = json.loads((project / "baseline.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert [(e["rule"], e["file"], e["function"]) for e in data["findings"]] == [
        ("missing-dependency", "fn/handler.py", "fn")
    ]
    assert set(data["findings"][0]) == {"fingerprint", "rule", "file", "function", "message"}
    again = _check(project, "--baseline", "baseline.json")
    assert again.returncode == 0, again.stderr
    assert _rules_and_lines(again.stdout) == []
    assert not list(project.glob(".baseline.json.*"))  # the atomic write left no temp file


@pytest.mark.parametrize(
    ("new_code", "expected"),
    [
        ("import pandas\n" + HANDLER, [("missing-dependency", 1)]),
        ("\n\n\n" + HANDLER, []),
        ('"""Docstring."""\n\n' + HANDLER.replace("return requests", "return 1"), []),
        (
            HANDLER.replace("return requests", "import requests\n    return requests"),
            [("missing-dependency", 5)],
        ),
    ],
    ids=["new-import", "line-shift", "shift-and-edit", "duplicate-import"],
)
def test_only_findings_missing_from_the_baseline_are_reported(tmp_path, new_code, expected):
    """New findings (counting duplicates) are reported; known ones that moved stay silent."""
    project = _project(tmp_path / "repo")
    assert _check(project, "--baseline", "b.json").returncode == 0
    (project / "fn" / "handler.py").write_text(new_code, encoding="utf-8")
    result = _check(project, "--baseline", "b.json")
    assert _rules_and_lines(result.stdout) == expected
    assert result.returncode == (1 if expected else 0)


def test_update_baseline_rewrites_the_file(tmp_path):
    """--update-baseline records the current findings, so an accepted new one goes silent."""
    project = _project(tmp_path / "repo")
    assert _check(project, "--baseline", "b.json").returncode == 0
    (project / "fn" / "handler.py").write_text("import pandas\n" + HANDLER, encoding="utf-8")
    assert _check(project, "--baseline", "b.json").returncode == 1
    updated = _check(project, "--baseline", "b.json", "--update-baseline")
    assert updated.returncode == 0
    assert len(json.loads((project / "b.json").read_text(encoding="utf-8"))["findings"]) == 2
    assert _check(project, "--baseline", "b.json").returncode == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "invalid baseline"),
        ('{"version": 2, "findings": []}', '"version": 1'),
        ('{"version": 1, "findings": {}}', '"findings" must be a list'),
        ('{"version": 1, "findings": [{"fingerprint": "abc"}]}', '"findings" must be a list'),
        (
            (
                '{"version": 1, "findings": [{"fingerprint": "zz", "rule": "r", "file": "f", '
                '"function": null, "message": "m"}]}'
            ),
            "64-digit hex fingerprint",
        ),
        ("[]", '"version": 1'),
    ],
    ids=["bad-json", "wrong-version", "findings-not-list", "missing-keys", "bad-digest", "array"],
)
def test_invalid_baseline_is_a_usage_error(tmp_path, content, message):
    """A baseline that is not valid JSON of the right shape exits 2 naming the file."""
    project = _project(tmp_path / "repo")
    (project / "b.json").write_text(content, encoding="utf-8")
    result = _check(project, "--baseline", "b.json")
    assert result.returncode == 2
    assert "b.json: invalid baseline" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--update-baseline"], "--update-baseline needs --baseline FILE"),
        (["fn/handler.py", "--baseline", "new.json"], "from a scan of changed files only"),
        (["--baseline", "no/such/dir/b.json"], "cannot write baseline no/such/dir/b.json"),
    ],
    ids=["update-without-file", "partial-scan", "unwritable"],
)
def test_baseline_misuse_is_a_usage_error(tmp_path, args, message):
    """Updating without a file, from a partial scan, or into a missing folder exits 2."""
    project = _project(tmp_path / "repo")
    result = run_cli("check", *args, "--runtime", "python3.12", cwd=project)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (project / "new.json").exists()


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (_finding("x", line=3), _finding("x", line=30), True),
        (_finding("bad at line 6, column 1"), _finding("bad at line 9, column 4"), True),
        (_finding("see requirements.txt:3"), _finding("see requirements.txt:12"), True),
        (_finding("'requests' is missing"), _finding("'pandas' is missing"), False),
        (_finding("x"), _finding("x", rule="unused-requirement"), False),
        (_finding("needs python3.12"), _finding("needs python3.13"), False),
    ],
    ids=["own-line", "line-ref", "file-line-ref", "message", "rule", "version-digits"],
)
def test_fingerprint_ignores_line_numbers_only(first, second, same):
    """Fingerprints survive line shifts but change with the rule or the message's facts."""
    assert (fingerprint(first) == fingerprint(second)) is same


def test_duplicates_are_counted_against_the_baseline():
    """Two identical findings against one baseline entry leave exactly one new finding."""
    twice = (_finding("dup", line=1), _finding("dup", line=5))
    report = Report(
        functions=(FunctionReport(Function("fn", Path("fn")), "fn", twice, Plan("none")),),
        findings=(_finding("loose"),),
    )
    known = {fingerprint(twice[0]): 1, fingerprint(_finding("loose")): 1}
    kept, dropped = without_known(report, Counter(known))
    assert dropped == 2
    assert [f.location.line for f in kept.all_findings()] == [5]
