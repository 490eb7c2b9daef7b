"""Rules in isolation: small function folders built in tmp_path, analysed with a fixed date."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from files import write_files

from lambdalint.checks import RULES
from lambdalint.config import Config
from lambdalint.engine import analyse, run
from lambdalint.model import Function, Layer, Location, PackageType

TODAY = datetime.date(2026, 12, 4)


def findings(
    tmp_path: Path,
    files: dict[str, str],
    runtime: str = "python3.12",
    today: datetime.date = TODAY,
    **fields,
):
    """Write ``files`` into a function folder and analyse it as one function."""
    for name, text in files.items():
        path = tmp_path / "fn" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    function = Function(name="fn", code_dir=tmp_path / "fn", **fields)
    return analyse(function, tmp_path, Config(runtime=runtime), RULES, today)


def rules_of(report) -> list[str]:
    """The slugs of a report's findings, in order."""
    return [f.rule for f in report.findings]


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        ("app.handler", []),
        ("app.missing", ["handler-not-found"]),
        ("nope.handler", ["handler-not-found"]),
        ("pkg.mod.handler", []),
        ("pkg/mod.handler", []),
    ],
)
def test_handler_not_found(tmp_path, handler, expected):
    """A known handler must name a module at the package root and a top-level function in it."""
    report = findings(
        tmp_path,
        {
            "app.py": "def handler(event, context):\n    return 1\n",
            "pkg/__init__.py": "",
            "pkg/mod.py": "handler = lambda e, c: 1\n",
        },
        handler=handler,
        handler_known=True,
    )
    assert rules_of(report) == expected


@pytest.mark.parametrize(
    ("handler", "says"),
    [
        ("nope.handler", "has no nope.py at its root"),
        ("pkg.gone.handler", "has no pkg/gone.py at its root"),
        ("./src/app.py.handler", "has no ./src/app.py at its root"),
        ("app.missing", "does not define at top level"),
    ],
)
def test_handler_not_found_names_the_file(tmp_path, handler, says):
    """The message names the file the handler points at, as written; a path form gets a hint."""
    report = findings(
        tmp_path,
        {"app.py": "def handler(e, c):\n    return 1\n"},
        handler=handler,
        handler_known=True,
    )
    [finding] = report.findings
    assert says in finding.message
    assert ("not a file" in (finding.fix or "")) is handler.startswith("./")


@pytest.mark.parametrize(
    ("handler_file", "expected"),
    [
        ("src/app.py", []),
        ("src/other.py", ["handler-not-found"]),
        (None, ["handler-not-found"]),
    ],
)
def test_handler_checked_in_the_copied_file(tmp_path, handler_file, expected):
    """An image's handler is checked in the file its Dockerfile copies to the task root."""
    report = findings(
        tmp_path,
        {"src/app.py": "def handler(event, context):\n    return 1\n", "src/other.py": ""},
        handler="app.handler",
        handler_known=True,
        handler_file=tmp_path / "fn" / handler_file if handler_file else None,
        package_type=PackageType.IMAGE,
    )
    assert rules_of(report) == expected


def test_deprecated_runtime_where_it_is_chosen(tmp_path):
    """An image's runtime finding points at the Dockerfile FROM line, not the template."""
    report = findings(
        tmp_path,
        {"app.py": "import json\n"},
        runtime="python3.9",
        source=Location("template.yaml", 9),
        runtime_source=Location("fn/Dockerfile", 1),
    )
    (hit,) = [f for f in report.findings if f.rule == "deprecated-runtime"]
    assert hit.location == Location("fn/Dockerfile", 1)


def test_inferred_handler_is_not_checked(tmp_path):
    """A handler lambdalint only guessed is shown but never reported missing."""
    report = findings(tmp_path, {"index.py": "def handler(event, context):\n    return 1\n"})
    assert report.function.handler == "index.handler"
    assert rules_of(report) == []


