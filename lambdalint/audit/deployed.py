"""Facts about deployed functions, as the Lambda API tells them, and the findings they raise.

Nothing here talks to AWS: ``aws.py`` fills these records, this module turns each into a
``FunctionReport``. The API reports zipped sizes only (``CodeSize``), never unzipped ones, so
the size finding is a lower bound; the runtime rules are the repository's own rules, run on
facts that hold no code.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from lambdalint.checks import deprecated_runtime, layer_limit, size_limit
from lambdalint.checks.base import FunctionFacts
from lambdalint.diagnostics import parse_error
from lambdalint.model import (
    Finding,
    Function,
    FunctionReport,
    Location,
    PackageType,
    Plan,
    Severity,
)
from lambdalint.read.imports import CodeScan
from lambdalint.resolve.mapping import ModuleMap
from lambdalint.resolve.sizes import UNZIPPED_LIMIT, ZIPPED_UPLOAD_LIMIT, mib
from lambdalint.resolve.target import Target
from lambdalint.runtime.model import (
    Runtime,
    UnknownRuntimeError,
    default_runtime_name,
    load_runtime,
)

NEAR_LIMIT = 0.8
IMAGE_NOTE = (
    "image functions: base image age not visible from the API unless the image URI tag "
    "says python:3.X"
)
_LAYER_ARN = re.compile(r":layer:([^:]+):(\d+)$")
_IMAGE_TAG = re.compile(r"python[:\-]?(3\.\d{1,2})(?!\d)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DeployedLayer:
    """A layer version attached to a function; ``error`` is the AWS error code when unreadable.

    ``compatible_runtimes`` is None when the layer could not be read, empty when it declares none.
    """

    arn: str
    code_size: int | None
    compatible_runtimes: tuple[str, ...] | None = None
    compatible_architectures: tuple[str, ...] | None = None
    error: str | None = None

    @property
    def name(self) -> str:
        """``name:version`` from the layer version ARN (the ARN itself when it has no layer)."""
        match = _LAYER_ARN.search(self.arn)
        return f"{match.group(1)}:{match.group(2)}" if match else self.arn


@dataclass(frozen=True, slots=True)
class DeployedFunction:
    """One function's configuration, limited to what lambdalint reads (never its environment).

    ``errors`` holds ``(what, AWS error code)`` for reads that failed (``GetFunction`` …).
    """

    region: str
    name: str
    runtime: str | None
    handler: str | None
    architecture: str
    package_type: PackageType
    code_size: int
    layers: tuple[DeployedLayer, ...] = ()
    memory_mb: int | None = None
    timeout_s: int | None = None
    image_uri: str | None = None
    errors: tuple[tuple[str, str], ...] = ()

    @property
    def path(self) -> str:
        """The virtual path the report shows: ``aws/<region>/<name>``."""
        return f"aws/{self.region}/{self.name}"

    @property
    def anchor(self) -> Location:
        """Where findings about this function point."""
        return Location(f"aws://lambda/{self.region}/{self.name}")


def image_runtime(image_uri: str | None) -> str | None:
    """``python3.X`` when the image URI says so (``…/python:3.12``, ``…:python3.12``)."""
    match = _IMAGE_TAG.search(image_uri or "")
    return f"python{match.group(1)}" if match else None


def function_report(fn: DeployedFunction, today: datetime.date) -> FunctionReport:
    """The report for one deployed function: runtime, layer and size findings, and a plan."""
    runtime_name = fn.runtime or image_runtime(fn.image_uri)
    function = _function(fn, runtime_name)
    findings = [
        parse_error(
            fn.anchor,
            f"could not read {what} ({code})",
            _ACCESS_FIX,
            function=fn.name,
            severity=Severity.WARNING,
        )
        for what, code in fn.errors
    ]
    findings += _layer_errors(fn)
    runtime = _runtime(runtime_name)
    if runtime is not None:
        facts = _facts(function, fn, runtime, today)
        findings += deprecated_runtime.RULE.run(facts) + layer_limit.RULE.run(facts)
    else:
        if runtime_name is not None:
            findings.append(_unknown_runtime(fn, runtime_name))
        placeholder = load_runtime(default_runtime_name())  # layer-limit reads only the function
        findings += layer_limit.RULE.run(_facts(function, fn, placeholder, today))
    if fn.package_type is PackageType.ZIP:
        findings += _size(fn)
    ordered = tuple(sorted(findings, key=Finding.sort_key))
    return FunctionReport(function=function, path=fn.path, findings=ordered, plan=_plan(fn))


_ACCESS_FIX = (
    "Grant the read-only permissions in `lambdalint audit aws --print-iam-policy`, then re-run."
)


def _function(fn: DeployedFunction, runtime: str | None) -> Function:
    notes = [f"layer {layer.name}: {note}" for layer in fn.layers for note in _compat(fn, layer)]
    if fn.package_type is PackageType.IMAGE:
        notes.append(IMAGE_NOTE)
        if fn.runtime is None and runtime is not None:
            notes.append(f"runtime {runtime} inferred from the image URI tag")
    return Function(
        name=fn.name,
        code_dir=Path(fn.path),
        discovered_by="aws",
        handler=fn.handler,
        handler_known=False,
        runtime=runtime,
        architecture=fn.architecture,
        layers=tuple(layer.arn for layer in fn.layers),
        package_type=fn.package_type,
        packaging=f"deployed ({fn.region})",
        source=fn.anchor,
        memory_mb=fn.memory_mb,
        timeout_s=fn.timeout_s,
        notes=tuple(notes),
    )


def _compat(fn: DeployedFunction, layer: DeployedLayer) -> list[str]:
    notes = []
    runtimes, arches = layer.compatible_runtimes, layer.compatible_architectures
    if runtimes and fn.runtime and fn.runtime not in runtimes:
        notes.append(f"declares compatible runtimes {', '.join(runtimes)}, not {fn.runtime}")
    if arches and fn.architecture not in arches:
        notes.append(f"declares architectures {', '.join(arches)}, not {fn.architecture}")
    return notes


def _runtime(name: str | None) -> Runtime | None:
    if name is None:
        return None
    try:
        return load_runtime(name)
    except UnknownRuntimeError:
        return None


def _facts(
    function: Function, fn: DeployedFunction, runtime: Runtime, today: datetime.date
) -> FunctionFacts:
    """Facts with no code: the runtime rules read only the function, its runtime and the date."""
    empty = CodeScan((), frozenset(), (), MappingProxyType({}), (), ())
    return FunctionFacts(
        function=function,
        path=fn.path,
        runtime=runtime,
        target=Target(runtime.python_version, fn.architecture),
        today=today,
        requirements=(),
        requirement_files=(),
        vendored=(),
        code=empty,
        modules=ModuleMap(runtime, (), ()),
        anchor=fn.anchor,
    )


def _unknown_runtime(fn: DeployedFunction, name: str) -> Finding:
    rule = deprecated_runtime.RULE
    return Finding(
        rule=rule.slug,
        code=rule.code,
        severity=Severity.INFO,
        message=f"{name} is not in lambdalint's runtime data: its lifecycle dates are unknown",
        fix="Update lambdalint (`lambdalint runtimes` lists the runtimes it knows).",
        location=fn.anchor,
        function=fn.name,
    )


def _layer_errors(fn: DeployedFunction) -> list[Finding]:
    return [
        parse_error(
            fn.anchor,
            f"could not read layer {layer.name} ({layer.error}); "
            "its compatible runtimes and architectures are unknown",
            _ACCESS_FIX,
            function=fn.name,
            severity=Severity.WARNING,
        )
        for layer in fn.layers
        if layer.error
    ]


def _size(fn: DeployedFunction) -> list[Finding]:
    """Zipped sizes are all the API gives: a lower bound of the unzipped size Lambda limits."""
    layers = sum(layer.code_size or 0 for layer in fn.layers)
    total = fn.code_size + layers
    at_least = (
        f"{fn.name} is at least {mib(total)} zipped (code {mib(fn.code_size)}, layers "
        f"{mib(layers)}), so at least that much unzipped"
    )
    found = []
    if total > UNZIPPED_LIMIT:
        message = f"{at_least}: over Lambda's {mib(UNZIPPED_LIMIT)} limit; the next deploy fails"
        fix = "Ship it as a container image (up to 10 GiB), or drop dependencies or layers."
        found.append(_size_finding(fn, Severity.ERROR, message, fix))
    elif total >= NEAR_LIMIT * UNZIPPED_LIMIT:
        share = total * 100 // UNZIPPED_LIMIT
        message = f"{at_least}: {share} % or more of Lambda's {mib(UNZIPPED_LIMIT)} limit"
        fix = "Measure the unzipped size (`lambdalint check` on the repository) before it grows."
        found.append(_size_finding(fn, Severity.WARNING, message, fix))
    if fn.code_size > ZIPPED_UPLOAD_LIMIT:
        message = (
            f"the function's zip is {mib(fn.code_size)}, over the {mib(ZIPPED_UPLOAD_LIMIT)} "
            "limit for a direct upload: it must be deployed through S3"
        )
        fix = "Keep deploying through S3, or move the dependencies into a layer."
        found.append(_size_finding(fn, Severity.INFO, message, fix))
    return found


def _size_finding(fn: DeployedFunction, severity: Severity, message: str, fix: str) -> Finding:
    rule = size_limit.RULE
    return Finding(rule.slug, rule.code, severity, message, fix, fn.anchor, fn.name)


def _plan(fn: DeployedFunction) -> Plan:
    if fn.package_type is PackageType.IMAGE:
        return Plan(
            strategy="none",
            reason="deployed container image: the API reports no size for it, "
            "and lambdalint did not read its code",
        )
    breakdown = [("function code", fn.code_size)]
    breakdown += [(layer.name, layer.code_size) for layer in fn.layers if layer.code_size]
    layers = sum(size for _name, size in breakdown[1:])
    return Plan(
        strategy="none",
        zipped_bytes=fn.code_size,
        reason=f"deployed: {mib(fn.code_size)} of zipped code and {mib(layers)} of zipped "
        "layers, as Lambda reports them (unzipped is at least that); "
        "lambdalint did not read the code",
        breakdown=tuple(breakdown),
    )
