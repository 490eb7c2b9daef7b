"""The target interpreter: markers and wheel tags are evaluated for Lambda, never the host.

``target_tags`` ranks tags as the target's pip does; ``choose_wheel`` picks from a lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.markers import InvalidMarker, Marker
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

if TYPE_CHECKING:
    from lambdalint.resolve.uv import LockedFile, LockedPackage

# Lambda names the architecture arm64; Python's platform.machine() there says aarch64.
MACHINES = {"x86_64": "x86_64", "arm64": "aarch64", "aarch64": "aarch64"}
_LEGACY = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}


@dataclass(frozen=True, slots=True)
class Target:
    """A runtime's interpreter on one architecture, as PEP 508 markers see it."""

    python_version: tuple[int, int]
    architecture: str

    @property
    def machine(self) -> str:
        """``platform.machine()`` inside the runtime."""
        return MACHINES.get(self.architecture, self.architecture)

    def environment(self) -> dict[str, str]:
        """A full marker environment for the target (micro version unknown: taken as 0)."""
        major, minor = self.python_version
        return {
            "implementation_name": "cpython",
            "implementation_version": f"{major}.{minor}.0",
            "os_name": "posix",
            "platform_machine": self.machine,
            "platform_release": "",
            "platform_system": "Linux",
            "platform_version": "",
            "python_full_version": f"{major}.{minor}.0",
            "platform_python_implementation": "CPython",
            "python_version": f"{major}.{minor}",
            "sys_platform": "linux",
            "extra": "",
        }

    def applies(self, marker: str | None) -> bool:
        """Whether a requirement with this marker is installed on the target (bad markers: yes)."""
        if not marker:
            return True
        try:
            return Marker(marker).evaluate(self.environment())
        except InvalidMarker:
            return True


def choose_wheel(
    package: LockedPackage,
    python_version: tuple[int, int],
    glibc: tuple[int, int],
    architecture: str,
) -> LockedFile | None:
    """The wheel pip would install on the target, or None when none fits."""
    priority = {
        tag: rank for rank, tag in enumerate(target_tags(python_version, glibc, architecture))
    }
    best: tuple[int, LockedFile] | None = None
    for wheel in package.wheels:
        try:
            tags = parse_wheel_filename(wheel.filename)[3]
        except InvalidWheelFilename:
            continue
        ranks = [priority[tag] for tag in tags if tag in priority]
        if ranks and (best is None or min(ranks) < best[0]):
            best = (min(ranks), wheel)
    return best[1] if best else None


def target_tags(
    python_version: tuple[int, int], glibc: tuple[int, int], architecture: str
) -> list[Tag]:
    """The target's supported tags, most preferred first, as the target's pip ranks them."""
    machine = MACHINES.get(architecture, architecture)
    oldest = 5 if machine == "x86_64" else 17  # aarch64 wheels start at manylinux2014
    platforms: list[str] = []
    for minor in range(glibc[1], oldest - 1, -1):
        platforms.append(f"manylinux_2_{minor}_{machine}")
        if minor in _LEGACY:
            platforms.append(f"{_LEGACY[minor]}_{machine}")
    platforms.append(f"linux_{machine}")  # last, as pip: find-links builds (torch +cpu)
    interpreter = f"cp{python_version[0]}{python_version[1]}"
    # CPython before 3.8 built with pymalloc (as Lambda's were) has the ABI tag cp37m.
    abi = f"{interpreter}m" if python_version < (3, 8) else interpreter
    return [
        *cpython_tags(python_version, abis=[abi], platforms=platforms),
        *compatible_tags(python_version, interpreter=interpreter, platforms=platforms),
    ]
