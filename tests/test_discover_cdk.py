"""CDK discovery: synthesized ``cdk.out`` templates and the static read of a CDK Python app."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from lambdalint.discover import cdk
from lambdalint.model import Severity

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "cdk-app"

IMPORTS = (
    "import os\nfrom pathlib import Path\nfrom aws_cdk import Stack\n"
    "from aws_cdk import aws_lambda as _lambda\n"
    "from aws_cdk.aws_lambda_python_alpha import PythonFunction\n"
)


def summary(function, root):
    """The fields a reader checks, with the code folder relative to ``root``."""
    return {
        "name": function.name,
        "code": function.code_dir.relative_to(root.resolve()).as_posix(),
        "runtime": function.runtime,
        "arch": function.architecture,
        "handler": function.handler,
        "packaging": function.packaging,
        "installs": function.installs_requirements,
        "layers": list(function.layers),
    }


def app(tmp_path, stack, folders=("lambda/fn",)):
    """A CDK app in ``tmp_path`` whose stack module holds ``stack``; returns its discovery."""
    (tmp_path / "cdk.json").write_text('{"app": "python3 app.py"}')
    (tmp_path / "app.py").write_text("from stacks.main import Main\nMain(None, 'Main')\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "main.py").write_text(IMPORTS + textwrap.dedent(stack))
    for folder in folders:
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "index.py").write_text("def handler(e, c):\n    return 1\n")
    return cdk.discover([tmp_path / "cdk.json", tmp_path / "app.py"], tmp_path)


BASE = {
    "name": "Fn", "code": "lambda/fn", "runtime": "python3.12", "arch": "x86_64",
    "handler": "index.handler", "packaging": "cdk Code.fromAsset", "installs": False,
    "layers": [],
}  # fmt: skip

STATIC_CASES = [
    (
        "from-asset",
        """
        _lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12,
            handler='index.handler', code=_lambda.Code.from_asset('lambda/fn'),
            architecture=_lambda.Architecture.ARM_64)
        """,
        {"arch": "arm64"},
    ),
    (
        "imported-names",
        """
        from aws_cdk.aws_lambda import Code, Function, Runtime
        RT = Runtime.PYTHON_3_11
        HANDLER = 'index.handler'
        Function(self, 'Fn', runtime=RT, handler=HANDLER, code=Code.fromAsset('lambda/fn'))
        """,
        {"runtime": "python3.11"},
    ),
    (
        "os-path-join",
        """
        here = os.path.dirname(__file__)
        code = _lambda.Code.from_asset(os.path.join(here, '..', 'lambda', 'fn'))
        _lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12,
            handler='index.handler', code=code)
        """,
        {},
    ),
    (
        "pathlib",
        """
        folder = Path(__file__).resolve().parent.parent / 'lambda/fn'
        _lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12,
            handler='index.handler', code=_lambda.Code.from_asset(str(folder)))
        """,
        {},
    ),
    (
        "python-function",
        """
        PythonFunction(self, 'Fn', entry='lambda/fn', runtime=_lambda.Runtime.PYTHON_3_12)
        """,
        {"packaging": "cdk PythonFunction (bundled)", "installs": True},
    ),
    (
        "bundling-pip",
        """
        pip = 'pip install -r requirements.txt -t /asset-output && cp -au . /asset-output'
        _lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12,
            handler='index.handler',
            code=_lambda.Code.from_asset('lambda/fn', bundling={'command': ['bash', '-c', pip]}))
        """,
        {"packaging": "cdk Code.fromAsset (bundling)", "installs": None},
    ),
    (
        "bundling-pip-literal",
        """
        _lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12,
            handler='index.handler',
            code=_lambda.Code.from_asset('lambda/fn', bundling={'command': [
                'bash', '-c', 'pip install -r requirements.txt -t /asset-output']}))
        """,
        {"packaging": "cdk Code.fromAsset (bundling)", "installs": True},
    ),
    (
        "layers",
        """
        self.shared = _lambda.LayerVersion(self, 'Shared', code=_lambda.Code.from_asset('lay'))
        arn = 'arn:aws:lambda:x:1:layer:p:1'
        pt = _lambda.LayerVersion.from_layer_version_arn(self, 'Pt', arn)
        _lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12,
            handler='index.handler', code=_lambda.Code.from_asset('lambda/fn'),
            layers=[self.shared, pt])
        """,
        {"layers": ["Shared", "arn:aws:lambda:x:1:layer:p:1"]},
    ),
    (
        "add-layers",
        """
        shared = _lambda.LayerVersion(self, 'Shared', code=_lambda.Code.from_asset('lay'))
        fn = _lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12,
            handler='index.handler', code=_lambda.Code.from_asset('lambda/fn'),
            layers=[shared])
        fn.add_layers(_lambda.LayerVersion.from_layer_version_arn(self, 'P', 'arn:x'))
        """,
        {"layers": ["Shared", "arn:x"]},
    ),
    (
        "class-constant",
        """
        class Main(Stack):
            RUNTIME = _lambda.Runtime.PYTHON_3_8
            def __init__(self, scope, id_):
                _lambda.Function(scope=self, id='Fn', runtime=self.RUNTIME,
                    handler='index.handler', code=_lambda.Code.asset('./lambda/fn'))
        """,
        {"runtime": "python3.8"},
    ),
    (
        "class-constant-by-class-name",
        """
        class Main(Stack):
            RUNTIME: object = _lambda.Runtime.PYTHON_3_9
        _lambda.Function(self, 'Fn', runtime=Main.RUNTIME, handler='index.handler',
            code=_lambda.Code.from_asset('lambda/fn'))
        """,
        {"runtime": "python3.9"},
    ),
    (
        "asset-code",
        """
        _lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12,
            handler='index.handler', code=_lambda.AssetCode.from_asset(path='lambda/fn'))
        """,
        {},
    ),
    (
        "asset-code-constructor",
        """
        _lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12,
            handler='index.handler', code=_lambda.AssetCode('lambda/fn'))
        """,
        {},
    ),
    (
        "cdk-v1-python-function",
        """
        from aws_cdk import aws_lambda_python as lambda_python
        lambda_python.PythonFunction(self, 'Fn', entry='lambda/fn',
            runtime=_lambda.Runtime.PYTHON_3_8)
        """,
        {"runtime": "python3.8", "packaging": "cdk PythonFunction (bundled)", "installs": True},
    ),
    (
        "f-string-path",
        """
        PythonFunction(self, id=f'{prefix}-fn', entry=f'{Path(__file__).parent.parent}/lambda/fn',
            runtime=_lambda.Runtime.PYTHON_3_12)
        """,
        {
            "name": "stacks/main.py:7",
            "packaging": "cdk PythonFunction (bundled)",
            "installs": True,
        },
    ),
]


@pytest.mark.parametrize(
    ("stack", "changes"), [c[1:] for c in STATIC_CASES], ids=[c[0] for c in STATIC_CASES]
)
def test_static_read_of_the_app(tmp_path, stack, changes):
    """Function calls in the app's stack modules are read without running them."""
    found = app(tmp_path, stack, folders=("lambda/fn", "lay"))
    assert [summary(f, tmp_path) for f in found.functions] == [{**BASE, **changes}]
    assert found.findings == ()
    [function] = found.functions
    assert function.source is not None
    assert function.source.file == "stacks/main.py"


