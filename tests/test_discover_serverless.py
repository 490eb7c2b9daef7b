from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.discover.serverless import LAYER_KEY, discover, wants
from lambdalint.discover.serverless_yaml import load
from lambdalint.model import Layer, Location, PackageType, Severity

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "serverless-app"
PLUGIN = "plugins:\n  - serverless-python-requirements\n"
FN = "functions:\n  f:\n"
HEAD = "service: svc\nprovider:\n  name: aws\n  runtime: python3.12\n"


def _discover(tmp_path: Path, yml: str, files: dict[str, str] | None = None):
    for name, text in {"handler.py": "def main(event, context): ...\n", **(files or {})}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "serverless.yml").write_text(yml, encoding="utf-8")
    return discover([tmp_path / "serverless.yml"], tmp_path)


def _only(tmp_path: Path, yml: str, files: dict[str, str] | None = None):
    found = _discover(tmp_path, yml, files)
    assert found.findings == ()
    (function,) = found.functions
    return function


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("serverless.yml", True),
        ("serverless.yaml", True),
        ("serverless.json", True),
        ("serverless.ts", False),
        ("template.yml", False),
    ],
)
def test_wants(name, expected):
    """Only serverless service files are read."""
    assert wants(Path(name)) is expected


def test_load_keeps_lines_and_tolerates_tags():
    """Mappings remember key lines; CloudFormation short tags become their long form."""
    doc = load("a: 1\nb:\n  c: !Ref Thing\n  d: !GetAtt Q.Arn\n  e: !Custom [1]\n")
    assert doc.lines == {"a": 1, "b": 2}
    assert doc["b"].lines == {"c": 3, "d": 4, "e": 5}
    assert doc["b"] == {
        "c": {"Ref": "Thing"},
        "d": {"Fn::GetAtt": "Q.Arn"},
        "e": {"Fn::Custom": [1]},
    }
    assert doc["b"].attr("c") == "b.c"


@pytest.mark.parametrize(
    ("runtime", "custom"),
    [
        ("python3.11", ""),
        ("${self:custom.rt}", "custom:\n  rt: python3.11\n"),
        ("${opt:runtime, 'python3.11'}", ""),
        ('${env:PY_RUNTIME, "python3.11"}', ""),
        ("${opt:runtime, self:custom.rt}", "custom:\n  rt: python3.11\n"),
        ("${self:custom.rts.${sls:stage}}", "custom:\n  rts:\n    dev: python3.11\n"),
        (
            "${self:custom.a}",
            "custom:\n  a: ${self:custom.b}\n  b: python3.${self:custom.n}\n  n: 11\n",
        ),
        ("python3.${self:custom.minor}", "custom:\n  minor: 11\n"),
    ],
)
def test_variables(tmp_path, monkeypatch, runtime, custom):
    """self:, sls:stage and the fallbacks of opt:/env: resolve; the environment is never read."""
    monkeypatch.setenv("PY_RUNTIME", "python3.9")
    yml = f"service: s\nprovider:\n  name: aws\n  runtime: {runtime}\n{custom}"
    function = _only(tmp_path, yml + "functions:\n  f:\n    handler: handler.main\n")
    assert function.runtime == "python3.11"


@pytest.mark.parametrize(
    ("runtime", "expression"),
    [
        ("${env:PY_RUNTIME}", "env:PY_RUNTIME"),
        ("${ssm:/lambda/runtime}", "ssm:/lambda/runtime"),
        ("${self:custom.missing}", "self:custom.missing"),
        ("${self:custom.loop}", "self:custom.loop"),
    ],
)
def test_unresolvable_variable_is_a_warning(tmp_path, runtime, expression):
    """A variable with no static value is a warning naming the attribute and expression."""
    yml = f"service: s\ncustom:\n  loop: ${{self:custom.loop}}\nprovider:\n  runtime: {runtime}\n"
    found = _discover(tmp_path, yml + "functions:\n  f:\n    handler: handler.main\n")
    (finding,) = found.findings
    assert (finding.severity, finding.location.line) == (Severity.WARNING, 5)
    assert "provider.runtime" in finding.message
    assert expression in finding.message
    assert found.functions[0].runtime is None


