"""One way to read a built package, whatever it is: a zip, a directory or an image tar.

An artifact lists its entries from the zip central directory, the directory tree or the tar
headers, with the safety caps applied before anything is read: unsafe names (``../``,
absolute paths), symlinks leaving the root, special files and suspicious compression ratios
become ``Problem`` records and those entries are left out. Content is read into memory, a
bounded number of bytes at a time; nothing is extracted to disk or executed.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from lambdalint.resolve.sizes import MiB

GiB = 1024 * MiB
_DRIVE = re.compile(r"^[A-Za-z]:")
_LINK_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety caps checked before reading: a zip bomb or a huge tree costs nothing."""

    total_bytes: int = 2 * GiB
    image_bytes: int = 12 * GiB
    ratio: float = 200.0
    ratio_min_size: int = 10 * 1000 * 1000
    entries: int = 500_000
    member_bytes: int = 64 * MiB


@dataclass(frozen=True, slots=True)
class Entry:
    """A file in the artifact: POSIX path inside it, uncompressed size, how to read it."""

    path: str
    size: int
    order: int
    is_symlink: bool = False
    link_target: str | None = None
    ref: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something unsafe or unreadable at ``path`` inside the artifact ("" for the whole)."""

    path: str
    message: str
    severity: str = "error"


class ArtifactReadError(Exception):
    """A member could not be read (corrupt data, bad CRC, truncated archive)."""


class Artifact(Protocol):
    """What every kind of artifact offers; ``readable`` is False past the size cap."""

    kind: str
    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...]
    zipped_bytes: int | None
    readable: bool

    def read(self, entry: Entry, limit: int) -> bytes:
        """The first ``limit`` bytes of ``entry``; raises ArtifactReadError."""
        ...

    def close(self) -> None:
        """Release open files."""
        ...


def unsafe_name(name: str) -> str | None:
    """Why a member name would write outside the extraction root, or None when it is safe."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or _DRIVE.match(norm):
        return f"absolute path {name!r}: extracting it writes outside the package"
    if ".." in norm.split("/"):
        return f"path {name!r} climbs out of the package with '..' (zip-slip)"
    return None


def escapes(path: str, target: str, *, absolute_ok: bool = False) -> bool:
    """Tell whether a symlink at ``path`` pointing to ``target`` leaves the root."""
    if target.startswith("/"):
        if not absolute_ok:
            return True
        joined = posixpath.normpath(target.lstrip("/"))
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return joined == ".." or joined.startswith("../")


class ZipArtifact:
    """A function or layer zip, listed from its central directory."""

    kind = "zip"

    def __init__(self, path: Path, limits: Limits) -> None:
        self._zip = zipfile.ZipFile(path)  # BadZipFile is the caller's parse-error
        self.zipped_bytes: int | None = path.stat().st_size
        self._limits = limits
        entries: list[Entry] = []
        problems: list[Problem] = []
        infos = self._zip.infolist()
        if len(infos) > limits.entries:
            problems.append(Problem("", f"{len(infos)} entries, over the cap of {limits.entries}"))
            infos = infos[: limits.entries]
        declared = sum(i.file_size for i in infos)
        self.readable = declared <= limits.total_bytes
        if not self.readable:
            problems.append(
                Problem(
                    "",
                    f"declares {declared} bytes uncompressed, over the safety cap of "
                    f"{limits.total_bytes}: contents were not read",
                )
            )
        for order, info in enumerate(infos):
            if info.is_dir():
                continue
            entry, problem = self._entry(info, order)
            if problem is not None:
                problems.append(problem)
            elif entry is not None:
                entries.append(entry)
        self.entries = tuple(entries)
        self.problems = tuple(problems)

    def _entry(self, info: zipfile.ZipInfo, order: int) -> tuple[Entry | None, Problem | None]:
        name = info.filename
        reason = unsafe_name(name)
        if reason:
            return None, Problem(name, reason)
        limits = self._limits
        packed = max(info.compress_size, 1)
        if info.file_size > limits.ratio_min_size and info.file_size / packed > limits.ratio:
            return None, Problem(
                name,
                f"compression ratio {info.file_size // packed}:1 ({info.file_size} bytes from "
                f"{info.compress_size}): a zip bomb; the member was not read",
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            target = self._read(info, _LINK_BYTES).decode("utf-8", errors="replace")
            if escapes(name, target):
                return None, Problem(name, f"symlink to {target!r} points outside the package")
            return Entry(name, 0, order, is_symlink=True, link_target=target, ref=info), None
        return Entry(name, info.file_size, order, ref=info), None

    def _read(self, info: zipfile.ZipInfo, limit: int) -> bytes:
        try:
            with self._zip.open(info) as member:
                return member.read(limit)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
            raise ArtifactReadError(f"cannot read {info.filename}: {error}") from error

    def read(self, entry: Entry, limit: int) -> bytes:
        """The first ``limit`` bytes of a member, decompressed in memory."""
        if not isinstance(entry.ref, zipfile.ZipInfo):
            raise ArtifactReadError(f"{entry.path} is not a member of this zip")
        return self._read(entry.ref, limit)

    def close(self) -> None:
        """Close the zip file."""
        self._zip.close()


class DirArtifact:
    """An unpacked build directory; symlinks are listed, never followed."""

    kind = "directory"

    def __init__(self, path: Path, limits: Limits) -> None:
        self._root = path
        self.zipped_bytes: int | None = None
        entries: list[Entry] = []
        problems: list[Problem] = []
        total = 0
        for order, (relative, full) in enumerate(_walk(path)):
            if len(entries) >= limits.entries:
                problems.append(Problem("", f"more than {limits.entries} files; the rest skipped"))
                break
            try:
                info = full.lstat()
            except OSError as error:
                problems.append(Problem(relative, f"cannot stat: {error}"))
                continue
            if stat.S_ISLNK(info.st_mode):
                target = str(full.readlink())
                if escapes(relative, target):
                    problems.append(
                        Problem(relative, f"symlink to {target!r} points outside the package")
                    )
                    continue
                entries.append(Entry(relative, 0, order, is_symlink=True, link_target=target))
            elif stat.S_ISREG(info.st_mode):
                total += info.st_size
                entries.append(Entry(relative, info.st_size, order, ref=full))
            else:
                problems.append(Problem(relative, "special file (device, FIFO or socket)"))
        self.readable = total <= limits.total_bytes
        if not self.readable:
            problems.append(
                Problem(
                    "",
                    f"holds {total} bytes, over the safety cap of {limits.total_bytes}: "
                    "contents were not read",
                )
            )
        self.entries = tuple(entries)
        self.problems = tuple(problems)

    def read(self, entry: Entry, limit: int) -> bytes:
        """The first ``limit`` bytes of a regular file."""
        if not isinstance(entry.ref, Path):
            raise ArtifactReadError(f"{entry.path} is not a regular file")
        try:
            with entry.ref.open("rb") as handle:
                return handle.read(limit)
        except OSError as error:
            raise ArtifactReadError(f"cannot read {entry.path}: {error}") from error

    def close(self) -> None:
        """Nothing to release."""


def _walk(root: Path) -> Iterator[tuple[str, Path]]:
    for current, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        base = Path(current)
        linked = [d for d in dirs if (base / d).is_symlink()]
        dirs[:] = [d for d in dirs if d not in linked]
        for name in sorted(files + linked):
            full = base / name
            yield full.relative_to(root).as_posix(), full
