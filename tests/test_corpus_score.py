"""Scoring math of bench/corpus/score.py on a tiny synthetic corpus, with fake tool outputs."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "corpus_score", Path(__file__).resolve().parents[1] / "bench" / "corpus" / "score.py"
)
assert _SPEC is not None
assert _SPEC.loader is not None
score = importlib.util.module_from_spec(_SPEC)
sys.modules["corpus_score"] = score
_SPEC.loader.exec_module(score)

MISSING, UNUSED, TRANSITIVE = "missing-dependency", "unused-requirement", "transitive-import"
DEPRECATED = "deprecated-runtime"
CORPUS = """\
repo = "acme/lambdas"
commit = "0123456789abcdef"
why = "synthetic"

[[functions]]
path = "fn"
runtime = "python3.12"
arch = "x86_64"
handler = "handler.handler"
packaging = "terraform archive_file"
installs_requirements = false
  [[functions.expected]]
  rule = "missing-dependency"
  file = "fn/handler.py"
  line = 3
  why = "yaml is imported but PyYAML is not declared"
  [[functions.expected]]
  rule = "unused-requirement"
  file = "fn/requirements.txt"
  line = 2
  why = "requests is never imported"
  [[functions.expected]]
  rule = "transitive-import"
  file = "fn/handler.py"
  line = 4
  why = "urllib3 only arrives with requests"

[[functions]]
path = "./other/"
handler = "app.main"
"""


def found(rule, file, line, name=None, message=""):
    """A finding as the scorer holds it."""
    return score.Found(rule, file, line, name, message)


def finding(rule, file, line, message):
    """One finding of lambdalint's JSON report."""
    return {"rule": rule, "file": file, "line": line, "message": message, "severity": "error"}


LAMBDALINT = {
    "functions": [
        {
            "path": "fn",
            "findings": [
                finding(MISSING, "fn/handler.py", 3, "'yaml' is not provided in python3.12"),
                finding(UNUSED, "fn/requirements.txt", 2, "requests is declared but unused"),
                finding(UNUSED, "fn/requirements.txt", 1, "pyyaml is declared but unused"),
                finding("runtime-provided", "fn/requirements.txt", 2, "requests is preinstalled"),
            ],
        }
    ],
    "findings": [finding(MISSING, "elsewhere/job.py", 1, "'pandas' is not provided")],
}
DEPTRY = [
    {
        "error": {"code": code, "message": f"'{module}' {code}"},
        "module": module,
        "location": {"file": file, "line": line, "column": None},
    }
    for code, module, file, line in [
        ("DEP001", "yaml", "handler.py", 3),
        ("DEP002", "requests", "requirements.txt", None),
        ("DEP003", "urllib3", "handler.py", 5),
        ("DEP004", "pytest", "handler.py", 6),
    ]
]


def fake_run(crash=None):
    """A stand-in for ``score._run``: canned lambdalint and deptry reports, FawltyDeps crashing."""

    def run(command, cwd):
        tool = command[2]
        if not Path(cwd).is_dir():
            return -1, "", "FileNotFoundError: no such folder"
        if tool == "lambdalint":
            return crash or (0, json.dumps(LAMBDALINT), "")
        if tool == "deptry":
            assert Path(cwd).parent.name == "acme__lambdas", "deptry runs in the function folder"
            Path(command[command.index("--json-output") + 1]).write_text(json.dumps(DEPTRY))
            return 1, "", ""
        return 1, "", "Traceback (most recent call last):\nRuntimeError: boom"

    return run


@pytest.fixture
def corpus(tmp_path):
    """A one-repo corpus, its checkout, and a corpus entry whose checkout is missing."""
    checkout = tmp_path / "checkouts" / "acme__lambdas" / "fn"
    checkout.mkdir(parents=True)
    (checkout / "handler.py").write_text("import json\n\nimport yaml\nimport urllib3\n")
    (checkout / "requirements.txt").write_text("pyyaml==6.0.2\nrequests==2.32.3\n")
    repos = tmp_path / "repos"
    repos.mkdir()
    (repos / "acme__lambdas.toml").write_text(CORPUS)
    (repos / "acme__gone.toml").write_text(
        'repo = "acme/gone"\ncommit = "abc"\n[[functions]]\npath = "."\n'
    )
    return tmp_path


def run_main(corpus, monkeypatch, capsys, **fake):
    """Run the scorer's CLI on the synthetic corpus; its JSON report and printed Markdown."""
    monkeypatch.setattr(score, "_run", fake_run(**fake))
    monkeypatch.setenv("LAMBDALINT_CACHE_DIR", "unset")  # main() points it at a temporary folder
    out = corpus / "out.json"
    score.main([str(corpus / "checkouts"), "--corpus", str(corpus / "repos"), "--json", str(out)])
    return json.loads(out.read_text()), capsys.readouterr().out


