"""``lambdalint inspect``: audit a built function zip, layer zip, build folder or image tar.

It reads the artifact as it will be deployed, never extracts or executes it, and reports
compiled code that cannot load on the target, SDK copies, layout mistakes and sizes.
"""

from __future__ import annotations

import tarfile
import zipfile
from contextlib import closing
from pathlib import Path

from lambdalint.diagnostics import parse_error, relative
from lambdalint.inspect.artifact import Artifact, DirArtifact, Limits, Problem, ZipArtifact
from lambdalint.inspect.checks import ABI_MISMATCH, GLIBC_TOO_NEW, WRONG_PLATFORM_BINARY
from lambdalint.inspect.facts import ArtifactFacts, breakdown, gather
from lambdalint.inspect.image import ImageArtifact, is_image_tar
from lambdalint.inspect.layout_checks import (
    MISPLACED_LAYER_LAYOUT,
    PARTIAL_SDK_VENDORING,
    SHADOWED_RUNTIME_PACKAGE,
    SIZE_LIMIT,
    STALE_BYTECODE,
)
from lambdalint.inspect.rule import ArtifactRule
from lambdalint.model import (
    Finding,
    Function,
    FunctionReport,
    Location,
    PackageType,
    Plan,
    Report,
    Severity,
)
from lambdalint.runtime.model import load_runtime

ARTIFACT_RULES: tuple[ArtifactRule, ...] = (
    WRONG_PLATFORM_BINARY,
    SIZE_LIMIT,
    GLIBC_TOO_NEW,
    ABI_MISMATCH,
    SHADOWED_RUNTIME_PACKAGE,
    PARTIAL_SDK_VENDORING,
    MISPLACED_LAYER_LAYOUT,
    STALE_BYTECODE,
)

__all__ = ["ARTIFACT_RULES", "ArtifactFacts", "ArtifactRule", "Limits", "inspect_artifact"]

_OPEN_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, OSError, ValueError)
_SKIPPED_FIX = "Rebuild the artifact with standard tools; lambdalint skipped this entry."


def open_artifact(path: Path, limits: Limits) -> Artifact:
    """The reader for ``path``: a directory, a zip, or an image tar; raises when unreadable."""
    if path.is_dir():
        return DirArtifact(path, limits)
    if not zipfile.is_zipfile(path) and (path.suffix == ".tar" or is_image_tar(path)):
        return ImageArtifact(path, limits)
    return ZipArtifact(path, limits)


def inspect_artifact(
    path: Path,
    *,
    runtime: str,
    architecture: str,
    root: Path,
    layer: bool | None = None,
    limits: Limits | None = None,
) -> Report:
    """Audit one built artifact for ``runtime`` on ``architecture``; one FunctionReport."""
    target = load_runtime(runtime)
    limits = limits or Limits()
    label = relative(path, root)
    try:
        artifact = open_artifact(path, limits)
    except _OPEN_ERRORS as error:
        finding = parse_error(
            Location(label),
            f"cannot read {path.name} as a zip, folder or image tar: {error}",
            "Rebuild the artifact; it is corrupt or truncated.",
            function=path.name,
        )
        kind = "image tar" if path.suffix == ".tar" else "zip"
        return _report(
            path,
            label=label,
            runtime=target.name,
            architecture=architecture,
            kind=kind,
            findings=(finding,),
            plan=Plan("none"),
        )
    with closing(artifact):
        is_layer = _is_layer(artifact, layer)
        facts, read_problems = gather(
            artifact,
            label=label,
            layer=is_layer,
            runtime=target,
            architecture=architecture,
            limits=limits,
        )
        problems = (*artifact.problems, *read_problems)
    findings = [_problem(facts, p) for p in problems]
    for rule in ARTIFACT_RULES:
        findings += rule.run(facts)
    plan = Plan(
        strategy="none",
        zipped_bytes=facts.zipped_bytes,
        unzipped_bytes=facts.unzipped_bytes,
        reason="built artifact: inspected as it will be deployed",
        breakdown=breakdown(facts),
    )
    ordered = tuple(sorted(findings, key=Finding.sort_key))
    notes = ("inspected as a layer: python/ becomes /opt/python",) if is_layer else ()
    return _report(
        path,
        label=label,
        runtime=target.name,
        architecture=architecture,
        kind=artifact.kind,
        findings=ordered,
        plan=plan,
        notes=notes,
    )


def _is_layer(artifact: Artifact, layer: bool | None) -> bool:
    """A layer when told so, or when it has a top-level python/ and no top-level module."""
    if artifact.kind == "image tar":
        return False
    if layer is not None:
        return layer
    paths = [e.path for e in artifact.entries]
    has_python = any(p.startswith("python/") for p in paths)
    return has_python and not any("/" not in p and p.endswith(".py") for p in paths)


def _problem(facts: ArtifactFacts, problem: Problem) -> Finding:
    return parse_error(
        facts.where(problem.path),
        problem.message,
        _SKIPPED_FIX,
        function=facts.label.rsplit("/", 1)[-1],
        severity=Severity(problem.severity),
    )


def _report(
    path: Path,
    *,
    label: str,
    runtime: str,
    architecture: str,
    kind: str,
    findings: tuple[Finding, ...],
    plan: Plan,
    notes: tuple[str, ...] = (),
) -> Report:
    function = Function(
        name=path.name,
        code_dir=path,
        discovered_by="inspect",
        runtime=runtime,
        architecture=architecture,
        package_type=PackageType.IMAGE if kind == "image tar" else PackageType.ZIP,
        packaging=f"built artifact ({kind})",
        notes=notes,
    )
    return Report(functions=(FunctionReport(function, label, findings, plan),))
