"""What a layer defined in the repository puts on ``sys.path`` under ``/opt/python``.

A layer zipped as-is provides the packages in its ``python/`` (or
``python/lib/python3.X/site-packages/``) folder; a layer whose build installs a
requirements file provides those requirements.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lambdalint.diagnostics import parse_error
from lambdalint.model import Finding, ImportRef, Layer, Requirement, Severity, VendoredDist
from lambdalint.read.imports import scan_code
from lambdalint.read.requirements import (
    RequirementsResult,
    parse_requirements_file,
    read_requirements,
)
from lambdalint.read.vendored import scan_vendored

if TYPE_CHECKING:
    from lambdalint.inspect.layer_zip import LayerZip


@dataclass(frozen=True, slots=True)
class LayerContents:
    """The importable names, installed distributions and requirements of one layer.

    ``imports`` are what the layer's own code imports (a module the function imports may need
    them at run time); ``uninstalled`` are requirements a layer zipped as is only ships as a
    file; ``archive`` is the read of a layer zip in the checkout, for the artifact rules.
    """

    layer: Layer
    modules: frozenset[str]
    dists: tuple[VendoredDist, ...]
    requirements: tuple[Requirement, ...]
    findings: tuple[Finding, ...]
    imports: tuple[ImportRef, ...] = ()
    uninstalled: tuple[Requirement, ...] = ()
    archive: LayerZip | None = None


def read_layer(layer: Layer, root: Path, python: tuple[int, int]) -> LayerContents:
    """Read a repository layer for a function on Python ``python``.

    A layer a build script fills (``built_by``) may also hold committed code in ``python/``;
    SAM's ``BuildMethod`` copies the whole folder into ``python/`` before installing. A layer
    zip in the checkout provides what it holds; its distributions are the artifact rules' to
    judge, so none is listed here.
    """
    if layer.archive is not None:
        # Imported here: only repositories with a layer zip pay for it (and it imports rules).
        from lambdalint.inspect.layer_zip import read_layer_zip  # noqa: PLC0415

        read = read_layer_zip(layer.archive, root, python)
        return LayerContents(layer, read.modules, (), (), read.problems, archive=read)
    folder = layer.content_dir
    if layer.builds_requirements:
        if layer.requirements_file:
            result = parse_requirements_file(layer.requirements_file, root)
        elif folder is not None and folder.is_dir():
            result = read_requirements(folder, root)
        else:
            result = RequirementsResult()
        found = (*result.findings, *_nothing_read(layer, result.requirements))
        if folder is not None and layer.copies_content:
            code = _shipped(layer, root, python, (folder,))
        elif folder is not None and layer.built_by is not None:
            code = _shipped(layer, root, python, _python_folders(folder, python))
        else:
            code = LayerContents(layer, frozenset(), (), (), ())
        return replace(code, requirements=result.requirements, findings=code.findings + found)
    if folder is None or not folder.is_dir():
        return LayerContents(layer, frozenset(), (), (), ())
    shipped = _shipped(layer, root, python, _python_folders(folder, python))
    if not layer.zipped_as_is:
        return shipped
    files = [read_requirements(f, root) for f in (folder, folder / "python") if f.is_dir()]
    uninstalled = tuple(r for result in files for r in result.requirements)
    findings = shipped.findings + tuple(f for result in files for f in result.findings)
    return replace(shipped, uninstalled=uninstalled, findings=findings)


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


def _python_folders(folder: Path, python: tuple[int, int]) -> tuple[Path, ...]:
    """Where a zipped layer's importable code sits: ``python/`` and its site-packages."""
    major, minor = python
    return (
        folder / "python",
        folder / "python" / "lib" / f"python{major}.{minor}" / "site-packages",
    )


def _shipped(
    layer: Layer, root: Path, python: tuple[int, int], folders: tuple[Path, ...]
) -> LayerContents:
    """What ``folders`` (the layer's ``/opt/python`` as it is zipped) hold."""
    modules: set[str] = set()
    dists: list[VendoredDist] = []
    findings: list[Finding] = []
    imports: list[ImportRef] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        scan = scan_vendored(folder, root)
        dists.extend(scan.dists)
        findings.extend(scan.findings)
        modules |= scan.modules | _importable(folder)
        code = scan_code(folder, root, python, skip=scan.modules | {"lib"})
        imports.extend(ref for ref in code.imports if ref.root not in modules)
    return LayerContents(
        layer, frozenset(modules), tuple(dists), (), tuple(findings), tuple(imports)
    )


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
