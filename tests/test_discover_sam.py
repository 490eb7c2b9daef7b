"""SAM/CloudFormation discovery and the CloudFormation YAML loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambdalint.discover import sam
from lambdalint.discover.build_scripts import apply
from lambdalint.discover.cfn_loader import TemplateError, load_with_lines
from lambdalint.model import PackageType, Severity

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "sam-app"

HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"


def summary(function, root):
    """The fields a reader checks, with the code folder relative to ``root``."""
    return {
        "name": function.name,
        "code": function.code_dir.relative_to(root.resolve()).as_posix(),
        "by": function.discovered_by,
        "runtime": function.runtime,
        "arch": function.architecture,
        "handler": function.handler,
        "packaging": function.packaging,
        "installs": function.installs_requirements,
        "layers": list(function.layers),
        "image": function.package_type is PackageType.IMAGE,
    }


def scan(tmp_path, text, name="template.yaml", folders=("src",)):
    """Write a template and code folders under ``tmp_path`` and discover them."""
    for folder in folders:
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "app.py").write_text("def handler(e, c):\n    return 1\n")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return apply(sam.discover([path], tmp_path), (), tmp_path)  # no script writes S3 code


@pytest.fixture(params=["libyaml", "python"])
def parser(request, monkeypatch):
    """Run a test with libyaml composing (when installed) and with pure-Python PyYAML."""
    yaml = pytest.importorskip("yaml")
    if request.param == "python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML built without libyaml")
    return request.param


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("!Ref X", {"Ref": "X"}),
        ("!GetAtt Fn.Arn", {"Fn::GetAtt": ["Fn", "Arn"]}),
        ("!GetAtt [Fn, Arn]", {"Fn::GetAtt": ["Fn", "Arn"]}),
        ("!Sub 'a-${X}'", {"Fn::Sub": "a-${X}"}),
        ("!Join ['', [a, !Ref B]]", {"Fn::Join": ["", ["a", {"Ref": "B"}]]}),
        ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
        ("!If [C, 1, !Ref AWS::NoValue]", {"Fn::If": ["C", 1, {"Ref": "AWS::NoValue"}]}),
        ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
        ("!Not [!Condition C]", {"Fn::Not": [{"Condition": "C"}]}),
        ("!And [!Or [a, b], c]", {"Fn::And": [{"Fn::Or": ["a", "b"]}, "c"]}),
        ("!FindInMap [M, K, V]", {"Fn::FindInMap": ["M", "K", "V"]}),
        ("!Base64 x", {"Fn::Base64": "x"}),
        ("!Cidr [c, 6, 5]", {"Fn::Cidr": ["c", 6, 5]}),
        ("!ImportValue shared", {"Fn::ImportValue": "shared"}),
        ("!Split [',', a]", {"Fn::Split": [",", "a"]}),
        ("!Transform {Name: X}", {"Fn::Transform": {"Name": "X"}}),
        ("!Rain::Embed file.py", {"!Rain::Embed": "file.py"}),
    ],
)
def test_short_form_tags_become_long_form(parser, source, expected):
    """Every CloudFormation short-form tag (and an unknown one) loads as its long form."""
    data, _lines = load_with_lines(f"value: {source}\n")
    assert data["value"] == expected


def test_key_lines_are_kept(parser):
    """The 1-based line of each mapping key is looked up through ``Lines``."""
    data, lines = load_with_lines("A: 1\nB:\n  C: !Ref X\n  D: 2\n")
    assert (lines.key(data, "A"), lines.key(data, "B"), lines.key(data["B"], "D")) == (1, 2, 4)


def test_json_with_tabs_falls_back_and_finds_lines():
    """JSON that YAML refuses (tab indentation) still loads, with lines found by search."""
    data, lines = load_with_lines('{\n\t"Resources": {\n\t\t"Fn": {"Type": "X"}\n\t}\n}\n')
    assert data["Resources"]["Fn"]["Type"] == "X"
    assert lines.key(data["Resources"], "Fn") == 3


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: [\n", 2),
        ("a: 1\n  b: 2\n", 2),
        ("a: &x [*x]\n", None),
        (
            "".join(f"l{i}: &l{i} [{','.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)).replace(
                "*l0", "x"
            ),
            None,
        ),
        ('{\n "a" 1\n}\n', 2),
    ],
    ids=["unclosed", "bad-indent", "recursive-alias", "billion-laughs", "bad-json"],
)
def test_unreadable_templates_raise_template_error(parser, text, line):
    """Malformed YAML/JSON, self-referencing aliases and alias bombs give a TemplateError."""
    with pytest.raises(TemplateError) as caught:
        load_with_lines(text)
    assert caught.value.line == line


@pytest.mark.parametrize(
    ("name", "text", "wanted"),
    [
        ("template.yaml", "", True),
        ("template.yml", "", True),
        ("template.json", "", True),
        ("api.template.yaml", "", True),
        ("stack.yaml", "AWSTemplateFormatVersion: '2010-09-09'\n", True),
        ("stack.json", '{"Transform": "AWS::Serverless-2016-10-31"}', True),
        ("infra.yaml", "Parameters: {}\nResources:\n  F:\n    Type: AWS::Lambda::Function\n", True),
        (
            "policy.yaml",
            "Statement:\n  Resource: arn:aws:lambda:*\n  Type: AWS::Lambda::Function\n",
            False,
        ),
        ("docker-compose.yml", "services: {}\n", False),
        ("cdk.out/Stack.template.json", "{}", False),
        (".aws-sam/build/template.yaml", "", False),
        ("template.txt", "", False),
    ],
)
def test_wants_templates_only(tmp_path, name, text, wanted):
    """Templates are recognised by name or by their first bytes; cdk.out and .aws-sam are not."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    assert sam.wants(path) is wanted


