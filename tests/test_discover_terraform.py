"""Terraform discovery: aws_lambda_function, archive_file, layers and the community module."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.discover import terraform
from lambdalint.discover.build_scripts import apply
from lambdalint.discover.terraform_eval import Scope, Unresolved
from lambdalint.model import PackageType, Severity

REPO = Path(__file__).resolve().parent.parent
ARCHIVE = """
data "archive_file" "fn" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/fn.zip"
}
"""


def scan(tmp_path, tf, extra=None):
    """Write ``main.tf`` (plus ``extra`` files) over a ``src/`` function and discover."""
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "index.py").write_text("def handler(event, context): ...\n")
    for name, text in {"main.tf": tf, **(extra or {})}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = terraform.discover(sorted(tmp_path.rglob("*.tf")), tmp_path)
    return apply(found, (), tmp_path)  # no build script writes a zip the IaC names


def function_tf(body, name="fn"):
    """An aws_lambda_function resource with ``body`` inside."""
    return f'resource "aws_lambda_function" "{name}" {{\n{body}\n}}\n'


@pytest.mark.parametrize(
    ("path", "expected"),
    [("main.tf", True), ("x/lambda.tf", True), ("terraform.tfvars", False), ("a.py", False)],
)
def test_wants(path, expected):
    """Only .tf files are handed to the Terraform source."""
    assert terraform.wants(Path(path)) is expected


@pytest.mark.parametrize(
    ("body", "extra", "expected"),
    [
        (
            (
                'filename = data.archive_file.fn.output_path\nhandler = "index.handler"\n'
                'runtime = "python3.11"\nfunction_name = "chat"\nmemory_size = 256\ntimeout = 10'
            ),
            ARCHIVE,
            {
                "name": "chat",
                "handler": "index.handler",
                "handler_known": True,
                "runtime": "python3.11",
                "packaging": "terraform archive_file",
                "installs_requirements": False,
                "memory_mb": 256,
                "timeout_s": 10,
            },
        ),
        (
            (
                'filename = "${path.module}/build/fn.zip"\nruntime = var.runtime\n'
                'architectures = ["arm64"]'
            ),
            ARCHIVE + 'variable "runtime" {\n  default = "python3.12"\n}\n',
            {
                "name": "fn",
                "runtime": "python3.12",
                "architecture": "arm64",
                "packaging": "terraform archive_file",
                "handler_known": False,
            },
        ),
        (
            'filename = local.zip\nruntime = local.rt\nhandler = format("%s.handler", local.m)',
            ARCHIVE + "locals {\n  zip = data.archive_file.fn.output_path\n"
            '  rt = "python${local.v}"\n  v = "3.13"\n  m = "index"\n}\n',
            {"runtime": "python3.13", "handler": "index.handler"},
        ),
        (
            (
                'source_code_hash = data.archive_file.fn.output_base64sha256\nfilename = "x.zip"\n'
                "layers = [aws_lambda_layer_version.common.arn, module.deps.lambda_layer_arn,\n"
                '  "arn:aws:lambda:eu-west-1:123456789012:layer:x:3"]'
            ),
            ARCHIVE,
            {
                "layers": (
                    "aws_lambda_layer_version.common",
                    "module.deps",
                    "arn:aws:lambda:eu-west-1:123456789012:layer:x:3",
                )
            },
        ),
        (
            'for_each = toset(["a", "b"])\nfilename = data.archive_file.fn.output_path',
            ARCHIVE,
            {"notes": ("defined with for_each: reported once",)},
        ),
        (
            'package_type = "Image"\nimage_uri = "example.invalid/fn:1"',
            "",
            {"package_type": PackageType.IMAGE, "packaging": "terraform image", "runtime": None},
        ),
    ],
    ids=["archive", "var-default-and-path-match", "locals", "layers", "for_each", "image"],
)
def test_function_resource(tmp_path, body, extra, expected):
    """Each attribute of aws_lambda_function lands in the Function record."""
    found = scan(tmp_path, function_tf(body) + extra)
    assert [f.message for f in found.findings] == []
    (function,) = found.functions
    assert function.discovered_by == "terraform"
    assert function.source is not None
    assert function.source.file == "main.tf"
    for field, value in expected.items():
        assert getattr(function, field) == value, field


def test_archive_function_points_at_both_blocks(tmp_path):
    """The function is located at its resource, its packaging at the archive_file block."""
    found = scan(tmp_path, ARCHIVE + function_tf("filename = data.archive_file.fn.output_path"))
    (function,) = found.functions
    assert (function.source.line, function.packaging_source.line) == (7, 2)
    assert function.code_dir == tmp_path / "src"
    assert found.claimed == {tmp_path / "src"}


@pytest.mark.parametrize(
    ("archive", "code_dir", "note"),
    [
        ('source_file = "${path.module}/src/index.py"', "src", "zips only index.py"),
        ('source_dir = "src"\n  excludes = ["tests"]', "src", 'excludes ["tests"]'),
        (
            'source_dir = "src"\n  source {\n    content = "x"\n    filename = "a.txt"\n  }',
            "src",
            "inline source blocks",
        ),
    ],
)
def test_archive_variants_leave_notes(tmp_path, archive, code_dir, note):
    """source_file, excludes and inline source blocks are explained in the notes."""
    tf = f'data "archive_file" "fn" {{\n  {archive}\n  output_path = "fn.zip"\n}}\n'
    found = scan(tmp_path, tf + function_tf("filename = data.archive_file.fn.output_path"))
    (function,) = found.functions
    assert function.code_dir == tmp_path / code_dir
    assert any(note in n for n in function.notes), function.notes


def test_non_python_functions_are_ignored(tmp_path):
    """A nodejs function is not reported."""
    found = scan(tmp_path, ARCHIVE + function_tf('runtime = "nodejs20.x"\nfilename = "fn.zip"'))
    assert found.functions == ()


@pytest.mark.parametrize(
    ("body", "extra", "message"),
    [
        (
            "runtime = var.runtime\nfilename = data.archive_file.fn.output_path",
            'variable "runtime" {}\n',
            "aws_lambda_function.fn: runtime = var.runtime has no default",
        ),
        (
            'handler = "${var.mod}.handler"\nfilename = data.archive_file.fn.output_path',
            "",
            'aws_lambda_function.fn: handler = "${var.mod}.handler": var.mod is not declared',
        ),
        (
            'runtime = lookup(var.m, "x")\nfilename = data.archive_file.fn.output_path',
            "",
            'aws_lambda_function.fn: runtime = lookup(var.m, "x") is not evaluated statically',
        ),
    ],
)
def test_unresolved_attribute_is_a_warning(tmp_path, body, extra, message):
    """An attribute that needs Terraform to evaluate is a warning; the function is still kept."""
    found = scan(tmp_path, ARCHIVE + extra + function_tf(body))
    (finding,) = found.findings
    assert (finding.rule, finding.severity, finding.message) == (
        "parse-error",
        Severity.WARNING,
        message,
    )
    assert finding.location.file == "main.tf"
    assert len(found.functions) == 1


BUILD = """
resource "null_resource" "build" {
  provisioner "local-exec" {
    command = <<-EOT
      pip install -r ${path.module}/src/requirements.txt -t build/pkg
      cd build && zip -r fn.zip .
    EOT
  }
}
"""


@pytest.mark.parametrize(
    ("tf", "packaging", "installs"),
    [
        (BUILD + function_tf('filename = "fn.zip"'), "terraform local-exec build", True),
        (
            BUILD + function_tf('s3_bucket = "b"\ns3_key = "lambda/fn.zip"'),
            "terraform local-exec build",
            True,
        ),
        (function_tf('filename = "src.zip"'), "terraform prebuilt zip", None),
        (
            BUILD.replace("fn.zip", "other.zip") + 'data "archive_file" "fn" {\n'
            '  source_dir = "build/pkg"\n  output_path = "fn.zip"\n}\n'
            + function_tf("filename = data.archive_file.fn.output_path"),
            "terraform local-exec build",
            True,
        ),
        (
            BUILD.replace(
                "pip install -r ${path.module}/src/requirements.txt -t build/pkg",
                "cd src && pip install -r requirements.txt -t ../build/pkg && cd ..",
            )
            + function_tf('filename = "fn.zip"'),
            "terraform local-exec build",
            True,
        ),
    ],
    ids=[
        "local-exec-zip",
        "local-exec-s3",
        "zip-next-to-folder",
        "archive-of-build-dir",
        "local-exec-cd",
    ],
)
def test_prebuilt_packages(tmp_path, tf, packaging, installs):
    """Zips built outside archive_file: a pip build step installs, a bare zip is unknown."""
    found = scan(tmp_path, tf)
    (function,) = found.functions
    assert (function.packaging, function.installs_requirements) == (packaging, installs)
    assert function.code_dir == tmp_path / "src"
    if installs:
        assert function.requirements_file == tmp_path / "src" / "requirements.txt"


@pytest.mark.parametrize("body", ['filename = "dist/fn.zip"', 's3_bucket = "b"\ns3_key = "fn.zip"'])
def test_unknown_code_location_skips_the_function(tmp_path, body):
    """A zip nobody in the repository builds is skipped with a warning naming it."""
    found = scan(tmp_path, function_tf(body))
    assert found.functions == ()
    (finding,) = found.findings
    assert "code location is unknown" in finding.message
    assert finding.severity is Severity.WARNING


def test_layer_version_from_archive(tmp_path):
    """A layer zipped by archive_file provides its folder as-is and is claimed."""
    (tmp_path / "layers" / "common" / "python").mkdir(parents=True)
    tf = (
        'data "archive_file" "common" {\n  source_dir = "layers/common"\n'
        '  output_path = "c.zip"\n}\n'
        'resource "aws_lambda_layer_version" "common" {\n  layer_name = "shared"\n'
        "  filename = data.archive_file.common.output_path\n}\n"
    )
    found = scan(tmp_path, tf)
    (layer,) = found.layers
    assert (layer.key, layer.name, layer.builds_requirements) == (
        "aws_lambda_layer_version.common",
        "shared",
        False,
    )
    assert layer.content_dir == tmp_path / "layers" / "common"
    assert layer.source.line == 5
    assert tmp_path / "layers" / "common" in found.claimed


def test_layer_without_source_warns(tmp_path):
    """A layer whose zip comes from elsewhere has no content folder and says why."""
    found = scan(tmp_path, 'resource "aws_lambda_layer_version" "x" {\n  filename = "x.zip"\n}\n')
    (layer,) = found.layers
    assert layer.content_dir is None
    assert len(found.findings) == 1


def module_tf(body, source="terraform-aws-modules/lambda/aws"):
    """A module block using ``source`` with ``body`` inside."""
    return f'module "fn" {{\n  source = "{source}"\n  runtime = "python3.12"\n{body}\n}}\n'


@pytest.mark.parametrize(
    ("tf", "requirements_txt", "expected"),
    [
        (
            module_tf('source_path = "${path.module}/src"\nhandler = "index.handler"'),
            True,
            {"installs_requirements": True, "handler": "index.handler", "name": "fn"},
        ),
        (module_tf('source_path = "src"'), False, {"installs_requirements": False}),
        (
            module_tf('source_path = [{ path = "src", pip_requirements = true }]'),
            False,
            {"installs_requirements": True, "requirements_file": None},
        ),
        (
            module_tf('source_path = [{ path = "src", pip_requirements = "req/prod.txt" }]'),
            False,
            {"installs_requirements": True, "requirements_file": "req/prod.txt"},
        ),
        (
            module_tf(
                'source_path = "src"\nfunction_name = "api"\narchitectures = ["arm64"]',
                source="git::https://github.com/terraform-aws-modules/terraform-aws-lambda.git?ref=v7.2.0",
            ),
            False,
            {"name": "api", "architecture": "arm64"},
        ),
        (
            module_tf('source_path = "src"\nlayers = [module.deps.lambda_layer_arn]\ncount = 1'),
            False,
            {"layers": ("module.deps",), "notes": ("defined with count: reported once",)},
        ),
    ],
    ids=["string-with-requirements", "string-without", "pip-true", "pip-file", "git-url", "layers"],
)
def test_community_module(tmp_path, tf, requirements_txt, expected):
    """The terraform-aws-modules/lambda module's build options become Function fields."""
    if requirements_txt:
        (tmp_path / "src").mkdir()
        (tmp_path / "src" / "requirements.txt").write_text("requests\n")
    found = scan(tmp_path, tf)
    assert found.findings == ()
    (function,) = found.functions
    assert function.packaging == "terraform-aws-modules/lambda"
    assert function.code_dir == tmp_path / "src"
    for field, value in expected.items():
        wanted = tmp_path / value if field == "requirements_file" and value else value
        assert getattr(function, field) == wanted, field


