"""What every discovery source returns, and the helpers they share.

A source reads one kind of infrastructure-as-code file (Terraform, SAM/CloudFormation,
serverless.yml, CDK, Dockerfile) and turns it into ``Function`` and ``Layer`` records. It
never raises for bad input: problems become findings with the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lambdalint.diagnostics import relative
from lambdalint.model import Finding, Function, Layer


@dataclass(frozen=True, slots=True)
class Artifact:
    """A zip the IaC deploys that no IaC builds: an S3 key, or a local file built elsewhere.

    A build script that writes a zip of that ``name`` (at ``path``, when the IaC gives a local
    file) says what is in it (``script_zips.py``); without one, ``unresolved`` is reported and
    the function is dropped (the layer is kept with unknown contents). The ``function`` (its
    ``code_dir`` a placeholder) or ``layer`` is the record the IaC describes.
    """

    name: str
    path: Path | None
    unresolved: Finding
    function: Function | None = None
    layer: Layer | None = None


@dataclass(frozen=True, slots=True)
class Discovery:
    """Functions and layers found by one source, and what it could not read or resolve.

    ``claimed`` lists folders the IaC deploys, so convention discovery does not report them
    a second time (for example a SAM ``CodeUri`` folder that also looks like a function).
    ``artifacts`` wait for the build scripts that write them.
    """

    functions: tuple[Function, ...] = ()
    layers: tuple[Layer, ...] = ()
    findings: tuple[Finding, ...] = ()
    claimed: frozenset[Path] = field(default_factory=frozenset)
    artifacts: tuple[Artifact, ...] = ()

    def __add__(self, other: Discovery) -> Discovery:
        return Discovery(
            self.functions + other.functions,
            self.layers + other.layers,
            self.findings + other.findings,
            self.claimed | other.claimed,
            self.artifacts + other.artifacts,
        )


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` resolves to somewhere under ``root`` (IaC may point outside the repo)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # symlink loops
        return False


MAX_BYTES = 5 * 1024 * 1024
"""IaC files larger than this are not read (generated or hostile input); each source says so."""


class TooLargeError(Exception):
    """A file over ``MAX_BYTES``; ``size`` is in bytes."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def read_capped(path: Path, encoding: str = "utf-8", errors: str = "strict") -> str:
    """The text of ``path``; ``TooLargeError`` past ``MAX_BYTES``, else ``OSError`` as usual.

    The size is checked before reading so a huge file never reaches memory.
    """
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise TooLargeError(size)
    return path.read_text(encoding=encoding, errors=errors)


def shown_path(path: Path, root: Path) -> str:
    """``path`` for a message: repo-relative, or as written when a symlink loop hides it."""
    try:
        return relative(path, root)
    except (OSError, RuntimeError):  # symlink loops
        return path.as_posix()


def is_dir(path: Path) -> bool:
    """``Path.is_dir`` that answers False for a symlink loop instead of raising."""
    try:
        return path.is_dir()
    except (OSError, RuntimeError):
        return False


def is_file(path: Path) -> bool:
    """``Path.is_file`` that answers False for a symlink loop instead of raising."""
    try:
        return path.is_file()
    except (OSError, RuntimeError):
        return False
