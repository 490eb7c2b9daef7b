"""The read-only Lambda and EC2 calls of an audit, each turning a raw answer into plain data.

Every call runs in a worker thread with a client made beforehand (boto3 clients are thread
safe, sessions are not). A configuration is cut down to whitelisted fields the moment it
arrives, so environment variables and presigned URLs never travel further.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lambdalint.audit.deployed import DeployedLayer
from lambdalint.audit.sdk import AuditError, botocore_exceptions, client, error_code
from lambdalint.diagnostics import parse_error
from lambdalint.model import Finding, Location, Severity

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_SKIP_REGION = frozenset(
    {
        "AuthFailure",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "OptInRequired",
        "UnrecognizedClientException",
    }
)
_EXPIRED = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
_POLICY_HINT = "`lambdalint audit aws --print-iam-policy`"


@dataclass(slots=True)
class RegionListing:
    """One region's whitelisted configurations, or why it gave none (a note or a finding)."""

    name: str
    configs: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None
    problem: Finding | None = None


def regions(session: Any, chosen: Sequence[str], *, all_regions: bool) -> list[str]:  # noqa: ANN401
    """The regions to audit: the given ones, the account's enabled ones, or the profile's."""
    if all_regions:
        return _enabled_regions(session)
    names = list(dict.fromkeys(chosen))
    if not names and session.region_name:
        names = [session.region_name]
    if not names:
        raise AuditError("no AWS region: pass --region, --all-regions, or set AWS_REGION")
    for name in names:
        if not _REGION.match(name):
            raise AuditError(f"not an AWS region name: {name!r}")
    return names


def _enabled_regions(session: Any) -> list[str]:  # noqa: ANN401 -- a boto3 Session
    errors = botocore_exceptions()
    ec2 = client(session, "ec2", session.region_name or "us-east-1")
    try:
        answer = ec2.describe_regions(AllRegions=False)
    except errors.ClientError as error:
        raise AuditError(
            f"--all-regions needs ec2:DescribeRegions ({error_code(error)}); pass --region instead"
        ) from None
    except errors.BotoCoreError as error:
        raise AuditError(f"could not list the account's regions ({error_code(error)})") from None
    return sorted(r["RegionName"] for r in answer.get("Regions", ()))


def list_region(job: tuple[str, Any]) -> RegionListing:
    """``ListFunctions`` in one region: a skipped region is a note, a refusal a finding."""
    errors = botocore_exceptions()
    region, lambda_client = job
    result = RegionListing(region)
    try:
        for page in lambda_client.get_paginator("list_functions").paginate():
            result.configs += [whitelisted(c) for c in page.get("Functions", ())]
    except errors.ClientError as error:
        result.configs = []
        code = error_code(error)
        if code in _EXPIRED:
            raise AuditError(f"the AWS credentials have expired ({code}); refresh them") from None
        if code in _SKIP_REGION:
            result.note = (
                f"region {region} skipped ({code}): not enabled for this account, "
                "or the credentials are not valid there"
            )
        else:
            result.problem = parse_error(
                Location(f"aws://lambda/{region}"),
                f"could not list the functions of {region} ({code})",
                f"Grant lambda:ListFunctions (see {_POLICY_HINT}), then re-run.",
                severity=Severity.WARNING,
            )
    except (errors.ConnectionError, errors.HTTPClientError) as error:
        result.configs = []
        result.note = f"region {region} skipped: could not connect ({type(error).__name__})"
    return result


def whitelisted(raw: dict[str, Any]) -> dict[str, Any]:
    """The fields lambdalint reads from a configuration; never ``Environment`` or the rest."""
    image = (raw.get("ImageConfigResponse") or {}).get("ImageConfig") or {}
    return {
        "FunctionName": raw["FunctionName"],
        "FunctionArn": raw.get("FunctionArn", ""),
        "Runtime": raw.get("Runtime"),
        "Handler": raw.get("Handler"),
        "Architectures": tuple(raw.get("Architectures") or ("x86_64",)),
        "PackageType": raw.get("PackageType", "Zip"),
        "CodeSize": int(raw.get("CodeSize") or 0),
        "Layers": tuple(
            {"Arn": layer["Arn"], "CodeSize": layer.get("CodeSize")}
            for layer in raw.get("Layers") or ()
        ),
        "MemorySize": raw.get("MemorySize"),
        "Timeout": raw.get("Timeout"),
        "ImageCommand": " ".join([*image.get("EntryPoint", ()), *image.get("Command", ())]),
    }


def image_uri(job: tuple[Any, str]) -> tuple[str | None, str | None]:
    """(image URI, AWS error code) from ``GetFunction``; nothing else of the answer is kept."""
    errors = botocore_exceptions()
    lambda_client, name = job
    try:
        code = lambda_client.get_function(FunctionName=name).get("Code", {})
    except errors.ClientError as error:
        return None, error_code(error)
    return code.get("ImageUri"), None


def layer(job: tuple[Any, str]) -> DeployedLayer:
    """``GetLayerVersion`` called with the layer ARN: what ``GetLayerVersionByArn`` returns.

    Same IAM action (``lambda:GetLayerVersion``), and local emulators implement this one.
    """
    errors = botocore_exceptions()
    lambda_client, arn = job
    layer_arn, _, version = arn.rpartition(":")
    if not version.isdigit():
        return DeployedLayer(arn, None, error="not a layer version ARN")
    try:
        raw = lambda_client.get_layer_version(LayerName=layer_arn, VersionNumber=int(version))
    except errors.ClientError as error:
        return DeployedLayer(arn, None, error=error_code(error))
    return DeployedLayer(
        arn,
        raw.get("Content", {}).get("CodeSize"),
        tuple(raw.get("CompatibleRuntimes") or ()),
        tuple(raw.get("CompatibleArchitectures") or ()),
    )
