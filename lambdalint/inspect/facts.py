"""Facts about a built artifact, computed once: import roots, distributions, binaries, sizes.

The artifact rules read ``ArtifactFacts`` and nothing else.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from email.parser import HeaderParser

from packaging.utils import canonicalize_name

from lambdalint.inspect.artifact import Artifact, ArtifactReadError, Entry, Limits, Problem
from lambdalint.inspect.native import Binary, identify, is_native_name
from lambdalint.model import Location
from lambdalint.read.vendored import modules_from_record
from lambdalint.runtime.model import Runtime

_SITE = re.compile(r"^(?:(?:opt|var/lang)/)?python/lib/python(\d+)\.(\d+)/site-packages/")
_IMAGE_SITE = re.compile(r"^(?:opt/python|var/lang)/lib/python(\d+)\.(\d+)/site-packages/")
_METADATA_FILES = frozenset({"METADATA", "WHEEL", "RECORD", "top_level.txt"})
_METADATA_BYTES = 4 * 1024 * 1024
_IMAGE_RUNTIME_SITE = "var/lang/"


@dataclass(frozen=True, slots=True)
class ShippedDist:
    """A ``*.dist-info`` inside the artifact: who it is, its wheel tags, what it provides."""

    name: str
    normalized: str
    version: str | None
    tags: tuple[str, ...]
    modules: tuple[str, ...]
    info_path: str
    root: str
    size: int

    @property
    def from_base_image(self) -> bool:
        """True in an image's system site-packages, where the runtime's own copies live."""
        return self.root.startswith(_IMAGE_RUNTIME_SITE)


@dataclass(frozen=True)
class ArtifactFacts:
    """Everything known about one artifact; ``label`` is its path relative to the root."""

    label: str
    kind: str
    layer: bool
    runtime: Runtime
    architecture: str
    entries: tuple[Entry, ...]
    roots: tuple[str, ...]
    dists: tuple[ShippedDist, ...]
    binaries: tuple[tuple[Entry, Binary], ...]
    zipped_bytes: int | None
    unzipped_bytes: int

    def where(self, inner: str = "") -> Location:
        """``<artifact>!<path inside>``, or the artifact alone for whole-artifact facts."""
        return Location(f"{self.label}!{inner}" if inner else self.label)

    def split(self, path: str) -> tuple[str, str] | None:
        """(import root, path below it) for a path on ``sys.path``, or None."""
        for root in self.roots:
            if path.startswith(root):
                return root, path.removeprefix(root)
        return None

    def owner(self, path: str) -> ShippedDist | None:
        """The distribution whose top-level module holds ``path``."""
        split = self.split(path)
        if split is None:
            return None
        root, rest = split
        top = rest.split("/", 1)[0].split(".", 1)[0]
        return next((d for d in self.dists if d.root == root and top in d.modules), None)

    def top_level(self) -> dict[str, int]:
        """Bytes per top-level name below every import root (``numpy``, ``app.py``)."""
        sizes: dict[str, int] = defaultdict(int)
        for entry in self.entries:
            split = self.split(entry.path)
            if split is not None:
                sizes[split[1].split("/", 1)[0]] += entry.size
        return dict(sizes)


def import_roots(entries: tuple[Entry, ...], kind: str, layer: bool) -> tuple[str, ...]:
    """The folders of the artifact that end up on ``sys.path``, longest first."""
    if kind == "image tar":
        found = {m[0] for e in entries if (m := _IMAGE_SITE.match(e.path))}
        roots = {"var/task/", "opt/python/", *found}
    elif layer:
        roots = {"python/", *{m[0] for e in entries if (m := _SITE.match(e.path))}}
    else:
        roots = {""}
    return tuple(sorted(roots, key=len, reverse=True))


def gather(
    artifact: Artifact,
    *,
    label: str,
    layer: bool,
    runtime: Runtime,
    architecture: str,
    limits: Limits,
) -> tuple[ArtifactFacts, list[Problem]]:
    """Read what the rules need from the artifact: dist-info files and compiled files."""
    entries = artifact.entries
    roots = import_roots(entries, artifact.kind, layer)
    facts = ArtifactFacts(
        label=label,
        kind=artifact.kind,
        layer=layer,
        runtime=runtime,
        architecture=architecture,
        entries=entries,
        roots=roots,
        dists=(),
        binaries=(),
        zipped_bytes=artifact.zipped_bytes,
        unzipped_bytes=sum(e.size for e in entries),
    )
    if not artifact.readable:
        return facts, []
    problems: list[Problem] = []
    dist_files: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    binaries: list[tuple[Entry, Binary]] = []
    for entry in entries:
        if entry.is_symlink:
            continue
        split = facts.split(entry.path)
        info = _dist_file(split[1]) if split else None
        try:
            if split and info:
                data = artifact.read(entry, _METADATA_BYTES)
                dist_files[split[0], info[0]][info[1]] = data.decode("utf-8", errors="replace")
            elif is_native_name(entry.path) and (split or artifact.kind != "image tar"):
                if entry.size > limits.member_bytes:
                    problems.append(
                        Problem(entry.path, "compiled file too large to inspect; skipped", "info")
                    )
                    continue
                binaries.append((entry, identify(artifact.read(entry, limits.member_bytes))))
        except ArtifactReadError as error:
            problems.append(Problem(entry.path, str(error)))
    dists = _dists(dist_files, facts)
    return replace(facts, dists=dists, binaries=tuple(binaries)), problems


def _dist_file(rest: str) -> tuple[str, str] | None:
    """(dist-info folder, file name) for a metadata file directly inside a ``*.dist-info``."""
    parts = rest.split("/")
    if len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] in _METADATA_FILES:  # noqa: PLR2004
        return parts[0], parts[1]
    return None


def _dists(
    files: dict[tuple[str, str], dict[str, str]], facts: ArtifactFacts
) -> tuple[ShippedDist, ...]:
    sizes = facts.top_level()
    dists = []
    for (root, folder), texts in sorted(files.items()):
        headers = HeaderParser().parsestr(texts.get("METADATA", ""))
        stem_name, _, stem_version = folder.removesuffix(".dist-info").partition("-")
        name = headers.get("Name") or stem_name
        wheel = HeaderParser().parsestr(texts.get("WHEEL", ""))
        if "top_level.txt" in texts:
            modules = tuple(sorted({m for m in texts["top_level.txt"].split() if m}))
        else:
            modules = modules_from_record(texts.get("RECORD", ""))
        owned = {*modules, folder, *(f"{m}.libs" for m in modules)}
        size = sum(s for top, s in sizes.items() if top.split(".", 1)[0] in owned or top in owned)
        dists.append(
            ShippedDist(
                name=name,
                normalized=canonicalize_name(name),
                version=headers.get("Version") or stem_version or None,
                tags=tuple(wheel.get_all("Tag") or ()),
                modules=modules,
                info_path=f"{root}{folder}",
                root=root,
                size=size,
            )
        )
    return tuple(dists)


def breakdown(facts: ArtifactFacts) -> tuple[tuple[str, int], ...]:
    """Unzipped bytes per shipped distribution, then per other top-level name, largest first."""
    sizes = facts.top_level()
    by_name: dict[str, int] = defaultdict(int)
    claimed: set[str] = set()
    for dist in facts.dists:
        by_name[dist.name] += dist.size
        claimed |= {*dist.modules, dist.info_path.rsplit("/", 1)[-1]}
        claimed |= {f"{m}.libs" for m in dist.modules}
    for top, size in sizes.items():
        if top not in claimed and top.split(".", 1)[0] not in claimed:
            by_name[top] += size
    return tuple(sorted(by_name.items(), key=lambda item: (-item[1], item[0])))
