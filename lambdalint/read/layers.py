"""What a layer defined in the repository puts on ``sys.path`` under ``/opt/python``.

A layer zipped as-is provides the packages in its ``python/`` (or
``python/lib/python3.X/site-packages/``) folder; a layer whose build installs a
requirements file provides those requirements.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from lambdalint.diagnostics import parse_error
from lambdalint.model import Finding, Layer, Requirement, Severity, VendoredDist
from lambdalint.read.requirements import parse_requirements_file, read_requirements
from lambdalint.read.vendored import scan_vendored


@dataclass(frozen=True, slots=True)
class LayerContents:
    """The importable names, installed distributions and requirements of one layer."""

    layer: Layer
    modules: frozenset[str]
    dists: tuple[VendoredDist, ...]
    requirements: tuple[Requirement, ...]
    findings: tuple[Finding, ...]


def read_layer(layer: Layer, root: Path, python: tuple[int, int]) -> LayerContents:
    """Read a repository layer for a function on Python ``python``.

    A layer a build script fills (``built_by``) may also hold committed code in ``python/``.
    """
    if layer.builds_requirements and layer.requirements_file:
        result = parse_requirements_file(layer.requirements_file, root)
        found = (*result.findings, *_nothing_read(layer, result.requirements))
        if layer.built_by is None or layer.content_dir is None:
            return LayerContents(layer, frozenset(), (), result.requirements, found)
        shipped = _shipped(layer, root, python)
        return replace(shipped, requirements=result.requirements, findings=shipped.findings + found)
    if layer.content_dir is None or not layer.content_dir.is_dir():
        return LayerContents(layer, frozenset(), (), (), ())
    if layer.builds_requirements:
        result = read_requirements(layer.content_dir, root)
        return LayerContents(layer, frozenset(), (), result.requirements, result.findings)
    return _shipped(layer, root, python)


def _nothing_read(layer: Layer, requirements: tuple[Requirement, ...]) -> tuple[Finding, ...]:
    """A warning when a build script installs a file lambdalint found no dependency in."""
    if requirements or layer.built_by is None or layer.requirements_file is None:
        return ()
    where, name = layer.built_by, layer.requirements_file.name
    message = (
        f"layer {layer.name}: {where.file}:{where.line} installs the dependencies of {name}, "
        f"but lambdalint read none from it; the layer may provide more than it can tell"
    )
    fix = "List the dependencies where lambdalint reads them ([project] dependencies)."
    return (parse_error(where, message, fix, severity=Severity.WARNING),)


def _shipped(layer: Layer, root: Path, python: tuple[int, int]) -> LayerContents:
    """What the layer's ``python/`` folder (or its site-packages) holds as it is zipped."""
    if layer.content_dir is None or not layer.content_dir.is_dir():
        return LayerContents(layer, frozenset(), (), (), ())
    modules: set[str] = set()
    dists: list[VendoredDist] = []
    findings: list[Finding] = []
    major, minor = python
    for folder in (
        layer.content_dir / "python",
        layer.content_dir / "python" / "lib" / f"python{major}.{minor}" / "site-packages",
    ):
        if not folder.is_dir():
            continue
        scan = scan_vendored(folder, root)
        dists.extend(scan.dists)
        findings.extend(scan.findings)
        modules |= scan.modules | _importable(folder)
    return LayerContents(layer, frozenset(modules), tuple(dists), (), tuple(findings))


def _importable(folder: Path) -> set[str]:
    names: set[str] = set()
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name.isidentifier() and entry.name != "lib":
            names.add(entry.name)
        elif entry.suffix == ".py" and entry.stem.isidentifier():
            names.add(entry.stem)
        elif entry.suffix in {".so", ".pyd"}:
            names.add(entry.name.split(".", 1)[0])
    return names