BASE = {
    "name": "Fn", "code": "src", "by": "sam", "runtime": "python3.12", "arch": "x86_64",
    "handler": "app.handler", "packaging": "sam build", "installs": True, "layers": [],
    "image": False,
}  # fmt: skip

FUNCTION_CASES = [
    (
        "globals",
        HEAD + "Globals:\n  Function:\n    Runtime: python3.12\n    Handler: app.handler\n"
        "    Layers: [arn:aws:lambda:us-east-1:1:layer:g:1]\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      CodeUri: src/\n      Layers: [!Ref L]\n",
        {"layers": ["arn:aws:lambda:us-east-1:1:layer:g:1", "L"]},
    ),
    (
        "runtime-parameter",
        HEAD + "Parameters:\n  Py:\n    Type: String\n    Default: python3.11\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      CodeUri: src\n      Handler: app.handler\n      Runtime: !Ref Py\n"
        "      Architectures: [arm64]\n      FunctionName: orders-fn\n",
        {"runtime": "python3.11", "arch": "arm64", "name": "orders-fn"},
    ),
    (
        "layer-forms",
        HEAD + "Parameters:\n  LayerArn:\n    Type: String\n"
        "    Default: arn:aws:lambda:x:1:layer:p:3\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      CodeUri: src\n      Handler: app.handler\n      Runtime: python3.12\n"
        "      Layers:\n        - !Ref LayerArn\n        - !GetAtt Nested.Outputs.Arn\n"
        "        - !Sub arn:aws:lambda:${AWS::Region}:017000801446:layer:Powertools:68\n",
        {
            "layers": [
                "arn:aws:lambda:x:1:layer:p:3",
                "Nested.Outputs.Arn",
                "arn:aws:lambda:${AWS::Region}:017000801446:layer:Powertools:68",
            ]
        },
    ),
    (
        "layer-find-in-map",
        HEAD + "Mappings:\n  Regions:\n"
        "    us-east-1: {Pandas: 'arn:aws:lambda:us-east-1:3:layer:AWSSDKPandas-Python312:12'}\n"
        "    eu-west-1: {Pandas: 'arn:aws:lambda:eu-west-1:3:layer:AWSSDKPandas-Python312:12'}\n"
        "    us-east-2: {Other: 'arn:aws:lambda:us-east-2:3:layer:Other:1'}\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      CodeUri: src\n      Handler: app.handler\n      Runtime: python3.12\n"
        "      Layers:\n        - !FindInMap [Regions, !Ref 'AWS::Region', Pandas]\n",
        {"layers": ["arn:aws:lambda:us-east-1:3:layer:AWSSDKPandas-Python312:12"]},
    ),
    (
        "makefile",
        HEAD + "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      CodeUri: src\n      Handler: app.handler\n      Runtime: python3.12\n"
        "    Metadata:\n      BuildMethod: makefile\n",
        {"packaging": "sam build (makefile)", "installs": None},
    ),
    (
        "inline",
        HEAD + "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: index.handler\n      Runtime: python3.12\n"
        "      InlineCode: |\n        def handler(e, c): return 1\n",
        {"code": ".", "handler": "index.handler", "packaging": "inline", "installs": False},
    ),
    (
        "cloudformation-package",
        (
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n"
            "    Type: AWS::Lambda::Function\n    Properties:\n      Code: ./src\n"
            "      Handler: app.handler\n      Runtime: python3.12\n      Role: !GetAtt R.Arn\n"
        ),
        {"by": "cloudformation", "packaging": "cloudformation package", "installs": False},
    ),
    (
        "cloudformation-zipfile",
        (
            "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
            "      Code:\n        ZipFile: !Sub |\n          import json\n"
            "      Handler: index.handler\n      Runtime: python3.12\n"
        ),
        {
            "by": "cloudformation",
            "code": ".",
            "handler": "index.handler",
            "packaging": "inline",
            "installs": False,
        },
    ),
    (
        "sam-builds-lambda-function",
        HEAD + "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Code: src\n      Handler: app.handler\n      Runtime: python3.12\n",
        {},
    ),
]


