"""Target-correct resolution with uv: markers and wheel tags for Lambda, never the host.

``uv pip compile --python-version X.Y --python-platform <arch>-manylinux_<glibc>`` evaluates
environment markers for the target and only accepts wheels the target can install; with
``--no-build`` an sdist-only dependency is reported, never built.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from packaging.utils import canonicalize_name

from lambdalint.resolve.indexes import IndexConfig, redact_url
from lambdalint.resolve.target import MACHINES

# The manylinux levels uv 0.13 accepts for --python-platform (it rejects any other, e.g. 2_26).
# The target's glibc is rounded *down* to one of these: an older glibc is the safe direction
# (AL2's 2.26 resolves as 2_17, so a manylinux_2_24-only release is not picked).
UV_MANYLINUX_LEVELS = (17, 28, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40)
# Host choices that must not reach uv: the index comes from IndexConfig, the Python from us.
_HOST_ENV = ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "UV_PYTHON", "UV_SYSTEM_PYTHON")
_INDEX_ENV = ("UV_DEFAULT_INDEX", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS")
_PIN_ENV = ("UV_CONSTRAINT", "UV_OVERRIDE", "UV_BUILD_CONSTRAINT", "UV_NO_BINARY", "UV_NO_BUILD")
_DROPPED_ENV = frozenset((*_HOST_ENV, *_INDEX_ENV, "UV_NO_INDEX", *_PIN_ENV))
_FLAGS = ("--no-header", "--quiet", "--no-build", "--no-progress", "--no-config", "--color=never")
_MAX_MESSAGE_LINES = 12
_BLAME = (
    re.compile(r"Because ([\w.-]+) was not found in the"),
    re.compile(r"there (?:is|are) no versions? of ([\w.-]+)"),
    re.compile(r"([\w.-]+)==\S+ has no (?:usable wheels|wheels with a matching)"),
    re.compile(r"all versions of ([\w.-]+) (?:cannot be used|depend on ([\w.-]+))"),
    re.compile(r"Wheels are required for `([\w.-]+)`"),
    re.compile(r"(?:you require|depends on) ([\w.-]+)"),
)


@dataclass(frozen=True, slots=True)
class LockedFile:
    """One wheel or sdist of a locked package, as the index listed it."""

    url: str
    size: int | None
    sha256: str | None
    filename: str


@dataclass(frozen=True, slots=True)
class LockedPackage:
    """One resolved distribution; ``wheels`` are those uv found usable for the target."""

    name: str
    normalized: str
    version: str
    marker: str | None
    wheels: tuple[LockedFile, ...]
    sdist: LockedFile | None


@dataclass(frozen=True, slots=True)
class Lock:
    """The full resolution for one target, in a JSON-friendly shape for the cache."""

    packages: tuple[LockedPackage, ...]
    source_only: tuple[tuple[str, str | None], ...] = ()  # set aside: (name, version) with no wheel

    def to_json(self) -> dict[str, Any]:
        """A JSON-serializable dict that :meth:`from_json` reads back."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Lock:
        """Rebuild a lock written by :meth:`to_json`."""
        return cls(
            tuple(
                LockedPackage(
                    name=p["name"],
                    normalized=canonicalize_name(p["name"]),
                    version=p["version"],
                    marker=p.get("marker"),
                    wheels=tuple(LockedFile(**w) for w in p["wheels"]),
                    sdist=LockedFile(**p["sdist"]) if p.get("sdist") else None,
                )
                for p in data["packages"]
            ),
            tuple((str(name), version) for name, version in data.get("source_only", ())),
        )