@pytest.mark.parametrize(
    ("settings", "installs", "packaging", "layers"),
    [
        ("", False, "serverless (no requirements plugin)", ()),
        (PLUGIN, True, "serverless-python-requirements", ()),
        ("plugins:\n  modules:\n    - serverless-python-requirements\n", True, None, ()),
        (PLUGIN + "custom:\n  pythonRequirements:\n    layer: true\n", False, None, ()),
        (
            PLUGIN + "custom:\n  pythonRequirements:\n    layer: true\n"
            "functionLayers:\n  - Ref: PythonRequirementsLambdaLayer\n",
            True,
            None,
            (LAYER_KEY,),
        ),
        (
            PLUGIN + "package:\n  artifact: dist/app.zip\n",
            None,
            "serverless (prebuilt artifact)",
            (),
        ),
    ],
)
def test_requirements_plugin(tmp_path, settings, installs, packaging, layers):
    """The plugin installs requirements; with layer: true only functions referencing it get them."""
    extra, _, refs = settings.partition("functionLayers:\n")
    yml = HEAD + extra + "functions:\n  f:\n    handler: handler.main\n"
    if refs:
        yml += "    layers:\n" + "".join(f"  {line}\n" for line in refs.splitlines())
    function = _only(tmp_path, yml)
    assert function.installs_requirements is installs
    assert function.packaging == (packaging or "serverless-python-requirements")
    assert function.layers == layers


POETRY = '[tool.poetry.dependencies]\nx = "^1"\n[build-system]\nrequires = ["poetry-core"]\n'


@pytest.mark.parametrize(
    ("options", "files", "requirements", "installs"),
    [
        ("", {"pyproject.toml": POETRY, "requirements.txt": "x\n"}, "pyproject.toml", True),
        ("", {"Pipfile": "[packages]\nx = '*'\n"}, "Pipfile", True),
        ("    usePipenv: false\n", {"Pipfile": "[packages]\nx = '*'\n"}, None, False),
        ("    usePoetry: false\n", {"pyproject.toml": POETRY}, None, False),
        ("", {"requirements.txt": "x\n"}, "requirements.txt", True),
        ("", {}, None, True),
    ],
    ids=["poetry", "pipfile", "pipenv-off", "poetry-off", "requirements", "nothing"],
)
def test_plugin_reads_poetry_and_pipfile(tmp_path, options, files, requirements, installs):
    """The plugin installs a Poetry project or a Pipfile (both on by default) or its file."""
    custom = f"custom:\n  pythonRequirements:\n{options}" if options else ""
    function = _only(tmp_path, HEAD + PLUGIN + custom + FN + "    handler: handler.main\n", files)
    assert function.installs_requirements is installs
    assert function.requirements_file == (
        tmp_path.resolve() / requirements if requirements else None
    )
    assert (function.installs_only is None) is installs


def test_plugin_options_become_notes_and_layer(tmp_path):
    """dockerizePip, slim, zip and noDeploy are noted; layer: true defines the layer."""
    found = _discover(
        tmp_path,
        HEAD + PLUGIN + "custom:\n  pythonRequirements:\n    dockerizePip: non-linux\n"
        "    slim: true\n    zip: true\n    noDeploy: [boto3, botocore]\n    layer:\n"
        "      name: deps\n    fileName: requirements/prod.txt\n"
        "functions:\n  f:\n    handler: handler.main\n",
    )
    notes = " | ".join(found.functions[0].notes)
    for text in ("dockerizePip", "slim", "unzip_requirements", "noDeploy: boto3, botocore"):
        assert text in notes
    assert found.layers == (
        Layer(
            LAYER_KEY,
            "svc-python-requirements",
            tmp_path.resolve(),
            builds_requirements=True,
            source=Location("serverless.yml", 13),
            requirements_file=tmp_path.resolve() / "requirements/prod.txt",
        ),
    )


def test_defined_layers_and_arns(tmp_path):
    """Ref: XLambdaLayer maps to layer key X; ARNs stay literal; function layers win."""
    arn = "arn:aws:lambda:eu-west-1:123456789012:layer:shared:3"
    found = _discover(
        tmp_path,
        HEAD + f"  layers:\n    - {arn}\n"
        "layers:\n  common-utils:\n    path: layer\n"
        "functions:\n  a:\n    handler: handler.main\n"
        "  b:\n    handler: handler.main\n    layers:\n      - !Ref CommonDashutilsLambdaLayer\n"
        f"      - {arn}\n",
        {"layer/python/utils.py": ""},
    )
    assert found.findings == ()
    assert [f.layers for f in found.functions] == [(arn,), ("common-utils", arn)]
    assert found.layers == (
        Layer("common-utils", "common-utils", (tmp_path / "layer").resolve(),
              source=Location("serverless.yml", 8)),
    )  # fmt: skip
    assert (tmp_path / "layer").resolve() in found.claimed