@pytest.mark.parametrize(
    ("runtime", "today", "severity", "fragment"),
    [
        ("python3.14", TODAY, None, None),
        ("python3.11", TODAY, None, None),
        ("python3.11", datetime.date(2027, 1, 1), "info", "will be deprecated on 2027-06-30"),
        ("python3.10", TODAY, "warning", "is deprecated"),
        ("python3.9", TODAY, "warning", "is deprecated"),
        ("python3.9", datetime.date(2027, 2, 1), "error", "blocks function create"),
        ("python3.9", datetime.date(2027, 3, 3), "error", "blocks function create and update"),
        ("python3.7", TODAY, "error", "blocks function create"),
        ("python3.15", TODAY, "warning", "preview"),
    ],
)
def test_deprecated_runtime(tmp_path, runtime, today, severity, fragment):
    """Lifecycle findings follow the dates in the runtime data, seen from the given day."""
    report = findings(tmp_path, {"app.py": "import json\n"}, runtime=runtime, today=today)
    hits = [f for f in report.findings if f.rule == "deprecated-runtime"]
    if severity is None:
        assert hits == []
    else:
        assert [f.severity.value for f in hits] == [severity]
        assert fragment in hits[0].message


@pytest.mark.parametrize(
    ("requirements", "code", "expected"),
    [
        ("", "import requests\n", ["missing-dependency"]),
        ("requests\n", "import requests\n", []),
        ("", "try:\n    import requests\nexcept ImportError:\n    requests = None\n", []),
        ("", "def f():\n    import pandas\n", ["missing-dependency"]),
        ("", "import tomllib\n", []),
        ("", "import six, urllib3, dateutil, jmespath, botocore, s3transfer\n", []),
        ("", "from botocore.vendored import requests\n", ["missing-dependency"]),
        ("", "import botocore.vendored.requests\n", ["missing-dependency"]),
        ("", "from botocore.vendored.requests.exceptions import HTTPError\n", []),
        ("", "from botocore.vendored import six\n", []),
        ("pyyaml\n", "import yaml\n", []),
        ("", "import yaml  # lambdalint: ignore[missing-dependency]\n", []),
        ("", "import yaml  # lambdalint: ignore[unused-requirement]\n", ["missing-dependency"]),
        ("", "import yaml  # lambdalint: ignore\n", []),
        ('tomli; python_version < "3.11"\n', "import tomli\n", ["missing-dependency"]),
        ('uvloop; platform_machine == "aarch64"\n', "import uvloop\n", ["missing-dependency"]),
        ("google-cloud-storage\n", "from google.cloud import storage\n", []),
    ],
)
def test_missing_dependency(tmp_path, requirements, code, expected):
    """Imports are checked against requirements (markers for the target), runtime and stdlib."""
    files = {"app.py": code}
    if requirements:
        files["requirements.txt"] = requirements
    report = findings(tmp_path, files)
    assert [r for r in rules_of(report) if r != "unused-requirement"] == expected


ALL_THREE = ["requirements-not-installed", "missing-dependency", "missing-dependency"]
ALL_THREE_HEDGED = ["requirements-not-installed", *["missing-dependency:warning"] * 2]


@pytest.mark.parametrize(
    ("keys", "folder", "expected"),
    [
        ((), None, ALL_THREE),
        (("Deps",), None, ["missing-dependency:warning"]),  # its zip is built elsewhere
        (("arn:aws:lambda:eu-west-1:1:layer:deps:3",), None, ALL_THREE_HEDGED),  # external
        (("Deps",), "layers/empty", ALL_THREE),  # readable, and empty
    ],
    ids=["no-layer", "repository-layer-unread", "unknown-arn", "empty-folder"],
)
def test_declared_modules_and_unreadable_layers(tmp_path, keys, folder, expected):
    """A layer of the repository lambdalint could not read may hold what the function declares."""
    write_files(
        tmp_path,
        {"fn/requirements.txt": "requests\n", "fn/app.py": "import requests\nimport yaml\n"},
    )
    (tmp_path / "layers" / "empty").mkdir(parents=True)
    known = {"Deps": Layer("Deps", "Deps", tmp_path / folder)} if folder else {}
    function = Function("fn", tmp_path / "fn", installs_requirements=False, layers=keys)
    report = analyse(function, tmp_path, Config(runtime="python3.12"), RULES, TODAY, layers=known)
    assert [
        f.rule + (":warning" if f.severity == "warning" else "")
        for f in report.findings
        if f.rule in {"missing-dependency", "requirements-not-installed"}
    ] == expected


