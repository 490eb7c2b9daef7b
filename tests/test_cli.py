"""The command line as users meet it: exit codes, errors without tracebacks, commands."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_fixtures import REPO, run_cli

from lambdalint.checks import RULES

FOUNDING = "fixtures/founding-requests"


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["--runtime", "python3.11"], 1),
        (["--runtime", "python3.11", "--fail-on", "never"], 0),
        (["--runtime", "python3.11", "--ignore", "missing-dependency"], 0),
        (["--runtime", "python3.11", "--ignore", "LL001"], 0),
        (
            [
                "--runtime",
                "python3.11",
                "--select",
                "requirements-not-installed",
                "--fail-on",
                "info",
            ],
            1,
        ),
        (["--runtime", "python3.11", "--select", "unused-requirement", "--fail-on", "info"], 0),
        (["--runtime", "python3.11", "--ignore", "missing-dependency", "--fail-on", "warning"], 1),
    ],
)
def test_exit_codes_follow_fail_on(args, exit_code):
    """Exit 1 only for findings at or above --fail-on, after --select/--ignore."""
    result = run_cli("check", FOUNDING, *args)
    assert result.returncode == exit_code, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "no/such/dir"], "path does not exist: no/such/dir"),
        (["check", FOUNDING, "--runtime", "python3.99"], "python3.99"),
        (["check", FOUNDING, "--runtime", "python3.7", "--arch", "arm64"], "does not run on arm64"),
        (["check", FOUNDING, "--arch", "sparc"], "unknown architecture 'sparc'"),
        (["check", FOUNDING, "--format", "xml"], "unknown format 'xml'"),
        (["check", FOUNDING, "--fail-on", "sometimes"], "unknown fail-on"),
        (["check", FOUNDING, "--select", "no-such-rule"], "unknown rule 'no-such-rule'"),
        (["explain", "no-such-rule"], "no rule 'no-such-rule'"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args, message):
    """Bad usage is a one-line message and exit 2, never a traceback."""
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_date_pin_is_a_usage_error():
    """An invalid LAMBDALINT_TODAY is reported, not crashed on."""
    result = run_cli("check", FOUNDING, env={"LAMBDALINT_TODAY": "tomorrow"})
    assert result.returncode == 2
    assert "LAMBDALINT_TODAY" in result.stderr


def test_text_report_names_file_line_and_fix():
    """The default text report shows file:line:col, code, slug, and a fix line."""
    result = run_cli("check", FOUNDING, "--runtime", "python3.11")
    assert (
        "fixtures/founding-requests/backend/chat/index.py:9:1  LL001 missing-dependency"
        in result.stdout
    )
    assert "fix: Add requests" in result.stdout
    assert result.stdout.rstrip().endswith("1 function checked: 1 error, 1 warning, 1 info")
    assert "\033[" not in result.stdout  # no colour when not a TTY


def test_output_file_gets_the_report(tmp_path):
    """--output writes the report to a file and prints nothing."""
    target = tmp_path / "report.json"
    result = run_cli(
        "check", FOUNDING, "--runtime", "python3.11", "--format", "json", "--output", str(target)
    )
    assert result.stdout == ""
    assert json.loads(target.read_text())["summary"]["error"] == 1


def test_config_file_sets_defaults_and_cli_overrides(tmp_path):
    """[tool.lambdalint] applies, and a CLI flag beats it."""
    project = tmp_path / "svc"
    (project / "fn").mkdir(parents=True)
    (project / "fn" / "app.py").write_text("import requests\n")
    (project / "pyproject.toml").write_text(
        '[tool.lambdalint]\nruntime = "python3.10"\nfail-on = "never"\n'
    )
    from_file = run_cli("check", str(project), "--format", "json")
    assert from_file.returncode == 0
    assert json.loads(from_file.stdout)["functions"][0]["runtime"] == "python3.10"
    overridden = run_cli("check", str(project), "--fail-on", "error", "--runtime", "python3.13")
    assert overridden.returncode == 1
    assert "python3.13" in overridden.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[tool.lambdalint]\nruntim = "python3.12"\n', "unknown key 'runtim'"),
        ("[tool.lambdalint]\nignore = 'x'\n", "'ignore' must be a list of strings"),
        ("[tool.lambdalint\n", "invalid TOML"),
    ],
)
def test_bad_config_is_exit_2(tmp_path, content, message):
    """Typos and malformed config files stop the run with a message naming the file."""
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "app.py").write_text("import os\n")
    (tmp_path / "pyproject.toml").write_text(content)
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    assert message in result.stderr
    assert "pyproject.toml" in result.stderr


def test_rules_lists_every_rule_with_a_doc():
    """`lambdalint rules` lists each registered rule, and each has a page for `explain`."""
    listing = run_cli("rules").stdout
    for rule in RULES:
        assert rule.slug in listing
        page = run_cli("explain", rule.slug)
        assert page.returncode == 0, rule.slug
        assert "## What it does" in page.stdout


def test_explain_accepts_a_code():
    """`explain LL001` prints the missing-dependency page."""
    result = run_cli("explain", "LL001")
    assert result.returncode == 0
    assert "Runtime.ImportModuleError" in result.stdout


def test_runtimes_table_shows_status_relative_to_today():
    """`lambdalint runtimes` shows every runtime with status and days until its dates."""
    result = run_cli("runtimes")
    assert result.returncode == 0
    lines = {
        line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("python")
    }
    assert {f"python3.{m}" for m in range(8, 15)} <= set(lines)
    assert "deprecated" in lines["python3.9"]
    assert "supported" in lines["python3.12"]
    assert "in 208 days" in lines["python3.11"]  # 2027-06-30 seen from 2026-12-04


def test_help_does_not_import_heavy_modules():
    """`import lambdalint.cli` loads neither the stages nor boto3, rich or network code."""
    code = (
        "import sys, lambdalint.cli; "
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "{'boto3', 'botocore', 'rich', 'pydantic', 'urllib3', 'requests', 'jsonschema'} "
        "or m.startswith(('lambdalint.engine', 'lambdalint.checks', 'lambdalint.read'))]; "
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "[]"


def test_help_works():
    """`lambdalint --help` lists the commands."""
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("check", "rules", "explain", "runtimes"):
        assert command in result.stdout


def test_scan_from_another_folder_uses_that_repo(tmp_path):
    """Paths in findings are relative to the scanned repository's root."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "fn").mkdir()
    (repo / "fn" / "handler.py").write_text("import requests\n")
    result = run_cli("check", str(repo / "fn"), "--format", "json", cwd=Path(tmp_path))
    finding = json.loads(result.stdout)["functions"][0]["findings"][0]
    assert finding["file"] == "fn/handler.py"


