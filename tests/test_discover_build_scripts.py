"""Build scripts outside the IaC: which requirements they install into which layer or function."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lambdalint.discover import discover
from lambdalint.discover.base import Discovery
from lambdalint.discover.build_scripts import (
    ScriptExport,
    ScriptInstall,
    apply,
    read_scripts,
    wants,
)
from lambdalint.model import Function, Layer, Location, Severity


def write(root: Path, files: dict[str, str]) -> list[Path]:
    """Write ``files`` (dedented) under ``root``; return their paths."""
    paths = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        ("build.sh", True),
        ("scripts/layer.bash", True),
        ("Makefile", True),
        ("makefile", True),
        ("rules.mk", True),
        (".github/workflows/deploy.yml", True),
        (".github/workflows/ci.yaml", True),
        ("buildspec.yml", True),
        ("buildspec-layer.yaml", True),
        ("Taskfile.yml", True),
        ("pyproject.toml", True),
        ("workflows/deploy.yml", False),
        ("template.yml", False),
        ("build.py", False),
    ],
)
def test_wants(path, wanted):
    """Shell scripts, Makefiles, GitHub workflows and buildspecs are read; nothing else."""
    assert wants(Path(path)) is wanted


@pytest.mark.parametrize(
    ("name", "text", "wanted"),
    [
        ("infra.yaml", "Resources:\n  B:\n    Type: AWS::CodeBuild::Project\n", True),
        ("infra.json", '{"Resources": {"B": {"Type": "AWS::CodeBuild::Project"}}}', True),
        ("infra.yaml", "Resources:\n  F:\n    Type: AWS::Lambda::Function\n", False),
        ("notes.md", "AWS::CodeBuild::Project\n", False),
    ],
)
def test_wants_templates_with_codebuild(tmp_path, name, text, wanted):
    """A template is read as a build script when it declares a CodeBuild project."""
    [path] = write(tmp_path, {name: text})
    assert wants(path) is wanted


SCRIPT_CASES = [
    (
        "shell-script",
        {"scripts.sh": "mkdir -p layer\npip install -r requirements.txt -t layer/python\n"},
        [("requirements.txt", "layer/python", "scripts.sh", 2, None)],
    ),
    (
        "script-in-a-subfolder-run-from-the-root",
        {"ci/layer.sh": "pip install -r requirements.txt -t build/python\n"},
        [
            ("ci/requirements.txt", "ci/build/python", "ci/layer.sh", 1, None),
            ("requirements.txt", "build/python", "ci/layer.sh", 1, None),
        ],
    ),
    (
        "makefile-recipe-with-variables",
        {
            "Makefile": (
                "LAYER := build/layer\nREQ = requirements.txt\n\nlayer:\n"
                "\t@pip install -r $(REQ) \\\n\t  -t $(LAYER)/python\n"
            )
        },
        [("requirements.txt", "build/layer/python", "Makefile", 5, None)],
    ),
    (
        "github-workflow-steps",
        {
            ".github/workflows/deploy.yml": """\
                jobs:
                  deploy:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                      - run: pip install -r requirements.txt -t python
                      - name: function deps
                        working-directory: src
                        run: |
                          echo building
                          pip install -r requirements.txt -t .
                """
        },
        [
            ("requirements.txt", "python", ".github/workflows/deploy.yml", 6, None),
            ("src/requirements.txt", "src", ".github/workflows/deploy.yml", 11, None),
        ],
    ),
    (
        "codebuild-buildspec",
        {
            "buildspec.yml": """\
                version: 0.2
                env:
                  variables:
                    OUT: dist/layer
                phases:
                  build:
                    commands:
                      - cd lambda
                      - pip install -r requirements.txt -t ../$OUT/python
                """
        },
        [("lambda/requirements.txt", "dist/layer/python", "buildspec.yml", 9, None)],
    ),
    (
        "cloudformation-codebuild-project",
        {
            "infra.yaml": """\
                Parameters:
                  Out: {Type: String, Default: dist}
                Resources:
                  Build:
                    Type: AWS::CodeBuild::Project
                    Properties:
                      Source:
                        Type: GITHUB
                        BuildSpec: !Sub |
                          version: 0.2
                          phases:
                            build:
                              commands:
                                - pip install -r layer/requirements.txt -t ${Out}/python
                """
        },
        [("layer/requirements.txt", "dist/python", "infra.yaml", 14, None)],
    ),
    (
        "cloudformation-json-buildspec-on-one-line",
        {
            "infra.json": (
                '{"Resources": {"Build": {"Type": "AWS::CodeBuild::Project", "Properties":\n'
                '  {"Source": {"BuildSpec": "version: 0.2\\nphases:\\n  build:\\n    commands:'
                '\\n      - pip install -r r.txt -t python\\n"}}}}}\n'
            )
        },
        [("r.txt", "python", "infra.json", 2, None)],
    ),
    (
        "poetry-export-writes-the-requirements",
        {
            "scripts.sh": (
                "poetry export -f requirements.txt -o requirements.txt\n"
                "pip install -r requirements.txt -t deps/python\n"
            )
        },
        [("requirements.txt", "deps/python", "scripts.sh", 2, 1)],
    ),
    (
        "install-without-target-is-ignored",
        {"setup.sh": "pip install -r requirements.txt\n"},
        [],
    ),
    (
        "sam-makefile-artifacts-dir-is-the-deployed-folder",
        {
            "layers/deps/Makefile": (
                'build-DepsLayer:\n\tmkdir -p "$(ARTIFACTS_DIR)/python"\n'
                '\tpython3 -m pip install -r requirements.txt -t "$(ARTIFACTS_DIR)/python"\n'
            )
        },
        [("layers/deps/requirements.txt", "layers/deps/python", "layers/deps/Makefile", 3, None)],
    ),
    (
        "taskfile-task-with-dir",
        {
            "Taskfile.yml": """\
                version: '3'
                tasks:
                  layer:
                    dir: build
                    cmds:
                      - echo start
                      - cmd: pip install -r ../requirements.txt -t layer/python
                """
        },
        [("requirements.txt", "build/layer/python", "Taskfile.yml", 7, None)],
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [c[1:] for c in SCRIPT_CASES], ids=[c[0] for c in SCRIPT_CASES]
)
def test_read_scripts(tmp_path, files, expected):
    """Each kind of script yields its ``pip install -r ... -t ...`` with file and line."""
    paths = write(tmp_path, files)
    installs = [i for i in read_scripts(paths, tmp_path) if isinstance(i, ScriptInstall)]
    assert [
        (
            i.requirements.relative_to(tmp_path).as_posix(),
            i.target.relative_to(tmp_path).as_posix(),
            i.location.file,
            i.location.line,
            i.exported.line if i.exported else None,
        )
        for i in installs
    ] == expected


@pytest.mark.parametrize(
    ("present", "source"),
    [
        ({"requirements.txt": "requests\n"}, "requirements.txt"),
        (
            {"pyproject.toml": "[project]\nname = 'x'\ndependencies = ['requests']\n"},
            "pyproject.toml",
        ),
        ({}, None),
    ],
    ids=["file-in-repo", "exported-from-pyproject", "neither"],
)
def test_install_source(tmp_path, present, source):
    """What an install provides: the file in the repo, else the project it is exported from."""
    script = "uv export -o requirements.txt\npip install -r requirements.txt -t layer/python\n"
    paths = write(tmp_path, {"build.sh": script, **present})
    [install, export] = read_scripts(paths[:1], tmp_path)
    assert isinstance(export, ScriptExport)
    assert isinstance(install, ScriptInstall)
    assert install.source == (tmp_path / source if source else None)


EXPORT_CASES = [
    (
        "taskipy-task",
        {
            "pyproject.toml": """\
                [tool.poetry.dependencies]
                python = "^3.12"

                [tool.taskipy.tasks]
                export = "poetry export -f requirements.txt --output src/requirements.txt"
                build = "task export && sam build"
                """
        },
        ("src/requirements.txt", "pyproject.toml", "pyproject.toml", 5),
    ),
    (
        "poe-task-table",
        {
            "pyproject.toml": """\
                [tool.poe.tasks]
                lock = { cmd = "uv export --no-hashes -o app/requirements.txt" }
                """
        },
        ("app/requirements.txt", "pyproject.toml", "pyproject.toml", 2),
    ),
    (
        "taskfile-short-form",
        {
            "Taskfile.yaml": """\
                version: '3'
                tasks:
                  export: poetry export -o src/requirements.txt
                """
        },
        ("src/requirements.txt", "pyproject.toml", "Taskfile.yaml", 3),
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [c[1:] for c in EXPORT_CASES], ids=[c[0] for c in EXPORT_CASES]
)
def test_task_runner_exports(tmp_path, files, expected):
    """Task runners' commands are read like scripts: the export, what it reads, and where."""
    [export] = read_scripts(write(tmp_path, files), tmp_path)
    assert isinstance(export, ScriptExport)
    assert (
        export.output.relative_to(tmp_path).as_posix(),
        export.source.relative_to(tmp_path).as_posix(),
        export.location.file,
        export.location.line,
    ) == expected


