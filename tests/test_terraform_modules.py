"""Terraform module calls read per instance, packager-only community modules, missing sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.config import Config
from lambdalint.discover import terraform
from lambdalint.discover.terraform_eval import Scope, Unresolved
from lambdalint.engine import run

CHILD = """
variable "name" {}
variable "source_file" {}
variable "runtime" {
  default = "python3.12"
}
data "archive_file" "zip" {
  type        = "zip"
  source_file = var.source_file
  output_path = "${path.module}/${var.name}.zip"
}
resource "aws_lambda_function" "this" {
  function_name = var.name
  filename      = data.archive_file.zip.output_path
  handler       = "app.handler"
  runtime       = var.runtime
}
"""


def scan(tmp_path: Path, files: dict[str, str]) -> terraform.Discovery:
    """Write ``files`` (paths relative to ``tmp_path``) and discover the ``.tf`` files."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return terraform.discover(sorted(tmp_path.rglob("*.tf")), tmp_path)


def test_module_calls_are_read_with_their_inputs(tmp_path):
    """Each call of a local module is one instance, evaluated with the caller's arguments."""
    root = (
        'module "a" {\n  source = "./modules/fn"\n  name = "a"\n'
        '  source_file = "./code/a.py"\n  runtime = "python3.9"\n}\n'
        'module "b" {\n  source = "./modules/fn"\n  name = "b"\n  source_file = "./code/b.py"\n}\n'
    )
    found = scan(
        tmp_path,
        {"main.tf": root, "modules/fn/main.tf": CHILD, "code/a.py": "", "code/b.py": ""},
    )
    got = sorted((f.name, f.runtime, f.code_dir, f.source.file) for f in found.functions)
    assert got == [
        ("a", "python3.9", tmp_path / "code", "modules/fn/main.tf"),
        ("b", "python3.12", tmp_path / "code", "modules/fn/main.tf"),
    ]
    assert found.findings == ()


def test_module_output_names_the_zip_of_another_instance(tmp_path):
    """A filename passed in from a sibling module's output finds that module's archive_file."""
    archive = (
        'variable "file" {}\ndata "archive_file" "zip" {\n  type = "zip"\n'
        '  source_file = var.file\n  output_path = "${path.module}/out.zip"\n}\n'
        'output "path" {\n  value = data.archive_file.zip.output_path\n}\n'
    )
    function = (
        'variable "zip" {}\nresource "aws_lambda_function" "this" {\n  filename = var.zip\n'
        '  handler = "app.handler"\n  runtime = "python3.12"\n}\n'
    )
    root = (
        'module "zip" {\n  source = "./archive"\n  file = "${path.module}/src/app.py"\n}\n'
        'module "fn" {\n  source = "./function"\n  zip = module.zip.path\n}\n'
    )
    files = {"main.tf": root, "archive/a.tf": archive, "function/f.tf": function, "src/app.py": ""}
    (function_,) = scan(tmp_path, files).functions
    assert (function_.code_dir, function_.packaging) == (tmp_path / "src", "terraform archive_file")
    assert function_.packaging_source.file == "archive/a.tf"


def test_packager_module_feeds_a_function(tmp_path):
    """create_function = false: the function deploys the module's zip; prefixes set its root."""
    tf = (
        'module "pkg" {\n  source = "terraform-aws-modules/lambda/aws"\n'
        "  create_function = false\n  source_path = [\n"
        '    { path = "${path.module}/src/api", prefix_in_zip = "api" },\n'
        '    { path = "${path.module}/src/shared", prefix_in_zip = "shared" },\n  ]\n}\n'
        'resource "aws_lambda_function" "api" {\n  s3_bucket = module.pkg.s3_object.bucket\n'
        '  s3_key = module.pkg.s3_object.key\n  handler = "api.main.handler"\n'
        '  runtime = "python3.12"\n}\n'
    )
    found = scan(tmp_path, {"main.tf": tf, "src/api/main.py": "", "src/shared/db.py": ""})
    (function,) = found.functions
    assert (function.name, function.code_dir) == ("api", tmp_path / "src")
    assert (function.packaging, function.packaging_source.line) == (
        "terraform-aws-modules/lambda",
        1,
    )
    assert "source_path also zips src/shared" in function.notes
    assert found.findings == ()