def test_check_without_arguments_scans_the_current_folder():
    """`lambdalint check` with no path scans the working directory, like the founding example."""
    result = run_cli("check", "--format", "json", cwd=REPO / "fixtures" / "founding")
    data = json.loads(result.stdout)
    assert [(f["name"], f["runtime"], f["packaging"]) for f in data["functions"]] == [
        ("chat-backend", "python3.11", "terraform archive_file")
    ]
    assert result.returncode == 0


def test_functions_lists_discovered_functions():
    """`lambdalint functions` prints one row per function with its IaC source."""
    result = run_cli("functions", "fixtures/sam-app")
    assert result.returncode == 0
    assert "OrdersFunction" in result.stdout
    assert "sam fixtures/sam-app/template.yaml:" in result.stdout
    assert result.stdout.rstrip().endswith("2 functions found")


def test_functions_lists_layers_with_the_script_that_builds_them():
    """A layer a build script fills is listed with the script file and line that installs it."""
    result = run_cli("functions", "fixtures/layer-built-by-script")
    assert result.returncode == 0
    [row] = [line for line in result.stdout.splitlines() if line.startswith("DepsLayer")]
    assert "installs the dependencies of fixtures/layer-built-by-script/pyproject.toml" in row
    assert row.endswith("(build script fixtures/layer-built-by-script/scripts/build-layer.sh:8)")
    assert "+ build script fixtures/layer-built-by-script/Makefile:5" in result.stdout


