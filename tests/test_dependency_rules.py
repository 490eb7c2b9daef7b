"""Dependency rules that need resolved wheels: extras in use, layer dependencies, placeholders.

Everything resolves against a local index of wheels and sdists the tests build; nothing goes
online and nothing is built.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_resolution_e2e import check_json, function_repo
from wheelhouse import build_sdist, build_wheel

from lambdalint.resolve.cache import Cache
from lambdalint.resolve.extras import feature_modules, loaded_by_name
from lambdalint.resolve.indexes import IndexConfig
from lambdalint.resolve.managed_layers import layer_for_arn
from lambdalint.resolve.mapping import ModuleMap, ProvidedBy, published_contents
from lambdalint.resolve.placeholders import placeholder
from lambdalint.resolve.sdists import SdistError, sdist_facts
from lambdalint.runtime.model import load_runtime

pytest_plugins = ("local_index",)

PT = "aws_lambda_powertools"
V3_ARN = (
    "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"
)


@pytest.fixture
def index(tmp_path, local_index):
    """Powertools-shaped extras, a used/unused parent with an extra, a placeholder sdist."""
    built = tmp_path / "dists"
    for path in (
        build_wheel(
            built,
            "aws-lambda-powertools",
            "3.0.0",
            requires=[
                "fastjsonschema ; extra == 'validation' or extra == 'all'",
                "aws-xray-sdk ; extra == 'tracer' or extra == 'all'",
            ],
            files={
                f"{PT}/__init__.py": "",
                f"{PT}/utilities/__init__.py": "",
                f"{PT}/utilities/validation/__init__.py": "import fastjsonschema\n",
            },
        ),
        build_wheel(built, "fastjsonschema", "2.21.0"),
        build_wheel(built, "aws-xray-sdk", "2.15.0"),
        build_wheel(built, "frames", "2.2.0", requires=["columnar ; extra == 'parquet'"]),
        build_wheel(built, "columnar", "20.0.0"),
        build_wheel(built, "arrays", "1.0.0"),
        build_wheel(built, "tables", "1.0.0", requires=["arrays>=1"]),
        build_sdist(built, "sklearn", "0.0.post12", files={"README.md": "use scikit-learn"}),
        build_sdist(built, "oldkit", "1.4.2", files={"oldkit/__init__.py": ""}),
        build_sdist(built, "oldkit", "2.0.0", files={"oldkit/__init__.py": ""}),
    ):
        local_index.add(path)
    return local_index


def _unused(tmp_path: Path, index_url: str, code: str, requirements: str) -> list[int]:
    """Lines of the unused-requirement findings for one function."""
    repo = function_repo(
        tmp_path, f"{code}\n\n\ndef handler(event, context):\n    return 1\n", requirements
    )
    result, report = check_json(repo, index_url, tmp_path / "cache")
    assert result.returncode in {0, 1}, result.stderr
    found = report["functions"][0]["findings"]
    return [f["line"] for f in found if f["rule"] == "unused-requirement"]


POWERTOOLS = "aws-lambda-powertools\nfastjsonschema\naws-xray-sdk\n"
ASKED = POWERTOOLS.replace("powertools", "powertools[validation]")


@pytest.mark.parametrize(
    ("code", "requirements", "unused"),
    [
        (f"from {PT} import Logger", POWERTOOLS, [2]),
        (f"from {PT}.utilities.validation import validate", POWERTOOLS, []),
        (f"from {PT} import Logger", ASKED, []),
        ("import os", POWERTOOLS, [1, 2, 3]),
        ("import frames", "frames\ncolumnar\n", []),
        ("import os", "frames\ncolumnar\n", [1, 2]),
        ("import os", "tables\narrays\n", [1]),
    ],
)  # fmt: skip
def test_an_extra_is_needed_only_for_the_part_that_loads_it(
    tmp_path, index, code, requirements, unused
):
    """A declared extra counts when its package is used and the code reaches its feature."""
    assert _unused(tmp_path, index.url, code, requirements) == unused


def test_feature_data_names_real_modules():
    """Every extra in the data maps to dotted modules of its own package."""
    for package, extras in feature_modules().items():
        root = package.replace("-", "_")
        for modules in extras.values():
            assert modules
            assert all(m == root or m.startswith(root + ".") for m in modules)


def test_placeholder_distribution_is_no_compatible_wheel(tmp_path, index):
    """The sklearn placeholder's sdist refuses to install: reported, with the real name."""
    repo = function_repo(tmp_path, "def handler(event, context):\n    return 1\n", "sklearn\n")
    _result, report = check_json(repo, index.url, tmp_path / "cache")
    found = [f for f in report["functions"][0]["findings"] if f["rule"] == "no-compatible-wheel"]
    assert [f["line"] for f in found] == [1], json.dumps(report["functions"][0]["findings"])
    assert "placeholder" in found[0]["message"]
    assert found[0]["fix"] == "Require scikit-learn instead."
    assert placeholder("SkLearn") is not None
    assert placeholder("scikit-learn") is None


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("1.4.2", "oldkit-1.4.2.tar.gz"),
        (">=1.4,<2", "oldkit-1.4.2.tar.gz"),
        (None, "oldkit-2.0.0.tar.gz"),
    ],
)  # fmt: skip
def test_sdist_of_a_version_range(tmp_path, index, version, expected):
    """A range uv names for a wheel-less package picks the newest sdist inside it."""
    facts = sdist_facts("oldkit", version, IndexConfig(index_url=index.url), Cache(tmp_path / "c"))
    assert facts.filename == expected