@pytest.mark.parametrize(
    ("installs", "installs_only", "present", "expected"),
    [
        (True, None, {}, (True, "pyproject.toml")),
        (False, "requirements.txt", {}, (True, "pyproject.toml")),
        (False, None, {}, (False, "pyproject.toml")),
        (True, None, {"src/requirements.txt": "requests\n"}, (True, None)),
    ],
    ids=["sam-build", "sam-build-of-a-poetry-folder", "zipped-as-is", "file-committed"],
)
def test_exported_into_a_function(tmp_path, installs, installs_only, present, expected):
    """A requirements file a script exports into a function's folder is read from its source."""
    write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n", **present})
    (tmp_path / "src").mkdir(exist_ok=True)
    function = Function(
        "fn",
        tmp_path / "src",
        installs_requirements=installs,
        installs_only=installs_only,
    )
    export = ScriptExport(
        tmp_path / "src" / "requirements.txt", tmp_path / "pyproject.toml", Location("t.yml", 4)
    )
    [result] = apply(Discovery(functions=(function,)), (export,), tmp_path).functions
    source = result.requirements_file
    assert (result.installs_requirements, source and source.name) == expected


def install(tmp_path: Path, target: str, *, source: str | None = "requirements.txt"):
    """A ScriptInstall of requirements.txt into ``target``, from build.sh line 3."""
    return ScriptInstall(
        requirements=tmp_path / "requirements.txt",
        target=tmp_path / target,
        location=Location("build.sh", 3),
        source=tmp_path / source if source else None,
    )