def test_function_settings(tmp_path):
    """Function settings override the provider's; module sets the code folder."""
    found = _discover(
        tmp_path,
        HEAD + "  architecture: arm64\n  memorySize: 256\n  timeout: 10\n"
        "package:\n  individually: true\n"
        "functions:\n  api:\n    handler: handler.main\n    module: api\n"
        "    architecture: x86_64\n    memorySize: 1024\n    runtime: python3.13\n"
        "  node:\n    handler: index.main\n    runtime: nodejs20.x\n",
        {"api/handler.py": "def main(e, c): ...\n"},
    )
    (api,) = found.functions
    assert (api.name, api.runtime, api.architecture, api.memory_mb, api.timeout_s) == (
        "api",
        "python3.13",
        "x86_64",
        1024,
        10,
    )
    assert (api.code_dir, api.handler, api.source) == (
        (tmp_path / "api").resolve(),
        "handler.main",
        Location("serverless.yml", 11),
    )


@pytest.mark.parametrize(("handler", "count"), [("handler.main", 1), ("index.main", 0)])
def test_missing_runtime(tmp_path, handler, count):
    """Without a runtime the framework deploys Node.js: kept (with a note) only for Python code."""
    found = _discover(tmp_path, f"service: s\nfunctions:\n  f:\n    handler: {handler}\n")
    assert len(found.functions) == count
    assert all("Node.js" in f.notes[0] for f in found.functions)


def test_image_function(tmp_path):
    """A container function is read through provider.ecr.images.<name>.path's Dockerfile."""
    found = _discover(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  ecr:\n    images:\n      app:\n"
        "        path: ./image\n"
        f"{FN}    image:\n      name: app\n      command: ['main.handler']\n",
        {
            "image/Dockerfile": "FROM public.ecr.aws/lambda/python:3.12-arm64\n"
            "COPY requirements.txt .\nRUN pip install -r requirements.txt -t .\n",
            "image/requirements.txt": "requests\n",
        },
    )
    assert found.findings == ()
    (function,) = found.functions
    assert (
        function.package_type,
        function.runtime,
        function.architecture,
        function.handler,
        function.installs_requirements,
        function.code_dir,
        function.requirements_file,
    ) == (
        PackageType.IMAGE,
        "python3.12",
        "arm64",
        "main.handler",
        True,
        (tmp_path / "image").resolve(),
        (tmp_path / "image" / "requirements.txt").resolve(),
    )
    assert (tmp_path / "image").resolve() in found.claimed


@pytest.mark.parametrize(
    ("yml", "severity", "line", "functions"),
    [
        ("service: s\nprovider:\n  runtime: [python3.12\n", Severity.ERROR, 4, 0),
        ("- just\n- a list\n", Severity.ERROR, None, 0),
        (f"{HEAD}{FN}    handler: [handler, main]\n", Severity.WARNING, 7, 1),
        (f"{HEAD}functions:\n  f: handler.main\n", Severity.WARNING, 6, 0),
        (f"{HEAD}{FN}    handler: handler.main\n    timeout: soon\n", Severity.WARNING, 8, 1),
        (f"{HEAD}  architecture: sparc\n{FN}    handler: handler.main\n", Severity.WARNING, 5, 1),
        (
            f"{HEAD}{FN}    handler: h.m\n    layers:\n      - Ref: NopeLambdaLayer\n",
            Severity.WARNING,
            8,
            1,
        ),
    ],
)
def test_bad_input_is_a_finding(tmp_path, yml, severity, line, functions):
    """Malformed YAML and odd types become findings with a line, never exceptions."""
    found = _discover(tmp_path, yml)
    assert [(f.rule, f.severity, f.location.line) for f in found.findings] == [
        ("parse-error", severity, line)
    ]
    assert len(found.functions) == functions


def test_other_provider_is_ignored(tmp_path):
    """A service for another cloud provider yields nothing."""
    yml = f"service: s\nprovider:\n  name: azure\n  runtime: python3.12\n{FN}    handler: h.main\n"
    assert _discover(tmp_path, yml).functions == ()


def test_huge_file_is_skipped(tmp_path):
    """A serverless file over 5 MB is not read, and says so."""
    found = _discover(tmp_path, HEAD + "#" * (5 * 1024 * 1024))
    assert found.functions == ()
    assert "5 MB" in found.findings[0].message


