"""Where CI builds a Dockerfile, and with which ``--build-arg`` values (GitHub Actions).

A Dockerfile whose handler comes from a build ``ARG`` without a default makes one image per
value the build passes; a workflow matrix often builds it several times. Steps are read as
text, never run: ``docker/build-push-action`` (``context``, ``file``, ``build-args``) and
``docker build``/``docker buildx build`` in ``run``, each once per matrix combination.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lambdalint.diagnostics import locate
from lambdalint.discover.base import TooLargeError, read_capped
from lambdalint.discover.serverless_yaml import Node, load
from lambdalint.discover.shell import commands, logical_lines, split
from lambdalint.model import Location

_MATRIX = re.compile(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}")
_WORKSPACE = re.compile(r"\$\{\{\s*github\.workspace\s*\}\}/?")
_ACTION = "docker/build-push-action"
_MAX_COMBINATIONS = 64
_VALUED = frozenset({"-t", "--tag", "--platform", "--target", "-o", "--output", "--label"})


@dataclass(frozen=True, slots=True)
class DockerBuild:
    """One ``docker build`` of ``dockerfile`` (resolved) in ``context`` with ``args``."""

    dockerfile: Path
    context: Path
    args: tuple[tuple[str, str], ...]
    location: Location


def wants(path: Path) -> bool:
    """GitHub Actions workflow files."""
    parent = path.parent
    workflow = parent.name == "workflows" and parent.parent.name == ".github"
    return workflow and path.suffix in {".yml", ".yaml"}


def read_builds(files: Sequence[Path], root: Path) -> tuple[DockerBuild, ...]:
    """Every Docker build the workflows in ``files`` run; unreadable files are skipped."""
    found: dict[DockerBuild, None] = {}
    for path in files:
        try:
            text = read_capped(path, errors="replace")
        except (OSError, TooLargeError):
            continue
        if "docker" not in text:
            continue
        document = _load(text)
        if isinstance(document, Node):
            found.update(dict.fromkeys(_workflow(document, path, root)))
    return tuple(found)


def _load(text: str) -> object:
    """The YAML document, or None when it does not parse (a workflow is not IaC: no finding)."""
    try:
        return load(text)
    except Exception:  # noqa: BLE001 - PyYAML is imported lazily; any YAMLError
        return None


def _workflow(document: Node, path: Path, root: Path) -> Iterator[DockerBuild]:
    """Builds of one workflow; paths are relative to the checkout that holds ``.github/``."""
    checkout = path.resolve().parents[2]
    jobs = document.get("jobs")
    for job in jobs.values() if isinstance(jobs, Node) else ():
        if not isinstance(job, Node) or not isinstance(job.get("steps"), list):
            continue
        strategy = job.get("strategy")
        for matrix in _combinations(strategy.get("matrix") if isinstance(strategy, Node) else None):
            for step in job["steps"]:
                if isinstance(step, Node):
                    line = step.at("run") if "run" in step else step.line
                    yield from _step(step, matrix, checkout, locate(path, root, line))


def _step(step: Node, matrix: dict[str, str], root: Path, where: Location) -> Iterator[DockerBuild]:
    def text(value: object) -> str:
        expanded = _MATRIX.sub(lambda m: matrix.get(m[1], m[0]), str(value))
        return _WORKSPACE.sub("", expanded)

    uses, run = step.get("uses"), step.get("run")
    if isinstance(uses, str) and uses.startswith(_ACTION):
        given = step.get("with")
        options = {k: text(v) for k, v in given.items()} if isinstance(given, Node) else {}
        context = options.get("context", ".")
        file = options.get("file") or posixpath.join(context, "Dockerfile")
        lines = re.split(r"[\n,]", options.get("build-args", ""))
        yield _build(root, file, context, [a.strip() for a in lines if a.strip()], where)
    elif isinstance(run, str) and "docker" in run:
        for _number, line in logical_lines(text(run)):
            try:
                words = split(line)
            except ValueError:
                continue
            for command in commands(words):
                build = _docker_build(command, root, where)
                if build is not None:
                    yield build


def _docker_build(command: list[str], root: Path, where: Location) -> DockerBuild | None:
    """``docker [buildx] build [-f FILE] [--build-arg K=V]... CONTEXT`` in the repository root."""
    words = command[2:] if command[1:2] == ["buildx"] else command[1:]
    if command[:1] != ["docker"] or words[:1] != ["build"]:
        return None
    file, args, positional = None, list[str](), list[str]()
    rest = iter(words[1:])
    for word in rest:
        option, eq, value = word.partition("=")
        if option in {"-f", "--file", "--build-arg"} or option in _VALUED:
            value = value if eq else next(rest, "")
            if option == "--build-arg":
                args.append(value)
            elif option in {"-f", "--file"}:
                file = value
        elif not word.startswith("-"):
            positional.append(word)
    context = positional[-1] if positional else "."
    return _build(root, file or posixpath.join(context, "Dockerfile"), context, args, where)


def _build(root: Path, file: str, context: str, args: list[str], where: Location) -> DockerBuild:
    pairs = tuple(
        (k, v) for k, sep, v in (a.partition("=") for a in args) if sep and "${{" not in v
    )
    return DockerBuild(
        dockerfile=(root / file).resolve(),
        context=(root / context).resolve(),
        args=pairs,
        location=where,
    )


def _combinations(matrix: object) -> list[dict[str, str]]:
    """Each combination of a ``strategy.matrix`` (lists crossed, ``include`` entries added)."""
    if not isinstance(matrix, Node):
        return [{}]
    axes = {k: v for k, v in matrix.items() if isinstance(v, list)}
    axes.pop("include", None)
    axes.pop("exclude", None)
    names = list(axes)
    crossed = itertools.islice(itertools.product(*axes.values()), _MAX_COMBINATIONS)
    found = [dict(zip(names, map(str, values), strict=True)) for values in crossed] if axes else []
    extra = matrix.get("include")
    entries = [e for e in extra if isinstance(e, Node)] if isinstance(extra, list) else []
    found.extend({k: str(v) for k, v in entry.items()} for entry in entries)
    return found or [{}]
