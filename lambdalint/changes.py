"""Which functions a change touches: files changed since a git ref, or files a hook passes.

A function is touched by a file inside its code folder, its requirements file or one it
includes (``-r``/``-c``, wherever it lives), the IaC file that defines or packages it, or the
content, requirements or definition of a repository layer it uses. A change to the lambdalint
config file touches every function.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lambdalint.config import ConfigError
from lambdalint.model import Function, Layer, Location

_GIT_TIMEOUT_S = 30


@dataclass(frozen=True, slots=True)
class Scope:
    """Absolute paths that changed; ``folders`` select everything below them."""

    files: frozenset[Path]
    folders: frozenset[Path] = field(default_factory=frozenset)
    everything: bool = False

    def touches(self, function: Function, root: Path, layers: Mapping[str, Layer]) -> bool:
        """Whether a changed file belongs to ``function``'s code, requirements, IaC or layers."""
        if self.everything:
            return True
        folders: list[Path] = [] if function.inline_code is not None else [function.code_dir]
        files = {
            root / loc.file
            for loc in (
                function.source,
                function.packaging_source,
                function.inline_origin,
                function.built_by,
            )
            if loc is not None
        }
        if function.requirements_file is not None:
            files.add(function.requirements_file)
        for layer in (layers[key] for key in function.layers if key in layers):
            folders.extend(d for d in (layer.content_dir,) if d is not None)
            files.update(f for f in (layer.requirements_file,) if f is not None)
            files.update(root / loc.file for loc in (layer.source, layer.built_by) if loc)
        if any(self._within(folder) for folder in folders) or any(map(self.selects, files)):
            return True
        return function.inline_code is None and any(
            self.selects(root / name) for name in _requirement_files(function, root)
        )

    def covers(self, location: Location, root: Path) -> bool:
        """Whether a finding not tied to a function is in a changed file."""
        return self.everything or self.selects(root / location.file)

    def selects(self, path: Path) -> bool:
        """Whether ``path`` is one of the files or below one of the folders."""
        path = path.resolve()
        return path in self.files or any(path.is_relative_to(f) for f in self.folders)

    def _within(self, folder: Path) -> bool:
        folder = folder.resolve()
        return any(f.is_relative_to(folder) for f in self.files) or any(
            folder.is_relative_to(f) or f.is_relative_to(folder) for f in self.folders
        )


def path_scope(paths: Iterable[Path], config_file: str | None = None) -> Scope:
    """The scope of paths given on the command line: files, and folders as a whole."""
    resolved = [p.resolve() for p in paths]
    return _scope(
        frozenset(p for p in resolved if not p.is_dir()),
        frozenset(p for p in resolved if p.is_dir()),
        config_file,
    )


def git_scope(
    start: Path, ref: str, config_file: str | None = None, *, within: Scope | None = None
) -> Scope:
    """Files changed since ``ref``, limited to those ``within`` selects.

    That is: committed since the merge base of ``ref`` and HEAD, staged, unstaged and
    untracked (not ignored). With ``HEAD`` it is the uncommitted work only.
    """
    changed = changed_files(start, ref)
    if within is not None:
        changed = frozenset(path for path in changed if within.selects(path))
    return _scope(changed, frozenset(), config_file)


def changed_files(start: Path, ref: str) -> frozenset[Path]:
    """Absolute paths of the files changed since ``ref`` in the git repository around ``start``."""
    if not ref or ref.startswith("-"):
        raise ConfigError(f"invalid git ref {ref!r}")
    folder = start.resolve() if start.is_dir() else start.resolve().parent
    top_out = _git(
        folder, "rev-parse", "--show-toplevel", what=f"{start} is not in a git repository"
    )
    top = Path(top_out.strip())
    _git(
        top,
        "rev-parse",
        "--verify",
        "--quiet",
        f"{ref}^{{commit}}",
        what=f"git ref '{ref}' does not exist in {top}",
    )
    base = _git(top, "merge-base", ref, "HEAD", what=f"no merge base between '{ref}' and HEAD")
    diff = _git(top, "diff", "--name-only", "--no-renames", "-z", base.strip(), "--", what="")
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z", what="")
    names = (n for n in (diff + untracked).split("\0") if n)
    return frozenset((top / name).resolve() for name in names)


def _scope(files: frozenset[Path], folders: frozenset[Path], config_file: str | None) -> Scope:
    config = Path(config_file).resolve() if config_file else None
    everything = config is not None and (
        config in files or any(config.is_relative_to(f) for f in folders)
    )
    return Scope(files, folders, everything=everything)


def _requirement_files(function: Function, root: Path) -> tuple[str, ...]:
    """Repo-relative requirements files the function reads, includes followed."""
    from lambdalint.read.requirements import (  # noqa: PLC0415 - only when nothing else matched
        parse_requirements_file,
        read_requirements,
    )

    if function.requirements_file is not None:
        return parse_requirements_file(function.requirements_file, root).files
    return read_requirements(function.code_dir, root).files


def _git(cwd: Path, *args: str, what: str) -> str:
    """Run git (list-form arguments, with a timeout); failures become usage errors."""
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            timeout=_GIT_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError as error:
        raise ConfigError("git is not installed (needed for --changed-only/--diff)") from error
    except subprocess.TimeoutExpired as error:
        raise ConfigError(f"git {args[0]} took longer than {_GIT_TIMEOUT_S} s") from error
    if result.returncode != 0:
        detail = os.fsdecode(result.stderr).strip().splitlines()
        reason = what or f"git {args[0]} failed"
        raise ConfigError(f"{reason}: {detail[0]}" if detail else reason)
    return os.fsdecode(result.stdout)
