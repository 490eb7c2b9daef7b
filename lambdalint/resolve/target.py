"""The target interpreter: markers and wheel tags are evaluated for Lambda, never the host."""

from __future__ import annotations

from dataclasses import dataclass

from packaging.markers import InvalidMarker, Marker

# Lambda names the architecture arm64; Python's platform.machine() there says aarch64.
_MACHINE = {"x86_64": "x86_64", "arm64": "aarch64"}


@dataclass(frozen=True, slots=True)
class Target:
    """A runtime's interpreter on one architecture, as PEP 508 markers see it."""

    python_version: tuple[int, int]
    architecture: str

    @property
    def machine(self) -> str:
        """``platform.machine()`` inside the runtime."""
        return _MACHINE.get(self.architecture, self.architecture)

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