LAYER_CASES = [
    ("missing-folder-filled", "lay/python", "requirements.txt", True, None),
    ("folder-itself-filled", "lay", "requirements.txt", True, None),
    (
        "site-packages-filled",
        "lay/python/lib/python3.12/site-packages",
        "requirements.txt",
        True,
        None,
    ),
    ("missing-folder-not-filled", "elsewhere", "requirements.txt", False, "no build script"),
    ("filled-from-an-absent-file", "lay/python", None, False, "is not in the repository"),
]


@pytest.mark.parametrize(
    ("target", "source", "kept", "warning"),
    [c[1:] for c in LAYER_CASES],
    ids=[c[0] for c in LAYER_CASES],
)
def test_apply_to_layers(tmp_path, target, source, kept, warning):
    """A script filling a layer's folder makes it install; an unknown layer becomes a warning."""
    layer = Layer("Deps", "Deps", tmp_path / "lay", source=Location("stack.py", 9, 5))
    found = apply(Discovery(layers=(layer,)), (install(tmp_path, target, source=source),), tmp_path)
    assert [warning in f.message for f in found.findings] == ([True] if warning else [])
    assert all(f.location == Location("stack.py", 9) for f in found.findings)
    assert all(f.severity is Severity.WARNING for f in found.findings)
    if kept:
        [built] = found.layers
        assert (built.builds_requirements, built.built_by) == (True, Location("build.sh", 3))
        assert built.requirements_file == tmp_path / "requirements.txt"
    else:
        assert found.layers == ()  # so functions attaching it are hedged, as for unknown layers


@pytest.mark.parametrize(
    ("installs", "target", "expected"),
    [
        (False, "fn", (True, "cdk Code.fromAsset + build script build.sh:3")),
        (None, "fn", (True, "cdk Code.fromAsset + build script build.sh:3")),
        (False, "other", (False, "cdk Code.fromAsset")),
        (True, "fn", (True, "cdk Code.fromAsset")),
    ],
)
def test_apply_to_functions(tmp_path, installs, target, expected):
    """A script installing into a function's own folder installs its requirements."""
    (tmp_path / "fn").mkdir()
    function = Function(
        "fn", tmp_path / "fn", packaging="cdk Code.fromAsset", installs_requirements=installs
    )
    found = apply(Discovery(functions=(function,)), (install(tmp_path, target),), tmp_path)
    [result] = found.functions
    assert (result.installs_requirements, result.packaging) == expected
    if expected[1] != function.packaging:
        assert result.requirements_file == tmp_path / "requirements.txt"
        assert result.built_by == Location("build.sh", 3)


