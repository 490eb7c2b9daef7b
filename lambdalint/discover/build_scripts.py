"""Build scripts read as text, never run: which requirements they install into which folder.

Shell scripts (``*.sh``), Makefiles (recipe lines), GitHub Actions workflows (each step's
``run``), CodeBuild ``buildspec.yml`` (``phases.*.commands``) and task runners
(``task_runners.py``) are searched for ``pip install -r REQ -t DIR`` (words read by
``shell.py``). When REQ is not in the repository, the ``poetry export``/``uv export``/
``pip-compile``... that writes it in the same script says what it holds; an export no script
installs writes the file a build reads itself (``sam build`` and ``src/requirements.txt``).
Scripts are not IaC: one that cannot be read is skipped without a finding.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from lambdalint.diagnostics import locate, parse_error
from lambdalint.discover import script_readers, script_zips
from lambdalint.discover.base import (
    Discovery,
    TooLargeError,
    is_dir,
    is_file,
    read_capped,
    shown_path,
)
from lambdalint.discover.manifests import REQUIREMENTS
from lambdalint.discover.script_zips import ScriptZip
from lambdalint.discover.shell import Export, Install, Zip
from lambdalint.model import Finding, Function, Layer, Location, PackageType, Severity

_WORDS = ("pip", "poetry", "uv ", "pdm", "zip")  # a script without any of these is not read


@dataclass(frozen=True, slots=True)
class ScriptInstall:
    """A script line that installs ``requirements`` into ``target``.

    ``source`` is the file whose dependencies end up installed: ``requirements`` itself, or
    the pyproject.toml (or ``.in`` file) an export in the same script writes it from; None when
    neither is in the repository. ``exported`` is where that export is.
    """

    requirements: Path
    target: Path
    location: Location
    source: Path | None
    exported: Location | None = None

    def describe(self, root: Path) -> str:
        """``scripts.sh:6 pip install -r requirements.txt (written by scripts.sh:1) -t deps``."""
        where = f"{self.location.file}:{self.location.line}"
        req = locate(self.requirements, root).file
        made = f" (written by {self.exported.file}:{self.exported.line})" if self.exported else ""
        return f"{where} pip install -r {req}{made} -t {locate(self.target, root).file}"


@dataclass(frozen=True, slots=True)
class ScriptExport:
    """A script line that writes the requirements file ``output`` from ``source``."""

    output: Path
    source: Path
    location: Location


def wants(path: Path) -> bool:
    """Shell scripts, Makefiles, GitHub workflows, CodeBuild buildspecs and task runners."""
    return script_readers.wants(path)


Step = ScriptInstall | ScriptExport | ScriptZip


def read_scripts(files: Sequence[Path], root: Path) -> tuple[Step, ...]:
    """Every ``pip install -r ... -t ...`` in ``files`` (file, line order), exports, zips."""
    found: dict[tuple[Path, Path], ScriptInstall] = {}
    written: dict[Path, ScriptExport] = {}
    zips: dict[ScriptZip, None] = {}
    for path in files:
        try:
            text = read_capped(path, errors="replace")
        except (OSError, TooLargeError):
            continue
        if not any(word in text for word in _WORDS):
            continue
        for step in _installs(path, text, root):
            if isinstance(step, ScriptExport):
                written.setdefault(step.output, step)
            elif isinstance(step, ScriptZip):
                zips[step] = None
            else:
                found.setdefault((step.requirements, step.target), step)
    return (*found.values(), *written.values(), *zips)


def _installs(path: Path, text: str, root: Path) -> Iterator[Step]:
    steps = list(script_readers.steps(path, text, root.resolve()))
    exports = {step.output: step for step in steps if isinstance(step, Export)}
    for written in exports.values():
        yield ScriptExport(written.output, written.source, locate(path, root, written.line))
    installs: list[ScriptInstall] = []
    for step in steps:
        if isinstance(step, Zip):
            yield script_zips.script_zip(step, installs, locate(path, root, step.line))
        if not isinstance(step, Install) or step.target is None:
            continue
        for requirements in step.requirements:
            export = None if is_file(requirements) else exports.get(requirements)
            source = requirements if export is None else export.source
            installs.append(
                ScriptInstall(
                    requirements=requirements,
                    target=step.target,
                    location=locate(path, root, step.line),
                    source=source if is_file(source) else None,
                    exported=locate(path, root, export.line) if export else None,
                )
            )
            yield installs[-1]


def apply(found: Discovery, steps: Sequence[Step], root: Path) -> Discovery:
    """Layers and functions whose folder a script fills with ``pip install -t`` install it.

    A layer folder (or its ``python/``) counts; a function's own folder counts. A layer whose
    folder is missing, or is filled from a file the repository lacks, holds something
    lambdalint cannot see: it is dropped with a warning, so its functions are hedged. A
    requirements file a script exports into a folder is read from what it is exported from.
    A zip the IaC deploys from elsewhere is read from the script that writes it, if one does.
    """
    zips = [step for step in steps if isinstance(step, ScriptZip)]
    found += script_zips.resolve(found.artifacts, zips)
    installs = [step for step in steps if isinstance(step, ScriptInstall)]
    exports = {step.output.resolve(): step for step in steps if isinstance(step, ScriptExport)}
    layers: list[Layer] = []
    findings = list(found.findings)
    for layer in found.layers:
        folder = layer.content_dir
        install = None
        export = exports.get((folder / REQUIREMENTS).resolve()) if folder is not None else None
        if layer.builds_requirements and not layer.requirements_file and export is not None:
            layer = replace(layer, requirements_file=export.source)  # noqa: PLW2901
        if folder is not None and not layer.builds_requirements:
            install = _into(installs, folder, folder / "python", layer=True)
        if install is not None and install.source is not None:
            built = replace(layer, builds_requirements=True, requirements_file=install.source)
            layers.append(replace(built, built_by=install.location))
        elif folder is not None and (install is not None or not is_dir(folder)):
            findings.append(_unknown_layer(layer, folder, install, root))
        else:
            layers.append(layer)
    functions = tuple(
        _function(_exported(fn, exports, root), installs, root) for fn in found.functions
    )
    return Discovery(functions, tuple(layers), tuple(findings), found.claimed)


def _exported(function: Function, exports: dict[Path, ScriptExport], root: Path) -> Function:
    """``function`` reading the requirements file a script writes into its folder for the build.

    A build that reads ``requirements.txt`` (``sam build``) then installs it.
    """
    target = function.code_dir / REQUIREMENTS
    export = exports.get(target.resolve())
    if export is None or function.inline_code or function.package_type is PackageType.IMAGE:
        return function
    if function.requirements_file or is_file(target) or not is_file(export.source):
        return function
    reads = function.installs_only is not None and REQUIREMENTS in function.installs_only
    where = f"{export.location.file}:{export.location.line}"
    note = (
        f"{shown_path(target, root)} is written by {where} from {shown_path(export.source, root)}"
    )
    return replace(
        function,
        requirements_file=export.source,
        installs_requirements=True if reads else function.installs_requirements,
        installs_only=None if reads else function.installs_only,
        notes=(*function.notes, note),
    )


def _function(function: Function, installs: Sequence[ScriptInstall], root: Path) -> Function:
    """``function`` with the requirements a script installs into its folder, if one does."""
    if function.installs_requirements or function.package_type is PackageType.IMAGE:
        return function
    install = None if function.inline_code else _into(installs, function.code_dir)
    if install is None:
        return function
    where = f"{install.location.file}:{install.location.line}"
    return replace(
        function,
        installs_requirements=True,
        requirements_file=install.source or function.requirements_file,
        packaging=f"{function.packaging} + build script {where}",
        built_by=install.location,
        notes=(*function.notes, f"requirements installed by {install.describe(root)}"),
    )


def _into(
    installs: Sequence[ScriptInstall], *folders: Path, layer: bool = False
) -> ScriptInstall | None:
    """The install whose target is one of ``folders`` (a layer's ``python/lib/python3.X/...``)."""
    wanted = {f.resolve() for f in folders}
    for install in installs:
        target = install.target.resolve()
        if layer and target.match("python/lib/python3*/site-packages"):
            target = target.parents[2]
        if target in wanted:
            return install
    return None


def _unknown_layer(
    layer: Layer, folder: Path, install: ScriptInstall | None, root: Path
) -> Finding:
    where = Location(layer.source.file, layer.source.line) if layer.source else locate(folder, root)
    shown = shown_path(folder, root)
    if install is None:
        message = f"layer {layer.name}: folder '{shown}' is missing and no build script fills it"
        fix = "Commit the folder, or build it with a script lambdalint reads (pip install -t)."
    else:
        req = shown_path(install.requirements, root)
        message = (
            f"layer {layer.name}: {install.location.file}:{install.location.line} installs {req}"
            f" into '{shown}', but {req} is not in the repository; its contents are unknown"
        )
        fix = "Commit the requirements file, or write it with poetry/uv/pdm export in the script."
    return parse_error(where, message, fix, severity=Severity.WARNING)
