"""Layer zips in the checkout: ``check`` reads what they provide and runs the artifact rules."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import pytest
from elf_samples import macho64

from lambdalint.config import Config, ConfigError
from lambdalint.engine import run
from lambdalint.inspect.artifact import Entry
from lambdalint.inspect.layer_zip import _modules

TODAY = datetime.date(2026, 12, 4)
TF = """\
resource "aws_lambda_layer_version" "deps" {
  layer_name = "deps"
  filename   = "layers/deps.zip"
}
data "archive_file" "fn" {
  type        = "zip"
  source_dir  = "fn"
  output_path = "out/fn.zip"
}
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  filename      = data.archive_file.fn.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  layers        = [aws_lambda_layer_version.deps.arn]
}
"""
LAYER = {
    "python/requests/__init__.py": b"",
    "python/requests-2.31.0.dist-info/METADATA": b"Name: requests\nVersion: 2.31.0\n",
    "python/urllib3-1.26.15.dist-info/METADATA": b"Name: urllib3\nVersion: 1.26.15\n",
    "python/urllib3-1.26.15.dist-info/top_level.txt": b"urllib3\n",
    "python/urllib3/__init__.py": b"",
    "python/fast/md.cpython-311-darwin.so": macho64(),
    "python/requests/__pycache__/api.cpython-311.pyc": b"\0" * 16,
}


def _repo(tmp_path: Path, layer: dict[str, bytes] | bytes) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text(TF, encoding="utf-8")
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "app.py").write_text(
        "import requests\nimport fast.md\n\ndef handler(e, c):\n    return 1\n", encoding="utf-8"
    )
    (tmp_path / "layers").mkdir()
    target = tmp_path / "layers" / "deps.zip"
    if isinstance(layer, bytes):
        target.write_bytes(layer)
    else:
        with zipfile.ZipFile(target, "w") as archive:
            for name, data in layer.items():
                archive.writestr(name, data)
    return tmp_path


def _findings(root: Path, **config: object) -> list[tuple[str, str]]:
    report = run([root], Config(offline=True, **config), today=TODAY)  # type: ignore[arg-type]
    [function] = report.functions
    assert not report.findings  # nothing says the zip is "built elsewhere"
    return sorted({(f.rule, f.location.file) for f in function.findings})


def test_committed_layer_zip_provides_modules_and_is_inspected(tmp_path):
    """The zip's packages are provided; its binaries, bytecode and SDK copies are judged."""
    found = _findings(_repo(tmp_path, LAYER))
    assert found == [
        ("abi-mismatch", "layers/deps.zip"),
        ("shadowed-runtime-package", "layers/deps.zip"),
        ("stale-bytecode", "layers/deps.zip"),
        ("wrong-platform-binary", "layers/deps.zip"),
    ]


def test_artifact_rules_follow_select_and_ignore(tmp_path):
    """--ignore accepts the artifact rules' slugs and drops their findings in check."""
    root = _repo(tmp_path, LAYER)
    found = _findings(root, ignore=("stale-bytecode", "LL40"))
    assert found == []
    with pytest.raises(ConfigError):
        _findings(root, ignore=("no-such-rule",))


def test_a_corrupt_layer_zip_is_a_parse_error(tmp_path):
    """A zip that cannot be opened is reported; its modules are not assumed."""
    found = _findings(_repo(tmp_path, b"PK\x03\x04 not really a zip"))
    assert ("parse-error", "layers/deps.zip") in found
    assert ("missing-dependency", "fn/app.py") in found


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (
            ["python/a/__init__.py", "python/b.py", "python/c.cpython-312-x86_64-linux-gnu.so"],
            "abc",
        ),
        (
            [
                "python/lib/python3.12/site-packages/d/x.py",
                "python/lib/python3.11/site-packages/e.py",
            ],
            "d",
        ),
        (["python/bin/normalizer", "python/f-1.0.dist-info/METADATA", "python/README", "g.py"], ""),
    ],
)
def test_modules_on_the_target_sys_path(paths, expected):
    """python/ and this Python's site-packages are importable; scripts and metadata are not."""
    entries = [Entry(p, 0, i) for i, p in enumerate(paths)]
    assert _modules(entries, (3, 12)) == frozenset(expected)