@pytest.mark.parametrize(
    ("text", "changes"), [c[1:] for c in FUNCTION_CASES], ids=[c[0] for c in FUNCTION_CASES]
)
def test_function_properties(tmp_path, text, changes):
    """Runtime, handler, architecture, layers and packaging are read as SAM/CFN define them."""
    found = scan(tmp_path, text)
    assert [summary(f, tmp_path) for f in found.functions] == [{**BASE, **changes}]
    assert found.findings == ()


def test_inline_code_note_has_the_line(tmp_path):
    """Inline code is noted with the template line it starts on, and its folder is not claimed."""
    [text] = [case[1] for case in FUNCTION_CASES if case[0] == "inline"]
    found = scan(tmp_path, text)
    assert found.functions[0].notes == ("inline code at template.yaml:9",)
    assert found.claimed == frozenset()


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ("CodeUri: s3://bucket/code.zip", "code is in S3"),
        ("CodeUri: {Bucket: b, Key: k}", "code is in S3"),
        ("CodeUri: missing/", "does not exist"),
        ("CodeUri: ../../outside", "outside the repository"),
        ("CodeUri: build.zip", "prebuilt archive"),
        ("CodeUri: src\n      Runtime: !Ref NoDefault", "runtime is not a literal"),
        ("PackageType: Image\n      ImageUri: repo:tag", "image is built elsewhere"),
    ],
)
def test_unresolvable_code_is_a_warning(tmp_path, properties, message):
    """Code lambdalint cannot read gives a parse-error warning at the property line."""
    (tmp_path / "build.zip").write_bytes(b"PK")
    text = HEAD + (
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        f"      Handler: app.handler\n      {properties}\n"
    )
    found = scan(tmp_path, text)
    [finding] = found.findings
    assert (finding.rule, finding.severity) == ("parse-error", Severity.WARNING)
    assert message in finding.message
    assert finding.location.file == "template.yaml"
    assert finding.location.line is not None


def test_non_python_functions_are_ignored(tmp_path):
    """A Node.js function is not reported and raises no finding."""
    text = HEAD + (
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      CodeUri: src\n      Handler: index.handler\n      Runtime: nodejs20.x\n"
    )
    assert scan(tmp_path, text) == sam.Discovery()


def test_image_function_reads_the_dockerfile(tmp_path):
    """PackageType Image uses DockerContext as the code folder and the Dockerfile's runtime."""
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "Dockerfile").write_text(
        "FROM public.ecr.aws/lambda/python:3.11\nCOPY requirements.txt .\n"
        'RUN pip install -r requirements.txt\nCOPY app.py ./\nCMD ["app.handler"]\n'
    )
    (tmp_path / "img" / "requirements.txt").write_text("requests\n")
    text = HEAD + (
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      PackageType: Image\n    Metadata:\n      DockerContext: ./img\n"
        "      Dockerfile: Dockerfile\n"
    )
    found = scan(tmp_path, text, folders=())
    [function] = found.functions
    assert summary(function, tmp_path) == {
        **BASE, "code": "img", "runtime": "python3.11", "handler": "app.handler",
        "packaging": "container image (sam build)", "image": True,
    }  # fmt: skip
    assert (tmp_path / "img").resolve() in found.claimed


