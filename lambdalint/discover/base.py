"""What every discovery source returns, and the helpers they share.

A source reads one kind of infrastructure-as-code file (Terraform, SAM/CloudFormation,
serverless.yml, CDK, Dockerfile) and turns it into ``Function`` and ``Layer`` records. It
never raises for bad input: problems become findings with the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lambdalint.model import Finding, Function, Layer


@dataclass(frozen=True, slots=True)
class Discovery:
    """Functions and layers found by one source, and what it could not read or resolve.

    ``claimed`` lists folders the IaC deploys, so convention discovery does not report them
    a second time (for example a SAM ``CodeUri`` folder that also looks like a function).
    """

    functions: tuple[Function, ...] = ()
    layers: tuple[Layer, ...] = ()
    findings: tuple[Finding, ...] = ()
    claimed: frozenset[Path] = field(default_factory=frozenset)

    def __add__(self, other: Discovery) -> Discovery:
        return Discovery(
            self.functions + other.functions,
            self.layers + other.layers,
            self.findings + other.findings,
            self.claimed | other.claimed,
        )


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` resolves to somewhere under ``root`` (IaC may point outside the repo)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # symlink loops
        return False
