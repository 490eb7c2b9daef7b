"""``lambdalint audit aws``: audit the Python functions deployed in a live AWS account.

Read-only: ``lambda:ListFunctions`` per region, ``lambda:GetLayerVersion`` once per attached
layer version, ``lambda:GetFunction`` for container-image functions only (their image URI),
``ec2:DescribeRegions`` for ``--all-regions`` (``iam-policy.json`` next to this module).
Calls run in a bounded thread pool with the SDK's standard retries (throttling backs off).

Secrets: a function's configuration carries its environment variables, and ``GetFunction``
a presigned URL; only whitelisted fields are kept (``api.whitelisted``), errors name AWS error
codes only, and the SDK's DEBUG logging is held at INFO while auditing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from lambdalint.audit import api
from lambdalint.audit.deployed import IMAGE_NOTE, DeployedFunction, DeployedLayer, function_report
from lambdalint.audit.sdk import (
    AuditError,
    SessionFactory,
    botocore_exceptions,
    client,
    make_session,
    sdk_debug_silenced,
)
from lambdalint.model import PackageType, Report

if TYPE_CHECKING:
    import datetime

__all__ = ["AuditError", "SessionFactory", "audit_account"]

Config = dict[str, Any]  # a whitelisted function configuration (api.whitelisted)
Selected = list[tuple[str, Config]]  # (region, configuration) of the functions to audit


def audit_account(
    *,
    regions: Sequence[str] | None,
    all_regions: bool,
    profile: str | None,
    functions: Sequence[str] = (),
    today: datetime.date,
    session_factory: SessionFactory | None = None,
    max_workers: int = 4,
) -> Report:
    """Audit every Python function of the account in the chosen regions (or only ``functions``).

    ``regions`` None or empty means the profile's region; ``functions`` holds names or ARNs.
    ``session_factory(profile)`` returns a boto3-like session (tests point it at an emulator).
    Raises ``AuditError`` when the audit cannot run at all (credentials, region, options).
    """
    if regions and all_regions:
        raise AuditError("use --region or --all-regions, not both")
    with sdk_debug_silenced():
        session = make_session(profile, session_factory)
        names = api.regions(session, regions or (), all_regions=all_regions)
        clients = {name: client(session, "lambda", name) for name in names}
        try:
            listed, wanted, uris, layers = _read(clients, functions, max_workers)
        except botocore_exceptions().BotoCoreError as error:  # no credentials, expired SSO …
            raise AuditError(f"AWS: {error}") from None
    deployed, notes = _deployed(wanted, uris, layers, named=bool(functions))
    reports = sorted((function_report(fn, today) for fn in deployed), key=lambda fr: fr.path)
    notes = [n for region in listed if (n := region.note)] + notes
    notes += _unmatched(listed, functions) + _skipped(listed, functions)
    if not reports:
        notes.append(f"no Python Lambda function found in {', '.join(names) or 'any region'}")
    problems = tuple(p for region in listed if (p := region.problem))
    return Report(functions=tuple(reports), findings=problems, notes=tuple(notes))


def _read(
    clients: dict[str, Any], functions: Sequence[str], max_workers: int
) -> tuple[
    list[api.RegionListing],
    Selected,
    dict[tuple[str, str], tuple[str | None, str | None]],
    dict[tuple[str, str], DeployedLayer],
]:
    """The API calls, in a bounded pool: list every region, then read images and layers."""
    with ThreadPoolExecutor(max_workers=max(1, max_workers)) as pool:
        listed = list(pool.map(api.list_region, clients.items()))
        wanted = _select(listed, functions)
        images = [(r, c["FunctionName"]) for r, c in wanted if c["PackageType"] == "Image"]
        image_jobs = [(clients[r], name) for r, name in images]
        uris = dict(zip(images, pool.map(api.image_uri, image_jobs), strict=True))
        arns = sorted({(r, layer["Arn"]) for r, c in wanted for layer in c["Layers"]})
        layer_jobs = [(clients[r], arn) for r, arn in arns]
        layers = dict(zip(arns, pool.map(api.layer, layer_jobs), strict=True))
    return listed, wanted, uris, layers


def _named(config: Config, wanted: set[str]) -> bool:
    return not wanted or bool({config["FunctionName"], config["FunctionArn"]} & wanted)


def _python_or_image(config: Config) -> bool:
    return config["PackageType"] == "Image" or (config["Runtime"] or "").startswith("python")


def _select(listed: list[api.RegionListing], functions: Sequence[str]) -> Selected:
    """Python zip functions and every image function (decided later), or only the named ones."""
    wanted = set(functions)
    return [
        (region.name, config)
        for region in listed
        for config in region.configs
        if _named(config, wanted) and _python_or_image(config)
    ]


def _deployed(
    wanted: Selected,
    uris: dict[tuple[str, str], tuple[str | None, str | None]],
    layers: dict[tuple[str, str], DeployedLayer],
    *,
    named: bool,
) -> tuple[list[DeployedFunction], list[str]]:
    """Typed records for the Python functions; images that do not look like Python are noted."""
    deployed, other_images = [], []
    for region, config in wanted:
        name = config["FunctionName"]
        uri, uri_error = uris.get((region, name), (None, None))
        image = config["PackageType"] == "Image"
        looks_python = "python" in f"{uri or ''} {config['ImageCommand']}".lower()
        if image and not (named or looks_python or uri_error):
            other_images.append(name)
            continue
        attached = tuple(
            _sized(layers[region, layer["Arn"]], layer["CodeSize"]) for layer in config["Layers"]
        )
        deployed.append(
            DeployedFunction(
                region=region,
                name=name,
                runtime=config["Runtime"],
                handler=config["Handler"],
                architecture=config["Architectures"][0],
                package_type=PackageType.IMAGE if image else PackageType.ZIP,
                code_size=config["CodeSize"],
                layers=attached,
                memory_mb=config["MemorySize"],
                timeout_s=config["Timeout"],
                image_uri=uri,
                errors=((f"the image URI of {name} (GetFunction)", uri_error),)
                if uri_error
                else (),
            )
        )
    notes = []
    if any(fn.package_type is PackageType.IMAGE for fn in deployed):
        notes.append(IMAGE_NOTE)
    if other_images:
        notes.append(
            f"skipped {len(other_images)} container-image function(s) whose image does not "
            f"look like Python: {', '.join(sorted(other_images))} (name them with --function)"
        )
    return deployed, notes


def _sized(layer: DeployedLayer, listed_size: int | None) -> DeployedLayer:
    """ListFunctions gives each layer's size too: keep it when the layer itself was unreadable."""
    if layer.code_size is None and listed_size is not None:
        return DeployedLayer(layer.arn, listed_size, error=layer.error)
    return layer


def _unmatched(listed: list[api.RegionListing], functions: Sequence[str]) -> list[str]:
    seen = {
        value
        for region in listed
        for config in region.configs
        for value in (config["FunctionName"], config["FunctionArn"])
    }
    where = ", ".join(region.name for region in listed)
    return [f"function {name}: not found in {where}" for name in functions if name not in seen]


def _skipped(listed: list[api.RegionListing], functions: Sequence[str]) -> list[str]:
    wanted = set(functions)
    other = Counter(
        config["Runtime"] or config["PackageType"]
        for region in listed
        for config in region.configs
        if _named(config, wanted) and not _python_or_image(config)
    )
    if not other:
        return []
    detail = ", ".join(f"{runtime} {count}" for runtime, count in sorted(other.items()))
    return [f"skipped {sum(other.values())} function(s) on other runtimes ({detail})"]