@pytest.mark.parametrize(
    ("resource", "builds", "requirements"),
    [
        (
            (
                "Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: lay\n"
                "    Metadata:\n      BuildMethod: python3.12\n"
            ),
            True,
            True,
        ),
        (
            "Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: lay\n",
            False,
            True,
        ),
        ("Type: AWS::Lambda::LayerVersion\n    Properties:\n      Content: lay\n", False, True),
    ],
    ids=["build-method", "no-build-method", "lambda-layer"],
)
def test_layers(tmp_path, resource, builds, requirements):
    """A layer without BuildMethod keeps its requirements.txt uninstalled (aws-sam-cli#848)."""
    (tmp_path / "lay").mkdir()
    (tmp_path / "lay" / "requirements.txt").write_text("pyyaml\n")
    found = scan(tmp_path, HEAD + f"Resources:\n  Lay:\n    {resource}", folders=())
    [layer] = found.layers
    assert (layer.key, layer.name, layer.builds_requirements) == ("Lay", "Lay", builds)
    assert layer.content_dir == (tmp_path / "lay").resolve()
    assert (layer.requirements_file is not None) is requirements
    assert layer.source is not None
    assert layer.source.line == 4


def test_s3_layer_is_kept_without_content(tmp_path):
    """A layer whose content is in S3 is still a known layer, with a warning."""
    text = HEAD + (
        "Resources:\n  Lay:\n    Type: AWS::Lambda::LayerVersion\n    Properties:\n"
        "      Content: {S3Bucket: b, S3Key: k}\n"
    )
    found = scan(tmp_path, text, folders=())
    assert [(layer.key, layer.content_dir) for layer in found.layers] == [("Lay", None)]
    assert [f.severity for f in found.findings] == [Severity.WARNING]


def test_json_template(tmp_path):
    """A JSON template is read like YAML, with the function's line."""
    template = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Code": "src", "Handler": "app.handler", "Runtime": "python3.12"},
            }
        }
    }
    found = scan(tmp_path, json.dumps(template, indent=2), name="stack.template.json")
    [function] = found.functions
    assert function.source is not None
    assert (function.packaging, function.source.line) == ("cloudformation package", 3)


@pytest.mark.parametrize(
    "text",
    [
        "Resources: [1, 2]\n",
        "- a\n- b\n",
        "Resources:\n  Fn: 3\n",
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: [x]\n",
        (
            "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      CodeUri: !Unknown {a: b}\n      Layers: {x: 1}\n      Architectures: 7\n"
        ),
        "Resources:\n  L:\n    Type: AWS::Serverless::LayerVersion\n    Properties: null\n",
        "Globals: 3\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n",
        "",
    ],
    ids=[
        "list",
        "not-mapping",
        "scalar",
        "bad-props",
        "odd-values",
        "null-props",
        "bad-globals",
        "empty",
    ],
)
def test_odd_templates_never_raise(tmp_path, text):
    """Structurally odd templates give at most warnings, never an exception."""
    found = scan(tmp_path, text)
    assert all(f.severity is Severity.WARNING for f in found.findings)


@pytest.mark.parametrize(
    ("text", "line"),
    [("Resources:\n  Fn: [\n", 3), ("Resources:\n\tFn: 1\n", 2)],
    ids=["unclosed", "tab"],
)
def test_malformed_template_is_a_parse_error(tmp_path, text, line):
    """Malformed YAML is an error finding with the file and line, and the scan goes on."""
    [finding] = scan(tmp_path, text).findings
    assert (finding.rule, finding.severity) == ("parse-error", Severity.ERROR)
    assert (finding.location.file, finding.location.line) == ("template.yaml", line)


def test_huge_template_is_skipped(tmp_path):
    """A template over 5 MB is skipped with a warning instead of being parsed."""
    found = scan(tmp_path, "# pad\n" * (1024 * 1024))
    [finding] = found.findings
    assert finding.severity is Severity.WARNING
    assert "5 MB" in finding.message


def test_sam_app_fixture():
    """The sam-app fixture yields its two functions (Globals applied) and its built layer."""
    files = [p for p in sorted(FIXTURE.rglob("*")) if p.is_file() and sam.wants(p)]
    found = sam.discover(files, FIXTURE)
    assert [summary(f, FIXTURE) for f in found.functions] == [
        {**BASE, "name": "OrdersFunction", "code": "src/orders", "handler": "app.lambda_handler",
         "layers": ["SharedDepsLayer"]},
        {**BASE, "name": "ReportsFunction", "code": "src/reports", "arch": "arm64"},
    ]  # fmt: skip
    assert [(f.timeout_s, f.memory_mb) for f in found.functions] == [(10, 256), (60, 512)]
    [layer] = found.layers
    assert (layer.key, layer.builds_requirements) == ("SharedDepsLayer", True)
    assert layer.content_dir == (FIXTURE / "layers" / "shared").resolve()
    assert layer.requirements_file == layer.content_dir / "requirements.txt"
    assert found.findings == ()
    assert found.claimed == {
        (FIXTURE / d).resolve() for d in ("src/orders", "src/reports", "layers/shared")
    }