@pytest.mark.parametrize(
    ("stack", "message"),
    [
        (
            (
                "_lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12, handler='i.h',"
                " code=_lambda.Code.from_inline('x'))\n"
            ),
            "inline code",
        ),
        (
            (
                "_lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12, handler='i.h',"
                " code=_lambda.Code.from_asset(f'lambda/{name}'))\n"
            ),
            "not a literal",
        ),
        (
            (
                "_lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12, handler='i.h',"
                " code=_lambda.Code.from_asset('lambda/gone'))\n"
            ),
            "is missing",
        ),
        (
            (
                "_lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12, handler='i.h',"
                " code=_lambda.Code.from_bucket(bucket, 'k'))\n"
            ),
            "not a local asset",
        ),
        (
            (
                "_lambda.Function(self, 'Fn', runtime=_lambda.Runtime.PYTHON_3_12, handler='i.h',"
                " code=_lambda.Code.from_asset('lambda/fn'), layers=[make_layer()])\n"
            ),
            "layer reference",
        ),
        (
            (
                "_lambda.Function(self, 'Fn', runtime=props.runtime, handler='i.h',"
                " code=_lambda.Code.from_asset('lambda/fn'))\n"
            ),
            "runtime is not a literal",
        ),
        ("def broken(:\n", "cannot parse"),
    ],
    ids=["inline", "f-string", "missing", "bucket", "layer", "runtime", "syntax"],
)
def test_unreadable_arguments_are_warnings(tmp_path, stack, message):
    """Arguments ast cannot resolve become a warning at the call, never an exception."""
    found = app(tmp_path, stack)
    [finding] = found.findings
    assert (finding.rule, finding.severity) == ("parse-error", Severity.WARNING)
    assert message in finding.message
    assert finding.location.file == "stacks/main.py"


