"""Build scripts by kind, read as shell words, never run: their installs, exports and zips.

Shell scripts (run from their folder or the repository root), Makefile recipe lines, GitHub
Actions steps (``run``), CodeBuild ``phases.*.commands`` (of a buildspec file, or the
``Source.BuildSpec`` text of a CloudFormation ``AWS::CodeBuild::Project``) and task runners
(``task_runners.py``). ``build_scripts.py`` says what the steps mean for layers and functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from lambdalint.discover import task_runners
from lambdalint.discover.base import MAX_BYTES
from lambdalint.discover.cfn_loader import TemplateError, load_with_lines
from lambdalint.discover.cfn_yaml import Template, mapping
from lambdalint.discover.sam_code import sub_text
from lambdalint.discover.serverless_yaml import Node, load
from lambdalint.discover.shell import Shell, Step, logical_lines

MAKEFILES = frozenset({"Makefile", "makefile", "GNUmakefile"})
_MAKE_VAR = re.compile(r"([A-Za-z_][\w.-]*)\s*(?::{1,3}|\?|\+|!)?=\s*(.*)")
_MAKE_REF = re.compile(r"\$[({]([A-Za-z_][\w.-]*)[)}]")
BUILDSPEC = re.compile(r"buildspec[\w.-]*\.ya?ml")
_BLOCK = re.compile(r"\s*-?\s*run\s*:\s*[|>]")
_WORKSPACE = re.compile(r"\$\{\{\s*github\.workspace\s*\}\}")
_CODEBUILD = "AWS::CodeBuild::Project"
_TEMPLATES = frozenset({".yaml", ".yml", ".json", ".template"})


def wants(path: Path) -> bool:
    """Shell scripts, Makefiles, GitHub workflows, CodeBuild buildspecs and task runners."""
    name = path.name
    if path.suffix in {".sh", ".bash", ".mk"} or name in MAKEFILES or task_runners.wants(path):
        return True
    return _script_yaml(path) or _builds_code(path)


def _script_yaml(path: Path) -> bool:
    """A GitHub workflow or a CodeBuild buildspec file."""
    parent = path.parent
    workflow = parent.name == "workflows" and parent.parent.name == ".github"
    return (workflow and path.suffix in {".yml", ".yaml"}) or bool(BUILDSPEC.fullmatch(path.name))


def _builds_code(path: Path) -> bool:
    """A CloudFormation template with a CodeBuild project (its buildspec may be inline)."""
    if path.suffix.lower() not in _TEMPLATES:
        return False
    try:
        with path.open("rb") as handle:
            return _CODEBUILD.encode() in handle.read(MAX_BYTES)
    except OSError:
        return False


def steps(path: Path, text: str, root: Path) -> Iterator[Step]:
    """The installs and exports of one script, by the kind of file it is."""
    here = path.resolve().parent
    if task_runners.wants(path):
        yield from task_runners.steps(path, text)
    elif _script_yaml(path):
        try:
            document = load(text)
        except Exception:  # noqa: BLE001 - PyYAML is imported lazily; any YAMLError
            return
        if isinstance(document, Node):
            lines = text.splitlines()
            read = _buildspec if BUILDSPEC.fullmatch(path.name) else _workflow
            yield from read(document, lines, root)
    elif path.suffix.lower() in _TEMPLATES:
        yield from _template_buildspecs(path, text, root)
    elif path.name in MAKEFILES or path.suffix == ".mk":
        yield from _makefile(text, here)
    else:  # run from its own folder, or from the repository root as ``./scripts/build.sh``
        for start in dict.fromkeys((here, root)):
            yield from Shell(start, here=here).run(text)


def _makefile(text: str, here: Path) -> Iterator[Step]:
    """Recipe lines (tab-indented), each in a shell of its own in the Makefile's folder.

    ``sam build`` runs a ``BuildMethod: makefile`` Makefile from the CodeUri/ContentUri folder
    with ``ARTIFACTS_DIR`` naming what gets deployed: that folder, as lambdalint models it.
    """
    variables: dict[str, str] = {"ARTIFACTS_DIR": here.as_posix()}
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


def _workflow(document: Node, lines: list[str], root: Path) -> Iterator[Step]:
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


def _template_buildspecs(path: Path, text: str, root: Path) -> Iterator[Step]:
    """The ``Source.BuildSpec`` text (``!Sub`` filled in) of each CodeBuild project.

    It runs from the project's source, taken to be this repository (read from the repository
    root and, like a shell script, from the template's folder); a ``git clone`` of the source's
    own ``Location`` is that folder again. Lines are the template's.
    """
    try:
        data, lines = load_with_lines(text)
    except TemplateError:
        return
    tpl = Template(path, root, data if isinstance(data, dict) else {}, lines)
    for resource in tpl.resources.values():
        if mapping(resource).get("Type") != _CODEBUILD:
            continue
        source = mapping(mapping(resource.get("Properties")).get("Source"))
        spec = source.get("BuildSpec")
        spec = spec if isinstance(spec, str) else sub_text(tpl, spec)
        try:
            document = load(spec) if spec and "\n" in spec.strip() else None  # else a file name
        except Exception:  # noqa: BLE001, S112 - PyYAML is imported lazily; any YAMLError
            continue
        if not isinstance(document, Node) or spec is None:
            continue
        location, ref = source.get("Location"), mapping(source.get("Location")).get("Ref")
        origins = {tpl.literal(location), f"${{{ref}}}" if isinstance(ref, str) else None}
        at = tpl.where(source, "BuildSpec").line or 1
        offset = _offset(text.splitlines(), spec.splitlines()[0].strip(), at)
        for start in dict.fromkeys((root, path.resolve().parent)):
            clones = {origin: start for origin in origins if origin}
            for step in _buildspec(document, spec.splitlines(), start, clones):
                yield replace(step, line=at if offset is None else step.line + offset)


def _offset(lines: list[str], first: str, at: int) -> int | None:
    """How far below the template's top the buildspec text starts (None: on one line, JSON)."""
    for index in range(at - 1, min(at + 2, len(lines))):
        if lines[index].strip() == first and first:
            return index
    return None


def _buildspec(
    document: Node, lines: list[str], root: Path, clones: dict[str, Path] | None = None
) -> Iterator[Step]:
    """``phases.<phase>.commands`` in order, one shell from the source root."""
    env = document.get("env")
    variables = _env(env.get("variables")) if isinstance(env, Node) else {}
    shell = Shell(root, variables, clones=clones or {})
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