def test_layer_of_requirements_only(tmp_path):
    """A community-module layer whose source_path only installs a requirements file."""
    tf = (
        'module "deps" {\n  source = "terraform-aws-modules/lambda/aws"\n'
        '  create_function = false\n  create_layer = true\n  layer_name = "deps"\n'
        '  runtime = "python3.12"\n  source_path = [{\n'
        '    pip_requirements = "${path.module}/requirements.txt"\n'
        '    prefix_in_zip = "python"\n  }]\n}\n'
    )
    found = scan(tmp_path, {"main.tf": tf, "requirements.txt": "requests\n"})
    (layer,) = found.layers
    assert (layer.key, layer.builds_requirements) == ("module.deps", True)
    assert layer.requirements_file == tmp_path / "requirements.txt"
    assert (found.findings, found.claimed) == ((), frozenset())


def test_missing_archive_source_keeps_the_function(tmp_path):
    """A source_file missing where Terraform looks is checked where the repository has it."""
    tf = (
        'data "archive_file" "zip" {\n  type = "zip"\n  source_file = "lambda/fn/app.py"\n'
        '  output_path = "lambda/fn.zip"\n}\n'
        'resource "aws_lambda_function" "fn" {\n  filename = "lambda/fn.zip"\n'
        '  handler = "app.handler"\n  runtime = "python3.12"\n}\n'
    )
    found = scan(tmp_path, {"infra/main.tf": tf, "lambda/fn/app.py": ""})
    (function,) = found.functions
    assert function.code_dir == tmp_path / "lambda" / "fn"
    assert function.missing_code == "infra/lambda/fn/app.py"
    assert "source_file infra/lambda/fn/app.py does not exist" in found.findings[0].message


def test_missing_archive_source_is_handler_not_found(tmp_path, monkeypatch):
    """The code found elsewhere is checked, and the handler is reported missing from the zip."""
    monkeypatch.setenv("LAMBDALINT_CACHE_DIR", str(tmp_path / "cache"))
    tf = (
        'data "archive_file" "zip" {\n  type = "zip"\n  source_file = "lambda/fn/app.py"\n'
        '  output_path = "lambda/fn.zip"\n}\n'
        'resource "aws_lambda_function" "fn" {\n  filename = "lambda/fn.zip"\n'
        '  handler = "app.handler"\n  runtime = "python3.12"\n}\n'
    )
    code = "import jwt\n\n\ndef handler(event, context): ...\n"
    scan(tmp_path, {"infra/main.tf": tf, "lambda/fn/app.py": code})
    (report,) = run([tmp_path], Config(offline=True, select=("LL302", "LL001"))).functions
    assert [(f.rule, f.location.file) for f in report.findings] == [
        ("handler-not-found", "infra/main.tf"),
        ("missing-dependency", "lambda/fn/app.py"),
    ]
    assert "infra/lambda/fn/app.py, which does not exist" in report.findings[0].message


CALLER = Scope(Path("/r"), variables={"v": '"caller"'}, declared=frozenset({"v", "w"}))


@pytest.mark.parametrize(
    ("inputs", "raw", "expected"),
    [
        ({"x": "${var.v}"}, "${var.x}", "caller"),
        ({"x": '"lit"'}, '"${var.x}-y"', "lit-y"),
        ({}, "${var.d}", "default"),
        ({}, "${data.archive_file.z.output_path}", "/m/z.zip"),
        ({}, "${module.child.out}", "child-out"),
    ],
)
def test_scope_reads_inputs_outputs_and_data(inputs, raw, expected):
    """Variables come from the module call first, then defaults; outputs and data attributes."""
    child = Scope(Path("/c"), outputs={"out": '"child-out"'})
    scope = Scope(
        Path("/m"),
        variables={"d": '"default"'},
        data={"archive_file.z": {"output_path": '"${path.module}/z.zip"'}},
        inputs=inputs,
        caller=CALLER,
        children={"child": child},
    )
    assert scope.evaluate(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("${var.x}", "var.w has no default"),
        ("${module.other.out}", "is only known when Terraform runs"),
        ("${data.archive_file.z.output_base64sha256}", "is only known when Terraform runs"),
    ],
)
def test_scope_refuses_unknown_members(raw, reason):
    """An input the caller cannot evaluate, an unknown module or a computed attribute."""
    scope = Scope(
        Path("/m"),
        data={"archive_file.z": {"output_path": '"z.zip"'}},
        inputs={"x": "${var.w}"},
        caller=CALLER,
    )
    with pytest.raises(Unresolved, match=reason):
        scope.evaluate(raw)