def test_fixture_serverless_app():
    """The serverless-app fixture: the layer reaches createOrder only, not sendReceipt."""
    service = FIXTURE / "orders"
    found = discover([service / "serverless.yml"], FIXTURE)
    assert found.findings == ()
    assert found.claimed == frozenset({service})
    rows = [
        (
            f.name,
            f.runtime,
            f.architecture,
            f.handler,
            f.code_dir.relative_to(FIXTURE).as_posix(),
            f.packaging,
            f.installs_requirements,
            f.layers,
            f.package_type,
            f.source,
            f.memory_mb,
            f.timeout_s,
        )
        for f in found.functions
    ]
    common = ("python3.12", "arm64")
    assert rows == [
        ("createOrder", *common, "src/handlers/orders.handle", "orders",
         "serverless-python-requirements", True, (LAYER_KEY,), PackageType.ZIP,
         Location("orders/serverless.yml", 35), 256, 10),
        ("sendReceipt", *common, "src/handlers/receipts.handle", "orders",
         "serverless-python-requirements", False, (), PackageType.ZIP,
         Location("orders/serverless.yml", 44), 512, 30),
    ]  # fmt: skip
    assert found.layers == (
        Layer(LAYER_KEY, "orders-python-requirements", service, builds_requirements=True,
              source=Location("orders/serverless.yml", 12),
              requirements_file=service / "requirements.txt"),
    )  # fmt: skip
    assert "noDeploy: boto3, botocore" in found.functions[1].notes


def test_alias_bomb_is_not_expanded():
    """Aliases are shared rather than copied, so a billion-laughs file loads at once."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    doc = load("\n".join(levels) + "\n")
    assert doc["a9"][0] is doc["a8"]


def test_sub_layer_arn_is_kept_with_its_placeholders(tmp_path):
    """`!Sub` around a layer ARN (the region left to CloudFormation) is an ARN, not an error."""
    arn = (
        "arn:aws:lambda:${AWS::Region}:017000801446:layer:"
        "AWSLambdaPowertoolsPythonV3-python312-x86_64:7"
    )
    found = _discover(
        tmp_path,
        HEAD + f"functions:\n  a:\n    handler: handler.main\n    layers:\n      - !Sub {arn}\n",
    )
    assert found.findings == ()
    assert [f.layers for f in found.functions] == [(arn,)]


SRC_REQS = {"src/requirements.txt": "x\n", "src/app.py": "import x\n"}


@pytest.mark.parametrize(
    ("settings", "files", "stray", "installs"),
    [
        (PLUGIN, SRC_REQS, "src/requirements.txt", False),
        ("", SRC_REQS, "src/requirements.txt", False),
        (PLUGIN, {**SRC_REQS, "requirements.txt": "y\n"}, "requirements.txt", True),
        (PLUGIN, {"src/requirements.txt": "x\n"}, None, True),
        (PLUGIN, {**SRC_REQS, "lib/requirements.txt": "y\n", "lib/m.py": ""}, None, True),
        (PLUGIN, {**SRC_REQS, "src/serverless.yml": "service: other\n"}, None, True),
        (PLUGIN, {"tests/requirements.txt": "x\n", "tests/t.py": ""}, None, True),
    ],
    ids=["plugin", "no-plugin", "root-wins", "no-code", "ambiguous", "own-service", "tests"],
)
def test_stray_requirements_are_never_installed(tmp_path, settings, files, stray, installs):
    """A requirements file one code folder down, which the plugin never reads, is not installed."""
    function = _only(tmp_path, HEAD + settings + FN + "    handler: handler.main\n", files)
    assert function.requirements_file == (tmp_path.resolve() / stray if stray else None)
    assert function.installs_requirements is installs


def test_plugin_layer_ref_needs_the_plugin_layer(tmp_path):
    """`Ref: PythonRequirementsLambdaLayer` without `layer: true` names no layer: a warning."""
    yml = (
        HEAD
        + FN
        + "    handler: handler.main\n    layers:\n      - Ref: PythonRequirementsLambdaLayer\n"
    )
    found = _discover(tmp_path, yml)
    assert found.functions[0].layers == ()
    (warning,) = found.findings
    assert "is not defined here" in warning.message


def test_image_build_args_and_file(tmp_path):
    """``buildArgs`` and ``file`` (relative to the ``path`` context) pick the image's code."""
    found = _discover(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  ecr:\n    images:\n      app:\n"
        "        path: .\n        file: docker/lambda.Dockerfile\n"
        "        buildArgs:\n          FN: orders\n"
        f"{FN}    image:\n      name: app\n",
        {
            "docker/lambda.Dockerfile": "FROM public.ecr.aws/lambda/python:3.9\nARG FN\n"
            'RUN pip install pipenv\nCOPY fns/${FN}/app.py ./\nCMD ["app.handler"]\n',
            "fns/orders/app.py": "def handler(e, c): ...\n",
        },
    )
    (function,) = found.functions
    assert function.handler_file == (tmp_path / "fns" / "orders" / "app.py").resolve()
    assert function.runtime_source == Location("docker/lambda.Dockerfile", 1)
    assert [name for name, _where in function.named_requirements] == ["pipenv"]
    assert (tmp_path / "docker").resolve() in found.claimed