class ResolutionError(Exception):
    """uv could not resolve the requirements for the target (its explanation, scrubbed)."""

    def __init__(self, message: str, packages: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.packages = packages


class UvNotFoundError(RuntimeError):
    """The uv binary lambdalint resolves with is not installed."""


def uv_binary() -> str:
    """Path of the uv executable shipped with the ``uv`` Python package."""
    try:
        from uv import find_uv_bin  # noqa: PLC0415 - only resolution needs uv

        return find_uv_bin()
    except (ImportError, FileNotFoundError) as error:
        raise UvNotFoundError(
            "uv is required to resolve dependencies: install it with `pip install uv`"
        ) from error


def python_platform(glibc: tuple[int, int], architecture: str) -> str:
    """The ``--python-platform`` value for the target: the newest accepted level not above glibc."""
    machine = MACHINES.get(architecture)
    if machine is None:
        raise ValueError(f"unsupported architecture: {architecture!r}")
    major, minor = glibc
    usable = [level for level in UV_MANYLINUX_LEVELS if major == 2 and level <= minor]  # noqa: PLR2004
    if not usable:
        raise ValueError(f"glibc {major}.{minor} is older than any manylinux level uv accepts")
    return f"{machine}-manylinux_2_{usable[-1]}"


def compile_lock(
    requirements_text: str,
    python_version: tuple[int, int],
    glibc: tuple[int, int],
    architecture: str,
    index: IndexConfig,
    *,
    timeout: float = 300,
    cache_dir: Path | None = None,
    offline: bool = False,
    overrides: tuple[str, ...] = (),
) -> Lock:
    """Resolve PEP 508 lines for the target; raises :class:`ResolutionError` when uv can't.

    ``overrides`` are uv override lines (``name ; sys_platform == 'never'`` sets a package
    aside, wherever it sits in the graph).
    """
    lines = requirement_lines(requirements_text)
    if not lines:
        return Lock(())
    platform = python_platform(glibc, architecture)
    with tempfile.TemporaryDirectory(prefix="lambdalint-uv-") as tmp:
        folder = Path(tmp)
        (folder / "requirements.in").write_text("\n".join(lines) + "\n", encoding="utf-8")
        command = [
            uv_binary(),
            *("pip", "compile", "requirements.in", "--output-file=pylock.toml", *_FLAGS),
            *("--format=pylock.toml", f"--python-platform={platform}", "--no-python-downloads"),
            f"--python-version={python_version[0]}.{python_version[1]}",
            *index.uv_args(),
        ]
        if overrides:
            (folder / "overrides.txt").write_text("\n".join(overrides) + "\n", encoding="utf-8")
            command.append("--overrides=overrides.txt")
        if sys.executable:  # an interpreter uv need not search for; --no-build never runs it
            command.append(f"--python={sys.executable}")
        if offline:
            command.append("--offline")
        if cache_dir is not None:
            command += ["--cache-dir", str(cache_dir)]
        try:
            done = subprocess.run(
                command,
                cwd=folder,
                env=_environment(),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise ResolutionError(f"uv timed out after {timeout:g} seconds") from error
        if done.returncode != 0:
            message = _scrub(done.stderr, folder)
            raise ResolutionError(
                message or f"uv failed (exit {done.returncode})", _blamed(message)
            )
        return parse_pylock((folder / "pylock.toml").read_text(encoding="utf-8"))


def requirement_lines(text: str) -> list[str]:
    """Plain PEP 508 lines: continuations joined, comments, options and ``--hash`` dropped."""
    lines: list[str] = []
    for raw in text.replace("\\\n", " ").splitlines():
        line = re.sub(r"(^|\s)#.*", "", raw)
        line = re.sub(r"\s--hash[=\s]\S+", "", line).strip()
        if line and not line.startswith("-"):  # -r/-c/-e/--index-url never reach uv
            lines.append(line)
    return lines


def parse_pylock(text: str) -> Lock:
    """Read uv's ``pylock.toml`` (PEP 751)."""
    data = tomllib.loads(text)
    packages = []
    for entry in data.get("packages", []):
        sdist = entry.get("sdist")
        packages.append(
            LockedPackage(
                name=entry["name"],
                normalized=canonicalize_name(entry["name"]),
                version=str(entry.get("version", "")),
                marker=entry.get("marker"),
                wheels=tuple(_locked_file(wheel) for wheel in entry.get("wheels", [])),
                sdist=_locked_file(sdist) if isinstance(sdist, dict) else None,
            )
        )
    return Lock(tuple(packages))


def _locked_file(entry: dict[str, Any]) -> LockedFile:
    url = str(entry.get("url") or entry.get("path") or "")
    filename = entry.get("name") or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    size = entry.get("size")
    return LockedFile(
        url=url,
        size=size if isinstance(size, int) else None,
        sha256=entry.get("hashes", {}).get("sha256"),
        filename=filename,
    )


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED_ENV}
    env.update(UV_PYTHON_DOWNLOADS="never", NO_COLOR="1", UV_NO_PROGRESS="1")
    return env


def _scrub(stderr: str, folder: Path) -> str:
    """The error, causes and hints uv printed, without warnings, paths or credentials."""
    kept: list[str] = []
    keep = False
    for line in stderr.splitlines():
        if line.startswith(("error:", "hint:")):
            keep = True
        elif line.startswith("warning:"):
            keep = False
        if keep and line.strip():
            kept.append(line.rstrip())
    text = "\n".join(kept[:_MAX_MESSAGE_LINES])
    for path in (str(folder.resolve()), str(folder)):
        text = text.replace(path, "<tmp>")
    return redact_url(text.replace(str(Path.home()), "~"))


def _blamed(message: str) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for pattern in _BLAME:
        for match in pattern.finditer(message):
            names.update(dict.fromkeys(canonicalize_name(g) for g in match.groups() if g))
    return tuple(names)