def test_markers_are_evaluated_for_the_target_not_the_host(tmp_path):
    """A python_version marker true on the host but false on python3.9 means not installed."""
    report = findings(
        tmp_path,
        {"requirements.txt": 'tomli; python_version >= "3.11"\n', "app.py": "import tomli\n"},
        runtime="python3.9",
    )
    assert "missing-dependency" in rules_of(report)


@pytest.mark.parametrize(
    ("requirements", "code", "severity", "says"),
    [
        ("requests\npandas\n", "import pandas\n", "error", "so requests, pandas will not"),
        ("boto3\npandas\n", "import boto3\n", "info", "documentation only"),
        ("pandas\n", "import json\n", "info", "nothing imports pandas yet"),
    ],
    ids=["an-import-breaks", "imports-provided-elsewhere", "nothing-imported"],
)
def test_requirements_not_installed_is_judged_by_the_imports(
    tmp_path, requirements, code, severity, says
):
    """An uninstalled file is an error only if the code imports something it alone lists.

    Otherwise nothing breaks today, and it is documentation only (info).
    """
    report = findings(
        tmp_path,
        {"requirements.txt": requirements, "app.py": code},
        installs_requirements=False,
        packaging="terraform archive_file",
    )
    hits = [f for f in report.findings if f.rule == "requirements-not-installed"]
    assert [f.severity.value for f in hits] == [severity]
    assert says in hits[0].message


def test_requirements_that_are_never_installed_do_not_provide(tmp_path):
    """When the packaging never installs requirements, a declared import is still missing."""
    report = findings(
        tmp_path,
        {"requirements.txt": "requests\n", "app.py": "import requests\n"},
        installs_requirements=False,
        packaging="terraform archive_file",
    )
    missing = [f for f in report.findings if f.rule == "missing-dependency"]
    assert len(missing) == 1
    assert "terraform archive_file never installs" in missing[0].message


@pytest.mark.parametrize(
    ("files", "declared"),
    [
        ({"Pipfile": "[packages]\nrequests = '*'\n"}, "fn/Pipfile"),
        ({"pyproject.toml": "[tool.poetry.dependencies]\nrequests = '^2'\n"}, "fn/pyproject.toml"),
    ],
)
def test_build_that_skips_the_declaration(tmp_path, files, declared):
    """A build that installs only requirements.txt names what it skipped and how to export it."""
    report = findings(
        tmp_path,
        {**files, "app.py": "import requests\n"},
        installs_requirements=False,
        installs_only="requirements.txt",
        packaging="sam build",
    )
    [skipped] = [f for f in report.findings if f.rule == "requirements-not-installed"]
    assert skipped.message == (
        f"sam build installs only requirements.txt, so {declared} is never installed: requests "
        "will not be in the package; imports of them fail at run time"
    )
    assert "pipenv requirements > requirements.txt" in skipped.fix
    assert "missing-dependency" in rules_of(report)


@pytest.mark.parametrize(
    ("installs", "expected"),
    [
        (True, ["runtime-provided"]),
        (False, ["requirements-not-installed", "runtime-version-mismatch"]),
        (None, ["runtime-provided", "runtime-version-mismatch"]),
    ],
)
def test_runtime_sdk_version(tmp_path, installs, expected):
    """The observed runtime boto3 is compared with the specifier only when nothing installs it."""
    report = findings(
        tmp_path,
        {"requirements.txt": "boto3>=99\n", "app.py": "import boto3\n"},
        runtime="python3.11",
        installs_requirements=installs,
    )
    assert sorted(rules_of(report)) == expected


def test_image_functions_plan_a_container(tmp_path):
    """Image-packaged functions get a container plan."""
    report = findings(
        tmp_path,
        {"requirements.txt": "requests\n", "app.py": "import requests\n"},
        package_type=PackageType.IMAGE,
    )
    assert report.plan.strategy == "container"
    assert report.plan.distributions == ("requests",)


def test_plan_uses_target_platform_tags(tmp_path):
    """AL2023 arm64 targets get aarch64 manylinux tags up to 2_34 and --no-compile."""
    report = findings(
        tmp_path,
        {"requirements.txt": "requests\n", "app.py": "import requests\n"},
        runtime="python3.12",
        architecture="arm64",
    )
    command = report.plan.commands[0]
    assert "--platform manylinux_2_34_aarch64" in command
    assert "--python-version 3.12" in command
    assert "--no-compile" in command
    assert "x86_64" not in command