def test_missing_layer_folder_is_left_to_build_scripts(tmp_path):
    """A layer folder that is not there yet is kept silently: a build script may fill it."""
    stack = "_lambda.LayerVersion(self, 'Deps', code=_lambda.Code.from_asset('build/deps'))\n"
    found = app(tmp_path, stack)
    [layer] = found.layers
    assert (layer.key, layer.content_dir, found.findings) == ("Deps", tmp_path / "build/deps", ())


def test_non_python_runtime_is_ignored(tmp_path):
    """A Node.js function in the CDK app is not reported."""
    stack = (
        "_lambda.Function(self, 'Fn', runtime=_lambda.Runtime.NODEJS_20_X, handler='i.h',"
        " code=_lambda.Code.from_asset('lambda/fn'))\n"
    )
    assert app(tmp_path, stack) == cdk.Discovery()


def resource(kind, cdk_path, asset=None, bundled=False, **properties):
    """A synthesized resource with CDK's asset metadata."""
    metadata = {"aws:cdk:path": cdk_path}
    if asset:
        metadata |= {"aws:asset:path": asset, "aws:asset:is-bundled": bundled}
    return {"Type": kind, "Properties": properties, "Metadata": metadata}


def synth(tmp_path, resources, assets=("asset.abc",)):
    """Write ``cdk.out/Stack.template.json`` (and asset folders) and discover it."""
    out = tmp_path / "cdk.out"
    for asset in assets:
        (out / asset).mkdir(parents=True)
        (out / asset / "index.py").write_text("def handler(e, c):\n    return 1\n")
    template = out / "Stack.template.json"
    template.write_text(json.dumps({"Resources": resources}, indent=1))
    return cdk.discover([template], tmp_path)


FN = "AWS::Lambda::Function"
PY = {"Runtime": "python3.12", "Handler": "index.handler"}


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        (
            {"FnA1": resource(FN, "Stack/Fn/Resource", "asset.abc", **PY)},
            [{**BASE, "code": "cdk.out/asset.abc"}],
        ),
        (
            {"FnA1": resource(FN, "Stack/Fn/Resource", "asset.abc", bundled=True, **PY)},
            [
                {
                    **BASE,
                    "code": "cdk.out/asset.abc",
                    "packaging": "cdk PythonFunction (bundled)",
                    "installs": True,
                }
            ],
        ),
        (
            {
                "Lay1": resource("AWS::Lambda::LayerVersion", "Stack/Lay/Resource", "asset.abc"),
                "FnA1": resource(
                    FN,
                    "Stack/Fn/Resource",
                    "asset.abc",
                    Layers=[{"Ref": "Lay1"}],
                    Architectures=["arm64"],
                    **PY,
                ),
            },
            [{**BASE, "code": "cdk.out/asset.abc", "layers": ["Lay1"], "arch": "arm64"}],
        ),
        (
            {
                "Cr1": resource(
                    FN, "Stack/Custom::CDKBucketDeployment8693BB/Resource", "asset.abc", **PY
                ),
                "Node": resource(FN, "Stack/Js/Resource", "asset.abc", Runtime="nodejs20.x"),
            },
            [],
        ),
    ],
    ids=["from-asset", "bundled", "layer-ref", "cdk-internals-and-node"],
)
def test_synthesized_functions(tmp_path, resources, expected):
    """Synthesized functions use their asset folder when no app code maps them back."""
    found = synth(tmp_path, resources)
    assert [summary(f, tmp_path) for f in found.functions] == expected
    assert found.findings == ()