@pytest.mark.parametrize(
    ("tf", "functions", "layers"),
    [
        (module_tf('source_path = "src"\ncreate_function = false'), 0, 0),
        (module_tf('source_path = "src"', source="./modules/lambda"), 0, 0),
        (module_tf('source_path = "src"\ncreate_layer = true\nlayer_name = "deps"'), 0, 1),
    ],
    ids=["create_function-false", "other-module", "create_layer"],
)
def test_community_module_switches(tmp_path, tf, functions, layers):
    """create_function/create_layer and foreign modules change what is reported."""
    found = scan(tmp_path, tf)
    assert (len(found.functions), len(found.layers)) == (functions, layers)


@pytest.mark.parametrize(
    ("files", "message", "line"),
    [
        ({"bad.tf": 'resource "x" {\n  a = \n}\n'}, "bad.tf could not be read as HCL", 2),
        ({"big.tf": "# " + "x" * (5 * 1024 * 1024 + 1)}, "big.tf is larger than 5 MB", None),
        (
            {
                "sub/m.tf": 'data "archive_file" "fn" {\n  source_dir = "nope"\n'
                '  output_path = "a.zip"\n}\n'
                + function_tf("filename = data.archive_file.fn.output_path")
            },
            "data.archive_file.fn: source_dir sub/nope does not exist",
            1,
        ),
    ],
    ids=["malformed", "huge", "missing-dir"],
)
def test_bad_input_is_a_finding(tmp_path, files, message, line):
    """Bad files are findings with a location and the rest of the module is still read."""
    good = ARCHIVE + function_tf("filename = data.archive_file.fn.output_path", name="ok")
    found = scan(tmp_path, good, files)
    assert [f.name for f in found.functions] == ["ok"]
    (finding,) = found.findings
    assert message in finding.message
    assert finding.location.line == line


