"""Which files git tracks, read from the repository's index file; git itself is never run.

Git never ignores a file it tracks, even one a ``.gitignore`` pattern matches, so the walk asks
here before it skips a matched path. The index is a documented binary format (versions 2 to 4;
https://git-scm.com/docs/index-format); only entry paths are read. An index that is missing,
unreadable or of an unknown version yields nothing, which leaves ``.gitignore`` in charge.
"""

from __future__ import annotations

import struct
from pathlib import Path

_HEADER = struct.Struct(">4sLL")
_STAT_BYTES = 40  # ctime, mtime, dev, ino, mode, uid, gid, size: ten 32-bit fields
_EXTENDED = 0x4000
_NAME_MASK = 0x0FFF
_MAX_INDEX_BYTES = 512 * 1024 * 1024


def tracked_files(root: Path) -> frozenset[str]:
    """Root-relative POSIX paths of the files in ``root``'s git index; empty when unknown."""
    git_dir = _git_dir(root)
    if git_dir is None:
        return frozenset()
    index = git_dir / "index"
    try:
        if index.stat().st_size > _MAX_INDEX_BYTES:
            return frozenset()
        data = index.read_bytes()
    except OSError:
        return frozenset()
    return frozenset(parse_index(data, _hash_bytes(git_dir)))


def parse_index(data: bytes, hash_bytes: int = 20) -> list[str]:
    """The entry paths of an index file's bytes; [] when it is not an index git 2.x writes."""
    if len(data) < _HEADER.size:
        return []
    signature, version, count = _HEADER.unpack_from(data)
    if signature != b"DIRC" or version not in {2, 3, 4}:
        return []
    paths: list[str] = []
    offset, previous = _HEADER.size, b""
    try:
        for _ in range(count):
            start = offset
            offset += _STAT_BYTES + hash_bytes
            (flags,) = struct.unpack_from(">H", data, offset)
            offset += 4 if version >= 3 and flags & _EXTENDED else 2  # noqa: PLR2004
            if version == 4:  # noqa: PLR2004 - prefix-compressed names, no padding
                strip, offset = _varint(data, offset)
                end = data.index(b"\0", offset)
                name = previous[: len(previous) - strip] + data[offset:end]
                offset = end + 1
            else:
                length = flags & _NAME_MASK
                end = data.index(b"\0", offset + length if length < _NAME_MASK else offset)
                name = data[offset:end]
                offset = start + ((end - start) // 8 + 1) * 8  # 1 to 8 NULs pad to 8 bytes
            previous = name
            paths.append(name.decode("utf-8", errors="surrogateescape"))
    except (struct.error, ValueError):  # truncated or corrupt: keep what was read
        return paths
    return paths


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    """Git's offset varint (each continuation adds one before shifting)."""
    byte = data[offset]
    value, offset = byte & 0x7F, offset + 1
    while byte & 0x80:
        byte = data[offset]
        value, offset = ((value + 1) << 7) | (byte & 0x7F), offset + 1
    return value, offset


def _git_dir(root: Path) -> Path | None:
    """``root/.git``, or the folder a ``gitdir:`` file there (worktree, submodule) names."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        text = dot_git.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    first = text.partition("\n")[0]
    if not first.startswith("gitdir:"):
        return None
    target = Path(first.removeprefix("gitdir:").strip())
    return target if target.is_absolute() else (root / target).resolve()


def _hash_bytes(git_dir: Path) -> int:
    """32 for a SHA-256 repository (``extensions.objectFormat``), else SHA-1's 20."""
    config = git_dir / "config"
    commondir = git_dir / "commondir"  # a linked worktree keeps its config in the main .git
    try:
        if commondir.is_file():
            config = (git_dir / commondir.read_text(encoding="utf-8").strip()) / "config"
        text = config.read_text(encoding="utf-8", errors="replace").lower()
    except OSError:
        return 20
    compact = text.replace(" ", "").replace("\t", "")
    return 32 if "objectformat=sha256" in compact else 20
