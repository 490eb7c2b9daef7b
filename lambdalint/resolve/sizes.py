"""How big the deployment package would be: the function's files plus the wheels it ships.

Measured facts (shared/reference/sizing.md): the sum of the wheels' file sizes predicts the
zipped package within about 0.5 %, the sum of the uncompressed sizes in their central
directories predicts the unzipped package within about 0.2 %, for a ``--no-compile`` build.
Lambda's limits are in MiB: 50 MiB zipped for a direct upload, 250 MiB unzipped including
every layer, 10 GiB for an image.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lambdalint.versions import satisfies

if TYPE_CHECKING:
    from lambdalint.checks.base import FunctionFacts
    from lambdalint.resolve.resolution import ResolvedDist

MiB = 1024 * 1024
ZIPPED_UPLOAD_LIMIT = 50 * MiB
UNZIPPED_LIMIT = 250 * MiB
CONSOLE_EDIT_LIMIT = 3 * MiB
SDK_SET = ("boto3", "botocore", "s3transfer")  # the AWS SDK, in the order messages name it
_SKIPPED_DIRS = frozenset({"__pycache__", ".git", ".venv", "venv", "node_modules"})
_COMPRESS_BELOW = 8 * MiB


@dataclass(frozen=True, slots=True)
class SizeEstimate:
    """Sizes in bytes; ``complete`` is False when a shipped wheel's facts are unknown."""

    code_unzipped: int
    code_zipped: int
    deps_unzipped: int
    deps_zipped: int
    layers_unzipped: int
    shipped: tuple[str, ...]
    complete: bool
    slim_savings: int
    unread: tuple[str, ...] = ()

    @property
    def zipped(self) -> int:
        """The function's own zip: code and vendored wheels."""
        return self.code_zipped + self.deps_zipped

    @property
    def unzipped(self) -> int:
        """What counts against the 250 MiB limit: the package plus the repository's layers."""
        return self.code_unzipped + self.deps_unzipped + self.layers_unzipped


def shipped_dists(facts: FunctionFacts) -> list[ResolvedDist]:
    """Resolved distributions the package must carry.

    The runtime's own packages (boto3, urllib3, …) are left out unless a direct pin needs a
    version the runtime does not have; then the SDK ships whole (boto3, botocore, s3transfer).
    """
    resolution = facts.resolution
    if resolution is None:
        return []
    pinned_sdk = False
    kept = []
    for dist in resolution.dists:
        shipped = facts.shipped(dist.normalized)
        if shipped is None:
            kept.append(dist)
            continue
        if dist.direct and _needs_own_copy(facts, dist.normalized):
            kept.append(dist)
            pinned_sdk |= dist.normalized in SDK_SET
    if pinned_sdk:
        kept += [d for d in resolution.dists if d.normalized in SDK_SET and d not in kept]
    return kept


def estimate(facts: FunctionFacts) -> SizeEstimate | None:
    """The package size for the recommended zip, or None when dependencies were not resolved."""
    resolution = facts.resolution
    if resolution is None or resolution.error or resolution.note:
        return None
    dists = shipped_dists(facts)
    code_unzipped, code_zipped = folder_size(facts.function.code_dir)
    layers = sum(
        folder_size(c.layer.content_dir)[0]
        for c in facts.modules.layer_contents
        if c.layer.content_dir and not c.layer.builds_requirements
    )
    wheels = [d.wheel for d in dists if d.wheel]
    return SizeEstimate(
        code_unzipped=code_unzipped,
        code_zipped=code_zipped,
        deps_unzipped=sum(w.unzipped for w in wheels) + sum(_pip_additions(d) for d in dists),
        deps_zipped=sum(w.size for w in wheels),
        layers_unzipped=layers,
        shipped=tuple(d.name for d in dists),
        complete=len(wheels) == len(dists),
        slim_savings=sum(w.tests_bytes + w.pycache_bytes for w in wheels),
        unread=tuple(f"{d.name}: {d.problem}" for d in dists if d.wheel is None and d.problem),
    )


def _pip_additions(dist: ResolvedDist) -> int:
    """Bytes pip itself writes per installed wheel (bench/sizes measured them).

    ``INSTALLER`` (4 bytes), an empty ``REQUESTED``, and two more ``RECORD`` rows naming them.
    """
    dist_info = f"{dist.name.replace('-', '_')}-{dist.version}.dist-info"
    return 4 + 2 * (len(dist_info) + 65)


def folder_size(folder: Path | None) -> tuple[int, int]:
    """(bytes on disk, bytes after deflate) of the files a zip of ``folder`` would hold."""
    if folder is None or not folder.is_dir():
        return 0, 0
    raw = packed = 0
    for current, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS]
        for name in files:
            path = Path(current) / name
            try:
                size = path.stat().st_size
                data = path.read_bytes() if size < _COMPRESS_BELOW else b""
            except OSError:
                continue
            raw += size
            packed += len(zlib.compress(data, 6)) if data else size
    return raw, packed


def _needs_own_copy(facts: FunctionFacts, normalized: str) -> bool:
    requirement = next(
        (r for r in facts.installed_requirements if r.normalized == normalized and r.direct), None
    )
    shipped = facts.shipped(normalized)
    seen = facts.observed(shipped) if shipped else None
    if requirement is None or not requirement.specifier or seen is None:
        return False
    return satisfies(requirement.specifier, seen.version) is False


def mib(size: int) -> str:
    """Bytes as MiB with one decimal, the unit Lambda's limits use."""
    return f"{size / MiB:.1f} MiB"