def test_symlink_loop_does_not_crash(tmp_path):
    """A source_dir that is a symlink loop is reported missing, not a crash."""
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    tf = ARCHIVE.replace("/src", "/loop") + function_tf(
        "filename = data.archive_file.fn.output_path"
    )
    found = scan(tmp_path, tf)
    assert found.functions == ()
    assert "does not exist" in found.findings[0].message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('"${path.module}/src"', "/m/src"),
        ('"${abspath("x/../y")}"', "/m/y"),
        ('${join("-", ["a", var.v])}', "a-b"),
        ('${format("%s-%d", "a", 1)}', "a-1"),
        ('"a$${b}\\"c"', 'a${b}"c'),
        ("${var.m.k[1]}", 2),
        ('${lower("AB")}', "ab"),
        ('"<<EOT\nx ${var.v}\nEOT"', "x b"),
    ],
)
def test_scope_evaluates_static_expressions(raw, expected):
    """Literal templates, path.*, var defaults and a few pure functions are evaluated."""
    scope = Scope(Path("/m"), {"v": '"b"', "m": {"k": [1, 2]}}, frozenset({"v", "m"}))
    assert scope.evaluate(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "${data.aws_caller_identity.c.account_id}",
        '"%{ if true }x%{ endif }"',
        "${var.x}",
        "${local.a}",
        "${a ? b : c}",
        '${format("%q", "x")}',
    ],
)
def test_scope_refuses_dynamic_expressions(raw):
    """Expressions that need Terraform (or loop) raise Unresolved instead of guessing."""
    scope = Scope(Path("/m"), locals={"a": "${local.a}"})
    with pytest.raises(Unresolved):
        scope.evaluate(raw)


