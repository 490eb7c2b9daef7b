"""A container image saved as a tar: ``docker save`` (manifest.json) or an OCI layout.

Layers are read in order from their tar headers and merged the way the image's filesystem
is: a later file replaces an earlier one, ``.wh.NAME`` deletes NAME and ``.wh..wh..opq``
empties a directory. Content is read from the winning layer's member, in memory.
"""

from __future__ import annotations

import json
import posixpath
import tarfile
import zlib
from pathlib import Path
from typing import IO, Any

from lambdalint.inspect.artifact import (
    ArtifactReadError,
    Entry,
    Limits,
    Problem,
    escapes,
    unsafe_name,
)

_WHITEOUT = ".wh."
_OPAQUE = ".wh..wh..opq"
_JSON_BYTES = 4 * 1024 * 1024
_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error, ValueError, KeyError)


class ImageArtifact:
    """The merged filesystem of an image tar; entry paths have no leading slash."""

    kind = "image tar"

    def __init__(self, path: Path, limits: Limits) -> None:
        self.zipped_bytes: int | None = path.stat().st_size
        self._limits = limits
        self._outer = tarfile.open(path)  # noqa: SIM115 - kept open for reads, closed in close()
        self._layers: list[tarfile.TarFile] = []
        self._problems: list[Problem] = []
        self._total = 0
        self._order = 0
        merged: dict[str, Entry] = {}
        try:
            for name in self._layer_names():
                if not self._merge_layer(name, merged):
                    break
        except _ERRORS as error:
            self._problems.append(Problem("", f"cannot read the image: {error}"))
        self.readable = self._total <= limits.image_bytes
        self.entries = tuple(sorted(merged.values(), key=lambda e: e.order))
        self.problems = tuple(self._problems)

    def _json(self, name: str) -> Any:  # noqa: ANN401 - manifests are free-form JSON
        handle = self._outer.extractfile(name)
        if handle is None:
            raise KeyError(name)
        return json.loads(handle.read(_JSON_BYTES))

    def _layer_names(self) -> list[str]:
        names = set(self._outer.getnames())
        if "manifest.json" in names:
            manifest = self._json("manifest.json")
            if len(manifest) > 1:
                self._problems.append(
                    Problem(
                        "manifest.json", "several images in one tar; only the first is read", "info"
                    )
                )
            return [str(layer) for layer in manifest[0]["Layers"]]
        if "index.json" in names:
            document = self._json("index.json")
            while "manifests" in document:  # an index: follow the first manifest
                document = self._json(_blob(document["manifests"][0]["digest"]))
            return [_blob(layer["digest"]) for layer in document["layers"]]
        raise ValueError("neither manifest.json (docker save) nor index.json (OCI layout) found")

    def _merge_layer(self, name: str, merged: dict[str, Entry]) -> bool:
        handle: IO[bytes] | None = self._outer.extractfile(name)
        if handle is None:
            raise KeyError(name)
        layer = tarfile.open(fileobj=handle, mode="r:*")  # noqa: SIM115 - closed in close()
        self._layers.append(layer)
        index = len(self._layers) - 1
        for member in layer:
            if self._order >= self._limits.entries:
                self._problems.append(Problem(name, "too many entries; the rest skipped"))
                return False
            self._order += 1
            self._apply(member, index, merged)
            if self._total > self._limits.image_bytes:
                self._problems.append(
                    Problem(
                        "",
                        f"layers hold over {self._limits.image_bytes} bytes: the rest was not read",
                    )
                )
                return False
        return True

    def _apply(self, member: tarfile.TarInfo, layer: int, merged: dict[str, Entry]) -> None:
        name = member.name.removeprefix("./").lstrip("/")
        reason = unsafe_name(name)
        if reason:
            self._problems.append(Problem(member.name, reason))
            return
        path = posixpath.normpath(name)
        folder, base = posixpath.split(path)
        if base == _OPAQUE:
            _delete(merged, folder, keep_self=True)
        elif base.startswith(_WHITEOUT):
            _delete(merged, posixpath.join(folder, base.removeprefix(_WHITEOUT)))
        elif not member.isdir():
            entry = self._file_entry(member, path, layer)
            if entry is not None:
                merged[path] = entry

    def _file_entry(self, member: tarfile.TarInfo, path: str, layer: int) -> Entry | None:
        if member.ischr() or member.isblk() or member.isfifo():
            self._problems.append(Problem(path, "device or FIFO member; it was skipped"))
            return None
        if member.issym():
            if escapes(path, member.linkname, absolute_ok=True):
                self._problems.append(
                    Problem(path, f"symlink to {member.linkname!r} points outside the image")
                )
                return None
            return Entry(
                path,
                0,
                self._order,
                is_symlink=True,
                link_target=member.linkname,
                ref=(layer, member),
            )
        self._total += member.size
        return Entry(path, member.size, self._order, ref=(layer, member))

    def read(self, entry: Entry, limit: int) -> bytes:
        """The first ``limit`` bytes of the member in the layer that put it there."""
        if not isinstance(entry.ref, tuple):
            raise ArtifactReadError(f"{entry.path} is not in this image")
        layer, member = entry.ref
        try:
            handle = self._layers[layer].extractfile(member)
            return handle.read(limit) if handle is not None else b""
        except _ERRORS as error:
            raise ArtifactReadError(f"cannot read {entry.path}: {error}") from error

    def close(self) -> None:
        """Close every layer and the outer tar."""
        for layer in self._layers:
            layer.close()
        self._outer.close()


def _blob(digest: str) -> str:
    algorithm, _, value = digest.partition(":")
    if not value.isalnum() or not algorithm.isalnum():
        raise ValueError(f"bad digest {digest!r}")
    return f"blobs/{algorithm}/{value}"


def _delete(merged: dict[str, Entry], path: str, *, keep_self: bool = False) -> None:
    prefix = path.rstrip("/") + "/" if path not in {"", "."} else ""
    for key in [k for k in merged if k.startswith(prefix) or (not keep_self and k == path)]:
        del merged[key]


def is_image_tar(path: Path) -> bool:
    """Tell whether ``path`` is a tar holding manifest.json or index.json at its top."""
    try:
        with tarfile.open(path) as outer:
            for member in outer:
                if member.name.removeprefix("./") in {"manifest.json", "index.json"}:
                    return True
    except _ERRORS:
        return False
    return False