@pytest.mark.parametrize(
    ("properties", "asset", "message"),
    [
        ({"Code": {"ZipFile": "def handler(e, c): pass"}}, None, "inline code"),
        ({"Code": {"S3Bucket": "b", "S3Key": "k"}}, None, "outside cdk.out"),
        ({}, "asset.gone", "does not exist"),
    ],
    ids=["inline", "s3", "missing-asset"],
)
def test_synthesized_code_not_analysed_is_a_warning(tmp_path, properties, asset, message):
    """Inline, external and missing asset code is a warning at the resource."""
    found = synth(tmp_path, {"Fn1": resource(FN, "Stack/Fn/Resource", asset, **PY, **properties)})
    [finding] = found.findings
    assert finding.severity is Severity.WARNING
    assert message in finding.message
    assert (finding.location.file, finding.location.line) == ("cdk.out/Stack.template.json", 3)


def test_asset_maps_back_by_content(tmp_path):
    """An asset whose Python files equal a source folder's is analysed as that folder."""
    stack = (
        "_lambda.Function(self, 'Other', runtime=_lambda.Runtime.PYTHON_3_12, handler='i.h',"
        " code=_lambda.Code.from_asset('lambda/fn'))\n"
    )
    app(tmp_path, stack)
    resources = {"Fn1": resource(FN, "Stack/Fn/Resource", "asset.abc", **PY)}
    synth(tmp_path, resources)
    files = [tmp_path / "cdk.json", tmp_path / "cdk.out" / "Stack.template.json"]
    [function] = cdk.discover(files, tmp_path).functions
    assert (function.name, function.code_dir) == ("Fn", (tmp_path / "lambda/fn").resolve())
    assert function.notes == ("synthesized asset cdk.out/asset.abc",)


PYTHON_FUNCTION = (
    "PythonFunction(self, 'Fn', entry='lambda/fn', index='index.py', handler='handler',"
    " runtime=_lambda.Runtime.PYTHON_3_12)\n"
)


@pytest.mark.parametrize(
    ("files", "installs", "requirements"),
    [
        (
            {"pyproject.toml": "[tool.poetry.dependencies]\nx = '*'\n", "poetry.lock": ""},
            True,
            "pyproject.toml",
        ),
        ({"Pipfile": "[packages]\nx = '*'\n", "Pipfile.lock": "{}"}, True, "Pipfile"),
        ({"Pipfile": "[packages]\nx = '*'\n"}, False, None),
        ({"requirements.txt": "x\n"}, True, None),
    ],
    ids=["poetry-lock", "pipfile-lock", "pipfile-without-lock", "requirements"],
)
@pytest.mark.parametrize("synthesized", [False, True])
def test_python_function_installs_what_bundling_reads(
    tmp_path, files, installs, requirements, synthesized
):
    """PythonFunction bundles a locked Poetry or Pipenv project; a lone Pipfile is not installed."""
    folder = tmp_path / "lambda" / "fn"
    folder.mkdir(parents=True)
    for name, text in {"index.py": "def handler(e, c):\n    return 1\n", **files}.items():
        (folder / name).write_text(text)
    found = app(tmp_path, PYTHON_FUNCTION, folders=())
    if synthesized:
        synth(tmp_path, {"Fn1": resource(FN, "Stack/Fn/Resource", "asset.abc", bundled=True, **PY)})
        files_read = [tmp_path / "cdk.json", tmp_path / "cdk.out" / "Stack.template.json"]
        found = cdk.discover(files_read, tmp_path)
    [function] = found.functions
    assert function.installs_requirements is installs
    assert function.requirements_file == (folder / requirements if requirements else None)
    assert (function.installs_only is None) is installs


def test_malformed_synthesized_template(tmp_path):
    """A broken template is a parse-error with its line; nothing else is lost."""
    (tmp_path / "cdk.out").mkdir()
    template = tmp_path / "cdk.out" / "Stack.template.json"
    template.write_text('{\n "Resources": {\n  "Fn": {"Type" 1}\n }\n}\n')
    [finding] = cdk.discover([template], tmp_path).findings
    assert (finding.rule, finding.location.line) == ("parse-error", 3)


