"""Layers AWS publishes for Python (SDK for pandas, Powertools), as data.

A function that attaches one by ARN is provided with its distributions; a function whose
dependencies one of them covers can use it instead of vendoring.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from packaging.utils import canonicalize_name


@dataclass(frozen=True, slots=True)
class ManagedLayer:
    """One published layer family: how to name its ARN and what it contains."""

    name: str
    arn_marker: str
    arn: str
    arm_suffix: str
    pythons: tuple[str, ...]
    distributions: frozenset[str]
    named: frozenset[str]  # installed by name; the rest only arrive as their dependencies
    headline: frozenset[str]
    zipped_mib: int | None
    unzipped_mib: int | None

    def arn_for(self, python: str, architecture: str) -> str:
        """The ARN pattern for a runtime, with ``{region}`` and ``{version}`` left to fill."""
        return self.arn.format(
            region="{region}",
            version="{version}",
            py_nodot=python.replace(".", ""),
            arch=architecture,
            arm_suffix=self.arm_suffix if architecture == "arm64" else "",
        )


@lru_cache(maxsize=1)
def managed_layers() -> tuple[ManagedLayer, ...]:
    """Every layer in the shipped data file."""
    text = (
        resources.files("lambdalint.resolve")
        .joinpath("data/managed_layers.json")
        .read_text(encoding="utf-8")
    )
    return tuple(
        ManagedLayer(
            name=raw["name"],
            arn_marker=raw["arn_marker"],
            arn=raw["arn"],
            arm_suffix=raw["arm_suffix"],
            pythons=tuple(raw["pythons"]),
            distributions=frozenset(canonicalize_name(d) for d in raw["distributions"]),
            named=frozenset(canonicalize_name(d) for d in raw["named"]),
            headline=frozenset(canonicalize_name(d) for d in raw["headline"]),
            zipped_mib=raw["zipped_mib"],
            unzipped_mib=raw["unzipped_mib"],
        )
        for raw in json.loads(text)["layers"]
    )


def layer_for_arn(arn: str) -> ManagedLayer | None:
    """The published layer an attached ARN belongs to, if lambdalint knows it."""
    return next((layer for layer in managed_layers() if layer.arn_marker in arn), None)


def covering(needed: set[str], python: str) -> ManagedLayer | None:
    """A published layer for this Python that contains every needed distribution.

    Only for what the layer is for: the pandas layer bundles requests, but 150 MiB of pandas is
    no way to ship requests.
    """
    return next(
        (
            layer
            for layer in managed_layers()
            if python in layer.pythons and needed & layer.headline and needed <= layer.distributions
        ),
        None,
    )
