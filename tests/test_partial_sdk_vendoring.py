"""partial-sdk-vendoring in ``check``: the resolved install holds part of the AWS SDK.

Everything resolves against a local index of wheels the tests build; nothing goes online.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_resolution_e2e import check_json, function_repo
from wheelhouse import build_wheel

pytest_plugins = ("local_index",)

SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: app.handler
      Runtime: python3.12
"""
CODE = "import boto3\n\n\ndef handler(event, context):\n    return boto3.__name__\n"


@pytest.fixture
def index(tmp_path, local_index):
    """The SDK trio, an s3fs-shaped chain that pulls botocore alone, and an unrelated wheel."""
    built = tmp_path / "dists"
    for path in (
        build_wheel(
            built, "boto3", "1.35.0", requires=["botocore>=1.35.0,<1.36", "s3transfer>=0.10"]
        ),
        build_wheel(built, "botocore", "1.35.0"),
        build_wheel(built, "s3transfer", "0.10.2", requires=["botocore>=1.33"]),
        build_wheel(built, "aiobotocore", "2.15.0", requires=["botocore>=1.35,<1.35.1"]),
        build_wheel(built, "s3fs", "2024.9.0", requires=["aiobotocore>=2.5"]),
        build_wheel(built, "requests", "2.32.3"),
    ):
        local_index.add(path)
    return local_index


def _partial(tmp_path: Path, index_url: str, requirements: str, *, sam: bool = True) -> list:
    """(line, message) of each partial-sdk-vendoring finding for one function."""
    repo = function_repo(tmp_path, CODE, requirements)
    if sam:
        (repo / "template.yaml").write_text(SAM)
    result, report = check_json(repo, index_url, tmp_path / "cache")
    assert result.returncode in {0, 1}, result.stderr
    found = report["functions"][0]["findings"]
    return [(f["line"], f["message"]) for f in found if f["rule"] == "partial-sdk-vendoring"]


@pytest.mark.parametrize(
    ("requirements", "lines", "chain"),
    [
        ("requests\ns3fs\n", [2], "s3fs pulls botocore 1.35.0 into the package (s3fs -> aio"),
        ("botocore\n", [1], "this installs botocore 1.35.0 into the package"),
        ("s3fs\nboto3\n", [], ""),
        ("boto3\n", [], ""),
        ("requests\n", [], ""),
    ],
)  # fmt: skip
def test_part_of_the_sdk_is_reported_at_the_line_that_pulls_it_in(
    tmp_path, index, requirements, lines, chain
):
    """Some but not all of boto3/botocore/s3transfer installed: the line, with its chain."""
    found = _partial(tmp_path, index.url, requirements)
    assert [line for line, _message in found] == lines
    for _line, message in found:
        assert chain in message
        assert "but not boto3, s3transfer" in message


def test_a_build_that_may_not_install_is_silent(tmp_path, index):
    """A bare folder (nothing says pip runs) ships no copy for sure: no finding."""
    assert _partial(tmp_path, index.url, "s3fs\n", sam=False) == []


def test_a_shipped_botocore_nothing_pairs_with_the_runtime_is_silent(tmp_path, index):
    """The code never imports boto3 or s3transfer: the runtime's copies never load with it."""
    repo = function_repo(tmp_path, "def handler(event, context):\n    return 1\n", "s3fs\n")
    (repo / "template.yaml").write_text(SAM)
    _result, report = check_json(repo, index.url, tmp_path / "cache")
    rules = {f["rule"] for f in report["functions"][0]["findings"]}
    assert "partial-sdk-vendoring" not in rules