STACK = """\
    from aws_cdk import Stack
    from aws_cdk import aws_lambda as _lambda

    class Main(Stack):
        def __init__(self, scope, cid):
            super().__init__(scope, cid)
            deps = _lambda.LayerVersion(self, "Deps", code=_lambda.Code.from_asset("deps"))
            fn = _lambda.Function(self, "Fn", runtime=_lambda.Runtime.PYTHON_3_12,
                handler="index.handler", code=_lambda.Code.from_asset("fn"))
            fn.add_layers(deps)
    """


@pytest.mark.parametrize(
    ("script", "layers", "warnings"),
    [
        ("pip install -r requirements.txt -t deps/python\n", ["Deps"], []),
        ("echo nothing to build\n", [], ["layer Deps: folder 'deps' is missing"]),
    ],
    ids=["built-by-script", "not-built"],
)
def test_cdk_layer_folder_built_by_a_script(tmp_path, script, layers, warnings):
    """A CDK layer whose folder a script fills is kept; one nothing fills is a warning."""
    write(
        tmp_path,
        {
            "cdk.json": '{"app": "python3 app.py"}',
            "app.py": STACK,
            "fn/index.py": "import requests\n",
            "requirements.txt": "requests\n",
            "build.sh": script,
        },
    )
    found = discover([tmp_path], tmp_path)
    assert [layer.key for layer in found.layers] == layers
    assert [f.message.split(" and ")[0] for f in found.findings] == warnings
    [function] = found.functions
    assert function.layers == ("Deps",)


S3_ZIP_CASES = [
    (
        "installs-under-python",
        "pip install -r requirements.txt -t python\nzip -r fn.zip app.py python/\n",
        ("fn", True, 2, True),
    ),
    (
        "installs-at-the-root",
        "pip install -r requirements.txt -t build\ncd build && zip -r ../fn.zip .\n",
        ("fn/build", True, None, True),
    ),
    ("code-only", "zip fn *.py\n", ("fn", False, None, False)),
    ("ships-requirements", "zip fn.zip app.py requirements.txt\n", ("fn", False, None, True)),
    (
        "uploaded-as-the-key",
        "zip -r build.zip app.py\naws s3 cp build.zip s3://b/v1/fn.zip --quiet\n",
        ("fn", False, None, False),
    ),
    ("another-name", "zip -r other.zip app.py\n", None),
]


@pytest.mark.parametrize(
    ("script", "expected"), [c[1:] for c in S3_ZIP_CASES], ids=[c[0] for c in S3_ZIP_CASES]
)
def test_s3_code_built_by_a_script(tmp_path, script, expected):
    """An S3Key names the zip a script writes or uploads; its folder, pip and files say the rest."""
    template = (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n"
        "    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
        "      Handler: app.handler\n      Code: {S3Bucket: b, S3Key: fn.zip}\n"
    )
    files = {"template.yaml": template, "fn/build.sh": script, "fn/app.py": "x = 1\n"}
    write(tmp_path, {**files, "fn/requirements.txt": "requests\n"})
    found = discover([tmp_path], tmp_path)
    s3 = [f for f in found.functions if f.discovered_by == "cloudformation"]
    if expected is None:
        assert s3 == []
        assert [f.rule for f in found.findings] == ["parse-error"]
        return
    [function] = s3
    layout = function.layer_layout.line if function.layer_layout else None
    folder = function.code_dir.relative_to(tmp_path.resolve()).as_posix()
    shipped = function.ships_declarations
    assert (folder, function.installs_requirements, layout, shipped) == expected


@pytest.mark.parametrize(("written", "built"), [("layer.zip", True), ("other.zip", False)])
def test_terraform_layer_zip_built_by_a_script(tmp_path, written, built):
    """A layer ``filename`` a script zips from its pip ``-t .../python`` installs that file."""
    script = (
        'OUT=$(mktemp -d)\npip install -r app/requirements.txt -t "$OUT/python"\n'
        f'cd "$OUT" && zip -r "{tmp_path}/{written}" python\n'
    )
    files = {
        "main.tf": 'resource "aws_lambda_layer_version" "deps" {\n  filename = "layer.zip"\n'
        '  layer_name = "deps"\n}\n',
        "build_layer.sh": script,
        "app/requirements.txt": "requests\n",
    }
    write(tmp_path, files)
    found = discover([tmp_path], tmp_path)
    [layer] = found.layers
    assert layer.builds_requirements is built
    assert [f.rule for f in found.findings] == ([] if built else ["parse-error"])