@pytest.mark.parametrize(
    ("expected", "reported", "counts"),
    [
        pytest.param(
            [found(MISSING, "a.py", 3)], [found(MISSING, "a.py", 3)], (1, 0, 0), id="same"
        ),
        pytest.param(
            [found(MISSING, "a.py", 3)], [found(MISSING, "a.py", 4)], (0, 1, 1), id="other-line"
        ),
        pytest.param(
            [found(MISSING, "a.py", 3)], [found(MISSING, "a.py", None)], (1, 0, 0), id="no-line"
        ),
        pytest.param(
            [found(MISSING, "a.py", 3)], [found(MISSING, "b.py", 3)], (0, 1, 1), id="other-file"
        ),
        pytest.param(
            [found(MISSING, "a.py", 3)], [found(UNUSED, "a.py", 3)], (0, 1, 1), id="other-rule"
        ),
        pytest.param(
            [found(DEPRECATED, "serverless.yml", 8)],
            [found(DEPRECATED, "serverless.yml", 36)],
            (1, 0, 0),
            id="iac-line-is-a-hint",
        ),
        pytest.param(
            [found(UNUSED, "r.txt", 2, "requests")],
            [found(UNUSED, "r.txt", 9, "requests")],
            (1, 0, 0),
            id="unused-by-name",
        ),
        pytest.param(
            [found(UNUSED, "r.txt", 2, "python-jose")],
            [found(UNUSED, "r.txt", None, None, "python_jose is declared")],
            (1, 0, 0),
            id="unused-name-in-message",
        ),
        pytest.param(
            [found(UNUSED, "r.txt", 2, "requests")],
            [found(UNUSED, "r.txt", None, "six")],
            (0, 1, 1),
            id="unused-other-name",
        ),
        pytest.param(
            [found(UNUSED, "r.txt", 2, "requests"), found(UNUSED, "r.txt", 3, "six")],
            [found(UNUSED, "r.txt", 3, "six"), found(UNUSED, "r.txt", None, "requests")],
            (2, 0, 0),
            id="exact-lines-first",
        ),
        pytest.param(
            [found(MISSING, "a.py", 3)],
            [found(MISSING, "a.py", 3, "x", "by f1"), found(MISSING, "a.py", 3, "x", "by f2")],
            (1, 0, 0),
            id="reported-per-function",
        ),
        pytest.param(
            [found(MISSING, "a.py", 3)] * 2,
            [found(MISSING, "a.py", 3)],
            (1, 0, 0),
            id="shared-reported-once",
        ),
        pytest.param(
            [found(DEPRECATED, "serverless.yml", 8)] * 2,
            [found(DEPRECATED, "serverless.yml", 8), found(DEPRECATED, "serverless.yml", 36)],
            (1, 0, 0),
            id="shared-reported-per-function",
        ),
        pytest.param(
            [found("runtime-provided", "lib/six-1.16.0.dist-info", None)],
            [found("runtime-provided", "lib/six-1.16.0.dist-info/METADATA", 1)],
            (1, 0, 0),
            id="file-inside-an-expected-folder",
        ),
        pytest.param(
            [found(MISSING, "lib", 3)], [found(MISSING, "lib2/a.py", 3)], (0, 1, 1), id="not-inside"
        ),
        pytest.param([found(MISSING, "a.py", 3)] * 2, [], (0, 0, 1), id="shared-missed"),
        pytest.param([], [found(MISSING, "a.py", 3)] * 2, (0, 1, 0), id="false-positive-once"),
    ],
)
def test_match(expected, reported, counts):
    """Findings pair one to one on rule, file and line, with the documented looser ties."""
    assert tuple(map(len, score.match(expected, reported))) == counts