def test_every_rule_has_a_unique_slug_and_code():
    """Slugs and codes are the contract: no duplicates."""
    assert len({r.slug for r in RULES}) == len(RULES)
    assert len({r.code for r in RULES}) == len(RULES)


def test_functions_are_judged_by_their_import_closure(tmp_path):
    """Each handler is charged only with what it loads; a missing handler module loads nothing."""
    files = {
        "requirements.txt": "requests\n",
        "a.py": "import helpers\n\ndef handler(e, c):\n    return helpers.x\n",
        "helpers.py": "import yaml\nx = 1\n",
        "b.py": "import requests\n\ndef handler(e, c):\n    return 1\n",
    }
    for name, text in files.items():
        (tmp_path / "fn").mkdir(exist_ok=True)
        (tmp_path / "fn" / name).write_text(text)
    config = Config(runtime="python3.12")
    reports = {
        handler: analyse(
            Function(
                name=handler,
                code_dir=tmp_path / "fn",
                handler=handler,
                handler_known=True,
                installs_requirements=True,
            ),
            tmp_path,
            config,
            RULES,
            TODAY,
        )
        for handler in ("a.handler", "b.handler", "gone.handler")
    }
    assert [(f.rule, f.location.file) for f in reports["a.handler"].findings] == [
        ("missing-dependency", "fn/helpers.py")
    ]
    assert reports["b.handler"].findings == ()
    # No handler module: nothing is imported at cold start, so no import is charged.
    assert [f.rule for f in reports["gone.handler"].findings] == ["handler-not-found"]


def test_symlink_loops_in_a_function_folder_are_skipped(tmp_path):
    """Looping and dangling symlinks in the tree are not files: the scan goes on, no crash."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "app.py").write_text("import requests\n")
    (tmp_path / "fn" / "a").symlink_to("b")
    (tmp_path / "fn" / "b").symlink_to("a")
    (tmp_path / "fn" / "self").symlink_to(tmp_path / "fn" / "self")
    report = run([tmp_path], Config(runtime="python3.12", offline=True), today=TODAY)
    [function] = report.functions
    assert [f.rule for f in function.findings] == ["missing-dependency"]


def test_inline_template_code_is_analysed_at_template_lines(tmp_path):
    """ZipFile/InlineCode source is read from the template; findings point into the template.

    ``cfnresponse`` is not missing: CloudFormation adds it to every inline Python package.
    """
    (tmp_path / ".git").mkdir()
    (tmp_path / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  Hook:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Runtime: python3.12\n"
        "      Handler: index.handler\n"
        "      Role: arn:aws:iam::123456789012:role/x\n"
        "      Code:\n"
        "        ZipFile: |\n"
        "          import json\n"
        "          import requests\n"
        "          import cfnresponse\n"
        "          def handler(event, context):\n"
        "              return json.dumps(requests.__name__)\n"
    )
    report = run([tmp_path], Config(), today=TODAY)
    [function] = report.functions
    assert function.function.packaging == "inline"
    assert [(f.rule, f.location.file, f.location.line) for f in function.findings] == [
        ("missing-dependency", "template.yaml", 12)
    ]


def test_functions_shipping_the_same_dependencies_share_a_layer(tmp_path, monkeypatch):
    """Two zip functions that would vendor the same set get one layer plan."""
    monkeypatch.setenv("LAMBDALINT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / ".git").mkdir()
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "handler.py").write_text("import requests\n")
        (tmp_path / name / "requirements.txt").write_text("requests==2.32.3\n")
    report = run([tmp_path], Config(runtime="python3.12", offline=True), today=TODAY)
    plans = {fr.function.name: fr.plan for fr in report.functions}
    assert {p.strategy for p in plans.values()} == {"layer"}
    assert "--target layer/python/" in plans["a"].commands[0]
    assert "2 functions (a, b)" in plans["b"].reason


def test_requirement_line_suppression(tmp_path):
    """`# lambdalint: ignore[slug]` on a requirement line silences that finding only."""
    report = findings(
        tmp_path,
        {
            "requirements.txt": "requests  # lambdalint: ignore[unused-requirement]\nrich\n",
            "app.py": "import json\n",
        },
    )
    assert [(f.rule, f.location.line) for f in report.findings] == [("unused-requirement", 2)]
