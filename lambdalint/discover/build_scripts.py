"""Build scripts read as text, never run: which requirements they install into which folder.

Shell scripts (``*.sh``), Makefiles (recipe lines), GitHub Actions workflows (each step's
``run``) and CodeBuild ``buildspec.yml`` (``phases.*.commands``) are searched for
``pip install -r REQ -t DIR`` (words read by ``shell.py``). When REQ is not in the repository,
the ``poetry export``/``uv export``/``pip-compile``... that writes it in the same script says
what it holds. Scripts are not IaC: one that cannot be read is skipped without a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from lambdalint.diagnostics import locate, parse_error
from lambdalint.discover.base import (
    Discovery,
    TooLargeError,
    is_dir,
    is_file,
    read_capped,
    shown_path,
)
from lambdalint.discover.serverless_yaml import Node, load
from lambdalint.discover.shell import Export, Install, Shell, logical_lines
from lambdalint.model import Finding, Function, Layer, Location, PackageType, Severity

_MAKEFILES = frozenset({"Makefile", "makefile", "GNUmakefile"})
_MAKE_VAR = re.compile(r"([A-Za-z_][\w.-]*)\s*(?::{1,3}|\?|\+|!)?=\s*(.*)")
_MAKE_REF = re.compile(r"\$[({]([A-Za-z_][\w.-]*)[)}]")
_BUILDSPEC = re.compile(r"buildspec[\w.-]*\.ya?ml")
_BLOCK = re.compile(r"\s*-?\s*run\s*:\s*[|>]")
_WORKSPACE = re.compile(r"\$\{\{\s*github\.workspace\s*\}\}")
_WORDS = ("pip", "poetry", "uv ", "pdm")  # a script without any of these is not read further


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


def wants(path: Path) -> bool:
    """Shell scripts, Makefiles, GitHub workflows and CodeBuild buildspecs."""
    name, parent = path.name, path.parent
    if path.suffix in {".sh", ".bash", ".mk"} or name in _MAKEFILES:
        return True
    workflow = parent.name == "workflows" and parent.parent.name == ".github"
    return (workflow and path.suffix in {".yml", ".yaml"}) or bool(_BUILDSPEC.fullmatch(name))


def read_scripts(files: Sequence[Path], root: Path) -> tuple[ScriptInstall, ...]:
    """Every ``pip install -r ... -t ...`` in ``files``, in file and line order."""
    found: dict[tuple[Path, Path], ScriptInstall] = {}
    for path in files:
        try:
            text = read_capped(path, errors="replace")
        except (OSError, TooLargeError):
            continue
        if not any(word in text for word in _WORDS):
            continue
        for install in _installs(path, text, root):
            found.setdefault((install.requirements, install.target), install)
    return tuple(found.values())


def _installs(path: Path, text: str, root: Path) -> Iterator[ScriptInstall]:
    steps = list(_steps(path, text, root.resolve()))
    exports = {step.output: step for step in steps if isinstance(step, Export)}
    for step in steps:
        if not isinstance(step, Install) or step.target is None:
            continue
        for requirements in step.requirements:
            export = None if is_file(requirements) else exports.get(requirements)
            source = requirements if export is None else export.source
            yield ScriptInstall(
                requirements=requirements,
                target=step.target,
                location=locate(path, root, step.line),
                source=source if is_file(source) else None,
                exported=locate(path, root, export.line) if export else None,
            )


def _steps(path: Path, text: str, root: Path) -> Iterator[Install | Export]:
    """The installs and exports of one script, by the kind of file it is."""
    here = path.resolve().parent
    if path.suffix in {".yml", ".yaml"}:
        try:
            document = load(text)
        except Exception:  # noqa: BLE001 - PyYAML is imported lazily; any YAMLError
            return
        if isinstance(document, Node):
            lines = text.splitlines()
            read = _buildspec if _BUILDSPEC.fullmatch(path.name) else _workflow
            yield from read(document, lines, root)
    elif path.name in _MAKEFILES or path.suffix == ".mk":
        yield from _makefile(text, here)
    else:  # run from its own folder, or from the repository root as ``./scripts/build.sh``
        for start in dict.fromkeys((here, root)):
            yield from Shell(start, here=here).run(text)


def _makefile(text: str, here: Path) -> Iterator[Install | Export]:
    """Recipe lines (tab-indented), each in a shell of its own in the Makefile's folder."""
    variables: dict[str, str] = {}
    for number, line in logical_lines(text):
        if not line.startswith("\t"):
            if match := _MAKE_VAR.fullmatch(line.strip()):
                variables[match[1]] = _expand(match[2], variables)
            continue
        command = _expand(line.strip().lstrip("@-+"), variables).replace("$$", "$")
        yield from Shell(here, here=here).line(command, number)