def test_scores_per_tool_and_rule(corpus, monkeypatch, capsys):
    """TP, FP, FN, precision and recall come out right for each tool, rule and the discovery."""
    report, _ = run_main(corpus, monkeypatch, capsys)
    rows = {
        (tool, rule): (row["tp"], row["fp"], row["fn"], row["precision"], row["recall"])
        for tool, rules in report["scores"].items()
        for rule, row in rules.items()
    }
    assert rows == {
        ("lambdalint", MISSING): (1, 0, 0, 1.0, 1.0),
        ("lambdalint", UNUSED): (1, 1, 0, 0.5, 1.0),
        ("lambdalint", TRANSITIVE): (0, 0, 1, None, 0.0),
        ("lambdalint", "all rules"): (2, 1, 1, 0.6667, 0.6667),
        ("deptry", MISSING): (1, 0, 0, 1.0, 1.0),
        ("deptry", UNUSED): (1, 0, 0, 1.0, 1.0),
        ("deptry", TRANSITIVE): (0, 1, 1, 0.0, 0.0),
        ("deptry", "all rules"): (2, 1, 1, 0.6667, 0.6667),
        ("fawltydeps", MISSING): (0, 0, 1, None, 0.0),
        ("fawltydeps", UNUSED): (0, 0, 1, None, 0.0),
        ("fawltydeps", "all rules"): (0, 0, 2, None, 0.0),
    }
    assert report["corpus"] == {"repos": 1, "functions": 2, "expected": 3}
    assert (report["discovery"]["tp"], report["discovery"]["recall"]) == (1, 0.5)
    assert report["skipped"] == ["acme/gone"]
    [unused] = [x for x in report["repos"][0]["tools"]["deptry"]["tp"] if x["rule"] == UNUSED]
    assert unused["name"] == "requests", "read from the expected line of requirements.txt"
    assert report["repos"][0]["problems"] == [
        "deptry failed (other: exit -1: FileNotFoundError: no such folder)",
        "fawltydeps failed (fn: exit 1: RuntimeError: boom)",
        "fawltydeps failed (other: exit 1: RuntimeError: boom)",
    ]


def test_markdown_table(corpus, monkeypatch, capsys):
    """The printed table has one row per rule, a dash where a tool has no such rule."""
    _, text = run_main(corpus, monkeypatch, capsys)
    assert "| rule | lambdalint | deptry | fawltydeps |" in text
    assert (
        "| unused-requirement | 0.50 / 1.00 / 1 1 0 | 1.00 / 1.00 / 1 0 0 | n/a / 0.00 / 0 0 1 |"
    ) in text
    assert "| transitive-import | n/a / 0.00 / 0 0 1 | 0.00 / 0.00 / 0 1 1 | — |" in text
    assert "1 of 2 expected functions found (recall 0.50)" in text
    assert "- acme/gone: skipped, no checkout" in text


@pytest.mark.parametrize(
    ("crash", "problem"),
    [
        ((2, "", "Error: internal error\n"), "exit 2: Error: internal error"),
        (
            (0, "{}", "Traceback (most recent call last):\n  ...\nKeyError: 'x'\n"),
            "exit 0: KeyError",
        ),
        ((0, "not json", ""), "Expecting value"),
    ],
    ids=["exit-2", "traceback", "no-report"],
)
def test_lambdalint_crash_is_a_failure(corpus, monkeypatch, capsys, crash, problem):
    """A lambdalint crash is reported for the repository and every expectation is missed."""
    report, text = run_main(corpus, monkeypatch, capsys, crash=crash)
    assert report["scores"]["lambdalint"]["all rules"]["fn"] == 3
    assert report["discovery"]["tp"] == 0
    assert f"- acme/lambdas: lambdalint failed (.: {problem}" in text


def test_corpus_missing_keys_is_an_error(tmp_path):
    """A corpus file without a required key stops the run and names the file and key."""
    (tmp_path / "bad.toml").write_text(
        'repo = "a/b"\ncommit = "c"\n[[functions]]\npath = "."\n'
        '[[functions.expected]]\nrule = "missing-dependency"\n'
    )
    with pytest.raises(SystemExit, match=r"bad\.toml: missing file"):
        score.load_corpus(tmp_path, [])


def test_only_listed_functions_count(tmp_path, monkeypatch):
    """Only the verdict's functions count, matched on path and handler.

    A path whose handlers are written another way keeps all its functions; repository-level
    findings always count.
    """
    (tmp_path / ".git").mkdir()
    functions = [
        {"path": "a", "handler": "app.handler", "findings": [finding(MISSING, "a/app.py", 1, "x")]},
        {"path": "a", "handler": "job.run", "findings": [finding(MISSING, "a/job.py", 1, "y")]},
        {"path": "b", "handler": "b/app.h", "findings": [finding(MISSING, "b/app.py", 2, "z")]},
        {"path": "c", "handler": "main.h", "findings": [finding(MISSING, "c/main.py", 3, "w")]},
    ]
    report = {"functions": functions, "findings": [finding(MISSING, "top.py", 4, "v")]}
    monkeypatch.setattr(score, "_run", lambda *_: (0, json.dumps(report), ""))
    listed = {("a", "app.handler"), ("b", "app.h")}
    paths, found_ = score.run_lambdalint(tmp_path, listed)
    assert paths == ["a", "b"]
    assert sorted(f.file for f in found_) == ["a/app.py", "b/app.py", "top.py"]