def test_fixture_terraform_module():
    """The terraform-module fixture yields its two functions and two layers."""
    root = REPO / "fixtures" / "terraform-module"
    found = terraform.discover(sorted(root.rglob("*.tf")), root)
    assert found.findings == ()
    got = [
        (
            f.name,
            f.runtime,
            f.architecture,
            f.handler,
            f.code_dir.relative_to(root).as_posix(),
            f.packaging,
            f.installs_requirements,
            f.layers,
        )
        for f in found.functions
    ]
    assert got == [
        (
            "api-dev",
            "python3.12",
            "x86_64",
            "app.handler",
            "src/api",
            "terraform-aws-modules/lambda",
            True,
            ("aws_lambda_layer_version.common",),
        ),
        (
            "worker-dev",
            "python3.12",
            "arm64",
            "worker.handle",
            "src/worker",
            "terraform-aws-modules/lambda",
            True,
            ("aws_lambda_layer_version.common", "module.worker_deps"),
        ),
    ]
    layers = [
        (la.key, la.name, la.content_dir.relative_to(root).as_posix(), la.builds_requirements)
        for la in found.layers
    ]
    assert layers == [
        ("aws_lambda_layer_version.common", "common-dev", "layers/common", False),
        ("module.worker_deps", "worker-deps-dev", "layers/worker-deps", True),
    ]
    assert found.layers[1].requirements_file == root / "layers/worker-deps/requirements.txt"