def _expand(text: str, variables: dict[str, str]) -> str:
    """``$(NAME)`` and ``${NAME}`` from the Makefile's own assignments; others stay."""
    return _MAKE_REF.sub(lambda m: variables.get(m[1], m[0]), text)


def _workflow(document: Node, lines: list[str], root: Path) -> Iterator[Install | Export]:
    """Each step's ``run`` in the repository root (or its ``working-directory``)."""
    top = _run_defaults(document)
    for job in _nodes(document.get("jobs")):
        if not isinstance(job, Node):
            continue
        folder = _run_defaults(job) or top
        env = _env(document.get("env")) | _env(job.get("env"))
        for step in job.get("steps") or []:
            if not isinstance(step, Node) or not isinstance(run := step.get("run"), str):
                continue
            where = step.get("working-directory", folder)
            cwd = root / where if isinstance(where, str) and where else root
            line = step.at("run")
            first = (
                line + 1 if _BLOCK.match(lines[line - 1] if line <= len(lines) else "") else line
            )
            shell = Shell(cwd, env | _env(step.get("env")))
            yield from shell.run(_WORKSPACE.sub(root.as_posix(), run), first)


def _run_defaults(node: Node) -> str | None:
    defaults = node.get("defaults")
    run = defaults.get("run") if isinstance(defaults, Node) else None
    folder = run.get("working-directory") if isinstance(run, Node) else None
    return folder if isinstance(folder, str) else None


def _buildspec(document: Node, lines: list[str], root: Path) -> Iterator[Install | Export]:
    """``phases.<phase>.commands`` in order, one shell from the source root."""
    env = document.get("env")
    shell = Shell(root, _env(env.get("variables")) if isinstance(env, Node) else {})
    for phase in _nodes(document.get("phases")):
        if not isinstance(phase, Node) or not isinstance(phase.get("commands"), list):
            continue
        cursor = phase.at("commands")
        for command in phase["commands"]:
            if not isinstance(command, str):
                continue
            head = command.splitlines()[0] if command.strip() else command
            cursor = next(
                (i for i in range(cursor, len(lines) + 1) if head in lines[i - 1]), cursor
            )
            yield from shell.run(command, cursor)


def _nodes(value: object) -> list[object]:
    return list(value.values()) if isinstance(value, Node) else []


def _env(value: object) -> dict[str, str]:
    if not isinstance(value, Node):
        return {}
    return {k: str(v) for k, v in value.items() if isinstance(v, str | int | float)}


def apply(found: Discovery, installs: Sequence[ScriptInstall], root: Path) -> Discovery:
    """Layers and functions whose folder a script fills with ``pip install -t`` install it.

    A layer folder (or its ``python/``) counts; a function's own folder counts. A layer whose
    folder is missing, or is filled from a file the repository lacks, holds something
    lambdalint cannot see: it is dropped with a warning, so its functions are hedged.
    """
    layers: list[Layer] = []
    findings = list(found.findings)
    for layer in found.layers:
        folder = layer.content_dir
        install = None
        if folder is not None and not layer.builds_requirements:
            install = _into(installs, folder, folder / "python", layer=True)
        if install is not None and install.source is not None:
            built = replace(layer, builds_requirements=True, requirements_file=install.source)
            layers.append(replace(built, built_by=install.location))
        elif folder is not None and (install is not None or not is_dir(folder)):
            findings.append(_unknown_layer(layer, folder, install, root))
        else:
            layers.append(layer)
    functions = tuple(_function(fn, installs, root) for fn in found.functions)
    return Discovery(functions, tuple(layers), tuple(findings), found.claimed)


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