@pytest.mark.parametrize(
    ("name", "with_cdk_json", "wanted"),
    [
        ("cdk.out/Stack.template.json", False, True),
        ("cdk.out/assembly-Prod/ProdStack.template.json", False, True),
        ("cdk.out/manifest.json", False, False),
        ("Stack.template.json", False, False),
        ("cdk.json", False, True),
        ("app.py", True, True),
        ("app.py", False, False),
    ],
)
def test_wants(tmp_path, name, with_cdk_json, wanted):
    """Synthesized templates, cdk.json, and app.py next to a cdk.json are CDK inputs."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    if with_cdk_json:
        (tmp_path / "cdk.json").write_text("{}")
    assert cdk.wants(path) is wanted


FIXTURE_FUNCTIONS = [
    {**BASE, "name": "OrdersFunction", "code": "lambda/orders", "arch": "arm64",
     "layers": ["CommonLayer7B3A2F5C"]},
    {**BASE, "name": "NotifyFunction", "code": "lambda/notify", "runtime": "python3.11",
     "handler": "handler.main", "packaging": "cdk PythonFunction (bundled)", "installs": True},
]  # fmt: skip


@pytest.mark.parametrize("synthesized", [True, False], ids=["cdk.out", "app-only"])
def test_cdk_app_fixture(synthesized):
    """The fixture gives the same functions from cdk.out and from the app code alone."""
    files = [p for p in sorted(FIXTURE.rglob("*")) if p.is_file() and cdk.wants(p)]
    if not synthesized:
        files = [p for p in files if "cdk.out" not in p.parts]
    found = cdk.discover(files, FIXTURE)
    key = "CommonLayer7B3A2F5C" if synthesized else "CommonLayer"
    expected = [{**f, "layers": [key] if f["layers"] else []} for f in FIXTURE_FUNCTIONS]
    assert [summary(f, FIXTURE) for f in found.functions] == expected
    [layer] = found.layers
    assert (layer.key, layer.name, layer.builds_requirements) == (key, "CommonLayer", False)
    assert layer.content_dir == (FIXTURE / "layers" / "common").resolve()
    assert found.findings == ()
    assert {(FIXTURE / d).resolve() for d in ("lambda/orders", "lambda/notify")} <= found.claimed


TS_IMPORTS = (
    "import * as path from 'path';\n"
    "import * as lambda from 'aws-cdk-lib/aws-lambda';\n"
    "import { PythonFunction } from '@aws-cdk/aws-lambda-python-alpha';\n"
)
TS_BASE = {**BASE, "runtime": "python3.12"}


def ts_app(tmp_path, stack, helper=""):
    """A TypeScript CDK app in ``tmp_path`` (bin/app.ts -> lib/stack.ts); returns its discovery."""
    (tmp_path / "cdk.json").write_text('{"app": "npx ts-node --prefer-ts-exts bin/app.ts"}')
    for folder in ("bin", "lib", "lambda/fn"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "bin" / "app.ts").write_text("import { Main } from '../lib/stack';\nnew Main();\n")
    (tmp_path / "lib" / "stack.ts").write_text(TS_IMPORTS + textwrap.dedent(stack))
    (tmp_path / "lib" / "helper.ts").write_text(TS_IMPORTS + textwrap.dedent(helper))
    (tmp_path / "lambda" / "fn" / "index.py").write_text("def handler(e, c):\n    return 1\n")
    return cdk.discover([tmp_path / "cdk.json"], tmp_path)


def ts_fn(code="lambda.Code.fromAsset('lambda/fn')", runtime="lambda.Runtime.PYTHON_3_12"):
    """A ``new lambda.Function(...)`` statement with ``code`` and ``runtime`` as written."""
    return (
        f"new lambda.Function(this, 'Fn', {{ runtime: {runtime}, handler: 'index.handler', "
        f"code: {code} }});\n"
    )


HELPER = (
    "export const pyCode = (name: string) =>\n"
    "  lambda.Code.fromAsset(path.join(__dirname, '../lambda', name));\n"
)
V1 = (
    "import { Code, Function as Fn, Runtime } from '@aws-cdk/aws-lambda';\n"
    "new Fn(this, 'Fn', { runtime: Runtime.PYTHON_3_8, handler: 'index.handler',\n"
    "  code: Code.asset('lambda/fn') });\n"
)
PYTHON_FN = (
    "new PythonFunction(this, 'Fn', { entry: 'lambda/fn', runtime: lambda.Runtime.PYTHON_3_12,\n"
    "  architecture: lambda.Architecture.ARM_64 });\n"
)
CONSTS = (
    "const RT = lambda.Runtime.PYTHON_3_10;\nconst DIR = path.resolve(__dirname, '../lambda/fn');\n"
)


@pytest.mark.parametrize(
    ("stack", "helper", "changes"),
    [
        (ts_fn(), "", {}),
        (ts_fn("lambda.Code.fromAsset(path.join(__dirname, '..', 'lambda/fn'))"), "", {}),
        (ts_fn("lambda.Code.fromAsset(`${__dirname}/../lambda/fn`)"), "", {}),
        (CONSTS + ts_fn("lambda.Code.fromAsset(DIR)", "RT"), "", {"runtime": "python3.10"}),
        ("import { pyCode } from './helper';\n" + ts_fn("pyCode('fn')"), HELPER, {}),
        (V1, "", {"runtime": "python3.8"}),
        (
            PYTHON_FN,
            "",
            {"packaging": "cdk PythonFunction (bundled)", "installs": True, "arch": "arm64"},
        ),
    ],
    ids=["literal", "path-join", "template", "consts", "helper", "v1-named-imports", "python-fn"],
)
def test_static_read_of_a_typescript_app(tmp_path, stack, helper, changes):
    """TypeScript constructs are read as text: names, paths and a local helper are followed."""
    found = ts_app(tmp_path, stack, helper)
    assert [summary(f, tmp_path) for f in found.functions] == [{**TS_BASE, **changes}]
    assert found.findings == ()
    assert found.functions[0].source.file == "lib/stack.ts"


@pytest.mark.parametrize(
    ("stack", "message"),
    [
        (ts_fn(runtime="props.runtime"), "runtime is not a literal"),
        (ts_fn("lambda.Code.fromAsset(props.dir)"), "not a local asset folder"),
        (ts_fn("lambda.Code.fromAsset('lambda/gone')"), "is missing"),
    ],
    ids=["runtime", "path", "missing"],
)
def test_unreadable_typescript_is_a_warning(tmp_path, stack, message):
    """What the text read cannot resolve is a warning at the construct, never an exception."""
    found = ts_app(tmp_path, stack)
    [finding] = found.findings
    where = (finding.rule, finding.severity, finding.location.file)
    assert where == ("parse-error", Severity.WARNING, "lib/stack.ts")
    assert message in finding.message
    assert found.functions == ()


def test_typescript_non_python_and_commented_constructs_are_ignored(tmp_path):
    """Node.js functions and constructs inside comments are not functions."""
    stack = "// " + ts_fn() + ts_fn(runtime="lambda.Runtime.NODEJS_20_X")
    assert ts_app(tmp_path, stack) == cdk.Discovery()


IMAGE_DOCKERFILES = {
    "Dockerfile": 'ARG FN\nCOPY fns/${FN}/app.py ${LAMBDA_TASK_ROOT}/\nCMD ["app.handler"]\n',
    "job.Dockerfile": 'ARG FN\nCOPY fns/${FN}/job.py /var/task/app.py\nCMD ["app.handler"]\n',
}


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        (  # a for loop over a literal list: one build per value
            """
            for fn in ["a", "b"]:
                _lambda.DockerImageFunction(self, 'Img',
                    code=_lambda.DockerImageCode.from_image_asset('.', build_args={'FN': fn}))
            """,
            [("Img[FN=a]", "fns/a", "fns/a/app.py"), ("Img[FN=b]", "fns/b", "fns/b/app.py")],
        ),
        (  # a loop over dict literals, and a value the app computes (listed from COPY sources)
            """
            for cfg in [{"name": "b"}]:
                _lambda.DockerImageFunction(self, 'One', code=_lambda.DockerImageCode
                    .from_image_asset('.', build_args={'FN': cfg["name"]}))
            _lambda.DockerImageFunction(self, 'All', code=_lambda.DockerImageCode
                .from_image_asset('.', build_args={'FN': self.node.try_get_context('fn')}))
            """,
            [
                ("One[FN=b]", "fns/b", "fns/b/app.py"),
                ("All[FN=a]", "fns/a", "fns/a/app.py"),
                ("All[FN=b]", "fns/b", "fns/b/app.py"),
            ],
        ),
        (  # the Dockerfile name chosen in an if/else; the job image renames job.py to app.py
            """
            name = "Dockerfile"
            if self.node.try_get_context('job'):
                name = "job.Dockerfile"
            _lambda.DockerImageFunction(self, 'Img', code=_lambda.DockerImageCode
                .from_image_asset('.', file=name, build_args={'FN': 'a'}))
            """,
            [
                ("Img[Dockerfile,FN=a]", "fns/a", "fns/a/app.py"),
                ("Img[job.Dockerfile,FN=a]", "fns/a", "fns/a/job.py"),
            ],
        ),
    ],
)
def test_static_image_functions(tmp_path, stack, expected):
    """DockerImageFunction: one function per build, code read where the handler file comes from."""
    for rel in ("fns/a/app.py", "fns/a/job.py", "fns/b/app.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("def handler(e, c): ...\n", encoding="utf-8")
    for name, body in IMAGE_DOCKERFILES.items():
        (tmp_path / name).write_text("FROM public.ecr.aws/lambda/python:3.11\n" + body)
    found = app(
        tmp_path,
        "class Main(Stack):\n    def __init__(self, scope, id):\n"
        + textwrap.indent(textwrap.dedent(stack), "        "),
        folders=(),
    )
    root = tmp_path.resolve()
    got = [
        (
            f.name,
            f.code_dir.relative_to(root).as_posix(),
            f.handler_file.relative_to(root).as_posix(),
        )
        for f in found.functions
    ]
    assert sorted(got) == sorted(expected)
    assert {(f.runtime, f.handler, f.runtime_source.line) for f in found.functions} == {
        ("python3.11", "app.handler", 1)
    }
    assert root in found.claimed


def test_image_from_a_registry_is_a_warning(tmp_path):
    """An image pulled from ECR is not built here: a warning, no function."""
    found = app(
        tmp_path,
        """
        _lambda.DockerImageFunction(self, 'Img',
            code=_lambda.DockerImageCode.from_ecr(repository))
        """,
    )
    assert found.functions == ()
    assert [f.message for f in found.findings] == [
        "Img: the image is not built from a local folder; not analysed"
    ]


def test_synthesized_image_reads_its_dockerfile(tmp_path):
    """A synthesized image reads its Dockerfile with the asset's build args: FROM line, handler."""
    (tmp_path / "cdk.out" / "asset.img" / "fns" / "a").mkdir(parents=True)
    (tmp_path / "cdk.out" / "asset.img" / "fns" / "a" / "app.py").write_text(
        "def handler(e, c): ...\n"
    )
    (tmp_path / "cdk.out" / "asset.img" / "Dockerfile").write_text(
        "FROM public.ecr.aws/lambda/python:3.10\nARG FN\nRUN pip install requests\n"
        'COPY fns/${FN}/app.py ./\nCMD ["app.handler"]\n'
    )
    resource = {
        "Type": FN,
        "Properties": {"PackageType": "Image"},
        "Metadata": {
            "aws:cdk:path": "Stack/Img/Resource",
            "aws:asset:path": "asset.img",
            "aws:asset:docker-build-args": {"FN": "a"},
        },
    }
    (function,) = synth(tmp_path, {"Img": resource}, assets=()).functions
    asset = (tmp_path / "cdk.out" / "asset.img").resolve()
    assert function.handler_file == asset / "fns" / "a" / "app.py"
    assert (function.runtime, function.runtime_source.line) == ("python3.10", 1)
    assert [name for name, _where in function.named_requirements] == ["requests"]