def test_unwritable_output_is_exit_2_and_leaves_nothing(tmp_path):
    """An --output in a folder that cannot be written is a clear error with no partial file."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    result = run_cli("check", FOUNDING, "--output", str(folder / "missing" / "r.json"))
    assert result.returncode == 2
    assert "cannot write" in result.stderr
    assert list(folder.iterdir()) == []


def test_progress_shows_only_on_a_terminal_after_a_second(monkeypatch, capsys):
    """The progress counter stays silent when piped or quick, and ends with a newline."""
    from lambdalint import runner  # noqa: PLC0415 - the unit under test, not the CLI

    progress = runner.Progress()
    progress(1, 2)
    assert capsys.readouterr().err == ""  # not a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    progress(1, 2)
    assert capsys.readouterr().err == ""  # under a second
    monkeypatch.setattr(runner.time, "monotonic", lambda: progress._start + 5)  # noqa: SLF001
    progress(1, 2)
    progress(2, 2)
    assert capsys.readouterr().err == "\r[1/2] checking functions\r[2/2] checking functions\n"


def test_runtime_data_manifests_change_findings(tmp_path):
    """--runtime-data applies probe manifests: a newer observed boto3 clears the mismatch."""
    from lambdalint.runtime.probe import manifest_from_probe, write_manifest  # noqa: PLC0415

    answer = json.loads((REPO / "tests" / "data" / "probe-python3.12-arm64.json").read_text())
    manifest = manifest_from_probe(
        answer,
        runtime="python3.12",
        architecture="arm64",
        observed_on=datetime.date(2026, 11, 30),
        source="probe-python3.12-arm64-2026-11-30",
    )
    data = tmp_path / "runtime-data"
    write_manifest(manifest, data)
    (tmp_path / ".git").mkdir()
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "app.py").write_text("import boto3\n")
    (tmp_path / "fn" / "requirements.txt").write_text("boto3>=1.40\n")
    args = (
        "check",
        str(tmp_path),
        "--runtime",
        "python3.12",
        "--arch",
        "arm64",
        "--format",
        "json",
    )
    bundled = json.loads(run_cli(*args).stdout)["functions"][0]["findings"]
    probed = json.loads(run_cli(*args, "--runtime-data", str(data)).stdout)["functions"][0]
    assert "runtime-version-mismatch" in [f["rule"] for f in bundled]
    assert "runtime-version-mismatch" not in [f["rule"] for f in probed["findings"]]


def test_inspect_reports_a_defect_inside_the_artifact(tmp_path):
    """`inspect` of a zip with an arm64 extension, for x86_64: exit 1, location inside the zip."""
    import zipfile  # noqa: PLC0415

    from elf_samples import EM_AARCH64, elf64  # noqa: PLC0415

    artifact = tmp_path / "fn.zip"
    with zipfile.ZipFile(artifact, "w") as archive:
        archive.writestr("index.py", "import fast\n")
        archive.writestr("fast/__init__.py", "")
        archive.writestr("fast/_core.cpython-312-aarch64-linux-gnu.so", elf64(EM_AARCH64))
    result = run_cli(
        "inspect",
        str(artifact),
        "--runtime",
        "python3.12",
        "--arch",
        "x86_64",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    rules = {(f["rule"], f["file"]) for f in json.loads(result.stdout)["functions"][0]["findings"]}
    assert ("wrong-platform-binary", "fn.zip!fast/_core.cpython-312-aarch64-linux-gnu.so") in rules


def test_inspect_missing_path_is_exit_2():
    """A path that does not exist is a usage error."""
    result = run_cli("inspect", "no/such.zip")
    assert result.returncode == 2
    assert "does not exist" in result.stderr