def test_sdist_range_with_no_release_is_an_error(tmp_path, index):
    """A range no sdist falls in is an SdistError, not the newest release."""
    with pytest.raises(SdistError):
        sdist_facts("oldkit", "<1", IndexConfig(index_url=index.url), Cache(tmp_path / "c"))


def test_layer_requirements_resolve_for_transitive_imports(tmp_path, index):
    """An import only a layer's requirement brings in is transitive-import, not missing."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "fn").mkdir()
    (root / "fn" / "app.py").write_text(
        "import arrays\n\n\ndef handler(event, context):\n    pass\n"
    )
    (root / "layer").mkdir()
    (root / "layer" / "requirements.txt").write_text("tables\n")
    (root / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        "  DepsLayer:\n    Type: AWS::Serverless::LayerVersion\n"
        "    Properties:\n      ContentUri: layer\n    Metadata:\n      BuildMethod: python3.12\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      CodeUri: fn\n      Handler: app.handler\n"
        "      Runtime: python3.12\n      Layers:\n        - !Ref DepsLayer\n"
    )
    _result, report = check_json(root, index.url, tmp_path / "cache")
    found = [(f["rule"], f["line"]) for f in report["functions"][0]["findings"]]
    assert ("transitive-import", 1) in found, found
    assert not any(rule == "missing-dependency" for rule, _line in found)
    [message] = [f["message"] for f in report["functions"][0]["findings"] if f["line"] == 1]
    assert "layer DepsLayer installs only because of tables -> arrays" in message


@pytest.mark.parametrize(
    ("module", "kind", "bundled"),
    [
        ("aws_lambda_powertools.utilities", ProvidedBy.LAYER, None),
        ("pydantic", ProvidedBy.LAYER, None),
        ("annotated_types", None, "annotated-types"),
        ("pydantic_core", None, "pydantic-core"),
        ("requests", None, None),
    ],
)
def test_published_layer_bundles_dependencies_transitively(module, kind, bundled):
    """What a published layer installs by name is provided; what it bundles is transitive."""
    layer = layer_for_arn(V3_ARN)
    assert layer is not None
    modules = ModuleMap(load_runtime("python3.12"), (), (), (published_contents(V3_ARN, layer),))
    provider = modules.provider(module)
    assert (provider.kind if provider else None) == kind
    found = modules.transitive(module)
    assert (found.distribution if found else None) == bundled
    if found is not None:
        assert found.layer == layer.name


@pytest.mark.parametrize(
    ("imported", "loaded"),
    [({"joblib"}, "scikit-learn"), ({"sqlalchemy"}, "psycopg2"), ({"pandas"}, "pyarrow")],
)
def test_loaded_by_name(imported, loaded):
    """A library that loads another by name at run time makes it used."""
    assert loaded in loaded_by_name(imported)


@pytest.fixture
def fsspec_index(tmp_path, local_index):
    """Fsspec and s3fs, libraries built on fsspec (one a namespace plugin), one that is not."""
    built = tmp_path / "fsspec-dists"
    for path in (
        build_wheel(built, "fsspec", "2024.6.0"),
        build_wheel(built, "s3fs", "2024.6.0", requires=["fsspec==2024.6.0"]),
        build_wheel(built, "stacreader", "1.0.0", requires=["fsspec>=2024"]),
        build_wheel(built, "plainlib", "1.0.0"),
        build_wheel(built, "geo", "1.0.0", requires=["fsspec"], files={"geo/core/__init__.py": ""}),
        build_wheel(built, "geo-sat", "1.0.0", requires=["geo"], files={"geo/sat/__init__.py": ""}),
    ):
        local_index.add(path)
    return local_index


@pytest.mark.parametrize(
    ("code", "requirements", "unused"),
    [
        ("import fsspec", "fsspec\ns3fs\n", []),
        ("import stacreader", "stacreader\ns3fs\n", []),
        ("import plainlib", "plainlib\ns3fs\n", [2]),
        ("import plainlib", "plainlib\nfsspec\ns3fs\n", [3]),
        ("import s3fs", "s3fs\nstacreader\n", [2]),
        ("from geo.sat import scene", "geo-sat\ns3fs\n", []),
    ],
)  # fmt: skip
def test_a_loader_installed_by_an_imported_library_loads_by_name(
    tmp_path, fsspec_index, code, requirements, unused
):
    """Fsspec brought in by an imported library loads s3fs; declared or via s3fs it does not."""
    assert _unused(tmp_path, fsspec_index.url, code, requirements) == unused
