"""Pipeline stage: discover. Every Lambda Python function in the scanned paths, as deployed.

One walk of the tree (honouring ``.gitignore``, except for files git tracks) feeds every IaC
source; build scripts outside the IaC then say which layer and function folders they fill with
``pip install -t``; functions declared in the config win over all. Folders that look like
functions are found by convention, except inside a project whose IaC or config declares
functions (the folder holding the declaration and the code): there a folder nothing deploys is
tooling, a sample or a leftover, and the config can declare it. A Dockerfile alone does not say
what else is deployed.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from lambdalint.diagnostics import relative
from lambdalint.discover import build_scripts
from lambdalint.discover.base import Discovery
from lambdalint.discover.convention import function_folders
from lambdalint.discover.gitindex import tracked_files
from lambdalint.model import Function, Location

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

    from lambdalint.config import FunctionSpec

# Order matters: a Dockerfile that SAM or serverless already deploys is not reported twice.
SOURCES = ("terraform", "sam", "cdk", "serverless", "docker")
PRUNED = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".terraform",
        ".aws-sam",
        ".serverless",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        ".idea",
        ".vscode",
    }
)


class _Source(Protocol):
    def wants(self, path: Path) -> bool: ...

    def discover(self, files: Sequence[Path], root: Path) -> Discovery: ...


def discover(
    paths: Sequence[Path],
    root: Path,
    declared: Sequence[FunctionSpec] = (),
    exclude: Sequence[str] = (),
) -> Discovery:
    """Functions, layers and discovery findings for everything under ``paths``."""
    files = [f for f in walk(paths, root) if not _excluded(f, root, exclude)]
    found = Discovery()
    for name in SOURCES:
        source = _load(name)
        result = source.discover([f for f in files if source.wants(f)], root)
        if name == "docker":  # images already deployed by SAM/serverless are theirs
            kept = tuple(f for f in result.functions if f.code_dir not in found.claimed)
            result = replace(result, functions=kept)
        found += result
    scripts = [f for f in files if build_scripts.wants(f)]
    found = build_scripts.apply(found, build_scripts.read_scripts(scripts, root), root)
    claimed = found.claimed | {spec.path for spec in declared}
    explicit = tuple(_declared(spec, root) for spec in declared)
    # A requirements file that IaC or config already assigns does not make its folder a function.
    assigned = {
        f.requirements_file for f in (*explicit, *found.functions) if f.requirements_file
    } | {layer.requirements_file for layer in found.layers if layer.requirements_file}
    projects = {_project(f, root) for f in (*explicit, *found.functions)}
    conventional = tuple(
        Function(name=folder.name or relative(folder, root), code_dir=folder)
        for folder in function_folders(
            [f for f in files if f not in assigned], [p.resolve() for p in paths], claimed
        )
        if not any(folder.is_relative_to(p) for p in projects if p is not None)
        and not _excluded(folder, root, exclude)
    )
    return Discovery(
        functions=explicit + found.functions + conventional,
        layers=found.layers,
        findings=found.findings,
        claimed=claimed,
    )


def walk(paths: Sequence[Path], root: Path) -> Iterator[Path]:
    """Every file under ``paths`` that git would not ignore, skipping tool and venv folders."""
    for path in paths:
        start = path.resolve()
        if start.is_file():
            yield start
            continue
        ignores = _IgnoreRules(root)
        for current, dirs, names in os.walk(start):
            here = Path(current)
            ignores.enter(here)
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in PRUNED
                and not (here / d / "pyvenv.cfg").exists()
                and not ignores.ignored(here / d, is_dir=True)
            )
            for name in sorted(names):
                file = here / name
                if not ignores.ignored(file, is_dir=False):
                    yield file


class _IgnoreRules:
    """``.gitignore`` files from the repository root down to the folder being walked.

    Git never ignores a tracked file, so a matched path that the index lists (or a folder
    holding one) is still walked; the index is only read once something matches.
    """

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()
        self._specs: dict[Path, GitIgnoreSpec] = {}
        self._tracked: tuple[frozenset[str], frozenset[str]] | None = None

    def enter(self, folder: Path) -> None:
        gitignore = folder / ".gitignore"
        if folder in self._specs or not gitignore.is_file():
            return
        import pathspec  # noqa: PLC0415 - only repositories with .gitignore pay for it

        try:
            lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        self._specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines)

    def ignored(self, path: Path, *, is_dir: bool) -> bool:
        for base, spec in self._specs.items():
            if not path.is_relative_to(base):
                continue
            rel = path.relative_to(base).as_posix() + ("/" if is_dir else "")
            if spec.match_file(rel):
                return not self._is_tracked(path, is_dir=is_dir)
        return False

    def _is_tracked(self, path: Path, *, is_dir: bool) -> bool:
        if self._tracked is None:
            files = tracked_files(self._root)
            folders = frozenset(p for f in files for p in _parents(f))
            self._tracked = (files, folders)
        if not path.is_relative_to(self._root):
            return False
        files, folders = self._tracked
        return path.relative_to(self._root).as_posix() in (folders if is_dir else files)


def _parents(posix: str) -> Iterator[str]:
    """``a/b/c`` -> ``a/b``, ``a``."""
    while "/" in posix:
        posix = posix.rpartition("/")[0]
        yield posix


def _project(function: Function, root: Path) -> Path | None:
    """The folder holding both the IaC (or config) that declares ``function`` and its code.

    Within it the declarations say what is deployed; a Dockerfile alone does not.
    """
    if function.discovered_by == "dockerfile" or function.source is None:
        return None
    declared_in = (root / function.source.file).parent.resolve()
    common = Path(os.path.commonpath([declared_in, function.code_dir.resolve()]))
    return common if common.is_relative_to(root.resolve()) else None


def _load(name: str) -> _Source:
    source: _Source = importlib.import_module(f"lambdalint.discover.{name}")
    return source


def _excluded(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    rel = relative(path, root)
    return any(fnmatch(rel, p) or fnmatch(rel, p.rstrip("/") + "/*") for p in patterns)


def _declared(spec: FunctionSpec, root: Path) -> Function:
    return Function(
        name=spec.name or spec.path.name,
        code_dir=spec.path,
        discovered_by="config",
        requirements_file=spec.requirements,
        handler=spec.handler,
        handler_known=spec.handler is not None,
        runtime=spec.runtime,
        architecture=spec.arch or "x86_64",
        layers=spec.layers,
        packaging=spec.packaging or "declared in config",
        installs_requirements=spec.installs_requirements,
        source=Location(relative(spec.origin, root), spec.line) if spec.origin else None,
    )
