"""Repository layers: what a build script's install, and the committed ``python/``, provide."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.model import Layer, Location, Severity
from lambdalint.read.layers import read_layer

BUILT_BY = Location("scripts.sh", 6)


def layer(tmp_path: Path, files: dict[str, str], source: str, **fields) -> Layer:
    """Write ``files`` and return a layer in ``tmp_path/lay`` whose build installs ``source``."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return Layer(
        key="Deps",
        name="Deps",
        content_dir=tmp_path / "lay",
        builds_requirements=True,
        requirements_file=tmp_path / source,
        **fields,
    )


@pytest.mark.parametrize(
    ("files", "source", "requirements", "modules"),
    [
        (
            {"requirements.txt": "requests\nPyYAML\n"},
            "requirements.txt",
            ["requests", "PyYAML"],
            [],
        ),
        (
            {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["requests>=2"]\n'},
            "pyproject.toml",
            ["requests"],
            [],
        ),
        (
            {"requirements.txt": "requests\n", "lay/python/common.py": "X = 1\n"},
            "requirements.txt",
            ["requests"],
            ["common"],
        ),
    ],
    ids=["requirements-file", "exported-pyproject", "with-committed-code"],
)
def test_script_built_layer(tmp_path, files, source, requirements, modules):
    """The installed file's requirements count even though the folder is not in the repo."""
    contents = read_layer(layer(tmp_path, files, source, built_by=BUILT_BY), tmp_path, (3, 12))
    assert [r.name for r in contents.requirements] == requirements
    assert sorted(contents.modules) == modules
    assert contents.findings == ()


def test_nothing_read_from_the_installed_file_is_a_warning(tmp_path):
    """A script installing a manifest lambdalint reads no dependency from says so, at the script."""
    files = {"pyproject.toml": '[project]\nname = "x"\n'}
    contents = read_layer(
        layer(tmp_path, files, "pyproject.toml", built_by=BUILT_BY), tmp_path, (3, 12)
    )
    [finding] = contents.findings
    assert (finding.rule, finding.severity, finding.location) == (
        "parse-error",
        Severity.WARNING,
        BUILT_BY,
    )
    assert "scripts.sh:6 installs the dependencies of pyproject.toml" in finding.message


SHARED = {"lay/python/requirements.txt": "requests\n"}


@pytest.mark.parametrize(
    ("fields", "files", "expected"),
    [
        (
            {"builds_requirements": True, "copies_content": True},
            {"lay/requirements.txt": "boto3==1.20.4\n", "lay/common.py": "import yaml\n"},
            (["common"], ["boto3"], [], ["yaml"]),
        ),
        (
            {"builds_requirements": True},
            {"lay/requirements.txt": "boto3\n", "lay/common.py": "X = 1\n"},
            ([], ["boto3"], [], []),
        ),
        (
            {"zipped_as_is": True},
            {**SHARED, "lay/python/demo.py": "import requests\n"},
            (["demo"], [], ["requests"], ["requests"]),
        ),
        (
            {},
            {**SHARED, "lay/python/demo.py": "import demo2\n"},
            (["demo"], [], [], ["demo2"]),
        ),
    ],
    ids=["sam-build-method-copies-the-folder", "installs-only", "zipped-as-is", "built-unknown"],
)
def test_iac_layers(tmp_path, fields, files, expected):
    """What a layer provides, installs, only ships as a file, and what its own code imports."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    lay = Layer(key="L", name="L", content_dir=tmp_path / "lay", **fields)
    contents = read_layer(lay, tmp_path, (3, 12))
    assert (
        sorted(contents.modules),
        [r.name for r in contents.requirements],
        [r.name for r in contents.uninstalled],
        [i.module for i in contents.imports],
    ) == expected
