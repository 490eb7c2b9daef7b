"""What a layer defined in the repository puts on ``sys.path`` under ``/opt/python``.

A layer zipped as-is provides the packages in its ``python/`` (or
``python/lib/python3.X/site-packages/``) folder; a layer whose build installs a
requirements file provides those requirements.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lambdalint.model import Finding, Layer, Requirement, VendoredDist
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
    """Read a repository layer for a function on Python ``python``."""
    if layer.content_dir is None or not layer.content_dir.is_dir():
        return LayerContents(layer, frozenset(), (), (), ())
    if layer.builds_requirements:
        result = (
            parse_requirements_file(layer.requirements_file, root)
            if layer.requirements_file
            else read_requirements(layer.content_dir, root)
        )
        return LayerContents(layer, frozenset(), (), result.requirements, result.findings)
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
