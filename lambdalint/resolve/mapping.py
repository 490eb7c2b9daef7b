"""Which distribution provides an imported module, answered by an ordered chain of sources.

The chain records which source answered, so every finding can say why it believes what it
says: a vendored ``*.dist-info`` (exact), the runtime's data (exact for the preinstalled set),
a declared requirement whose name matches the module, then the fallback table of known
import names that differ from their distribution names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any

from packaging.utils import NormalizedName, canonicalize_name

from lambdalint.model import Layer, Requirement, VendoredDist
from lambdalint.read.layers import LayerContents
from lambdalint.resolve.managed_layers import ManagedLayer, layer_for_arn
from lambdalint.resolve.resolution import Resolution, ResolvedDist
from lambdalint.runtime.model import Runtime, restored_by


class ProvidedBy(StrEnum):
    """Where a module comes from at run time."""

    VENDORED = "vendored"
    LAYER = "layer"
    RUNTIME = "runtime"
    REQUIREMENT = "requirement"


@dataclass(frozen=True, slots=True)
class Provider:
    """The answer for one module: the distribution and the evidence for it."""

    kind: ProvidedBy
    distribution: str
    version: str | None
    evidence: str


@dataclass(frozen=True, slots=True)
class Transitive:
    """A module that arrives only as a dependency: its distribution and who brings it.

    ``chain`` runs from a declared requirement down to the distribution (empty when only the
    layer's contents are known); ``layer`` names the layer that installs it, None for the
    function's own package.
    """

    distribution: str
    version: str | None
    chain: tuple[str, ...]
    layer: str | None = None


def _data(name: str) -> dict[str, Any]:
    """A JSON file shipped in ``lambdalint/resolve/data``."""
    text = resources.files("lambdalint.resolve").joinpath(f"data/{name}").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def fallback_table() -> dict[str, tuple[str, ...]]:
    """Import name -> distributions, from the shipped data file (the last resort)."""
    modules = _data("import_names.json")["modules"]
    return {name: tuple(entry["distributions"]) for name, entry in modules.items()}


def table_distributions(module: str) -> tuple[str, ...]:
    """Distributions the fallback table names for the longest matching dotted prefix."""
    table = fallback_table()
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        hit = table.get(".".join(parts[:end]))
        if hit:
            return hit
    return ()


@lru_cache(maxsize=1)
def _modules_by_distribution() -> dict[str, list[str]]:
    """The fallback table reversed: normalized distribution -> import names."""
    reverse: dict[str, list[str]] = {}
    for module, dists in fallback_table().items():
        for dist in dists:
            reverse.setdefault(canonicalize_name(dist), []).append(module)
    return reverse


@lru_cache(maxsize=1024)
def guessed_modules(distribution: str) -> tuple[str, ...]:
    """Import names a distribution probably provides when nothing better is known."""
    normalized = canonicalize_name(distribution)
    found = list(_modules_by_distribution().get(normalized, ()))
    found.append(normalized.replace("-", "_"))
    if "-" in normalized:
        found.append(normalized.replace("-", "."))
    found += [
        normalized.removeprefix(prefix).replace("-", "_")
        for prefix in ("python-", "py-")
        if normalized.startswith(prefix)
    ]
    return tuple(dict.fromkeys(found))


def published_contents(arn: str, layer: ManagedLayer) -> LayerContents:
    """What a layer AWS publishes provides directly: the distributions its build names."""
    modules = frozenset(m for dist in layer.named for m in guessed_modules(dist))
    return LayerContents(Layer(key=arn, name=layer.name, content_dir=None), modules, (), (), ())


class ModuleMap:
    """Module -> provider for one function, and distribution -> modules for its requirements."""

    def __init__(
        self,
        runtime: Runtime,
        vendored: tuple[VendoredDist, ...],
        requirements: tuple[Requirement, ...],
        layers: tuple[LayerContents, ...] = (),
        resolution: Resolution | None = None,
        *,
        layer_resolutions: Mapping[str, Resolution] | None = None,
    ) -> None:
        self._runtime = runtime
        self._vendored = vendored
        self._requirements = _by_name(requirements)
        self._layers = [(layer, _by_name(layer.requirements)) for layer in layers]
        self._resolution = resolution
        self._layer_resolutions = dict(layer_resolutions or {})

    @property
    def layer_contents(self) -> tuple[LayerContents, ...]:
        """The repository layers this function attaches, as read."""
        return tuple(layer for layer, _requirements in self._layers)

    def provider(self, module: str) -> Provider | None:
        """Who provides ``module`` (dotted); None when nothing in reach does."""
        root = module.split(".", 1)[0]
        for dist in self._vendored:
            if _covers(dist.modules, module):
                return Provider(ProvidedBy.VENDORED, dist.name, dist.version, "vendored dist-info")
        for layer, requirements in self._layers:
            name = layer.layer.name
            if root in layer.modules:
                return Provider(ProvidedBy.LAYER, name, None, f"layer {name} (python/ folder)")
            resolved = self._layer_resolutions.get(layer.layer.key)
            requirement = self._match(module, requirements, resolved)
            if requirement is not None:
                return Provider(
                    ProvidedBy.LAYER, name, None, f"layer {name} installs {requirement.name}"
                )
        shipped = self._runtime.provider_of(root)
        if shipped is not None:
            seen = shipped.latest()
            return Provider(
                ProvidedBy.RUNTIME,
                shipped.name,
                seen.version if seen else None,
                f"{self._runtime.name} runtime data",
            )
        requirement = self.requirement_for(module)
        if requirement is not None:
            return Provider(ProvidedBy.REQUIREMENT, requirement.name, None, "declared requirement")
        return None

    def requirement_for(self, module: str) -> Requirement | None:
        """The declared requirement that provides ``module``, by name or by the fallback table."""
        return self._match(module, self._requirements, self._resolution)

    def transitive(self, module: str) -> Transitive | None:
        """The dependency (not a declared requirement) that provides ``module``, and via what.

        The function's own resolution first, then each layer's: a layer's resolved
        requirements, or the distributions a published layer bundles only as dependencies.
        """
        dist = _indirect(self._resolution, module)
        if dist is not None and self._resolution is not None:
            return Transitive(dist.name, dist.version, tuple(self._resolution.chain(dist)))
        root = module.split(".", 1)[0]
        for layer, _requirements in self._layers:
            resolution = self._layer_resolutions.get(layer.layer.key)
            dist = _indirect(resolution, module)
            if dist is not None and resolution is not None:
                chain = tuple(resolution.chain(dist))
                return Transitive(dist.name, dist.version, chain, layer.layer.name)
            published = layer_for_arn(layer.layer.key)
            for bundled in sorted(published.distributions - published.named) if published else ():
                if root in guessed_modules(bundled):
                    return Transitive(bundled, None, (), layer.layer.name)
        return None

    def _match(
        self, module: str, requirements: dict[str, Requirement], resolution: Resolution | None
    ) -> Requirement | None:
        if resolution is not None:
            resolved = resolution.by_module.get(module.split(".", 1)[0])
            if resolved is not None and resolved.normalized in requirements:
                return requirements[resolved.normalized]  # exact: the wheel's own file list
        for name in _name_candidates(module):
            if name in requirements:
                return requirements[name]
        for dist in table_distributions(module):
            hit = requirements.get(canonicalize_name(dist))
            if hit is not None:
                return hit
        if "." in module:  # `from google.cloud import storage` names a namespace package
            for requirement in requirements.values():
                if any(m.startswith(module + ".") for m in self.modules_of(requirement)):
                    return requirement
        return None

    def modules_of(self, requirement: Requirement) -> tuple[str, ...]:
        """Import names ``requirement`` provides, best evidence first.

        The resolved wheel's files, vendored metadata, runtime data, then guesses from the
        name and the fallback table.
        """
        resolution = self._resolution
        resolved = resolution.dist(requirement.normalized) if resolution else None
        files = resolved.wheel or resolved.sdist if resolved is not None else None
        if resolution and files is not None and files.modules:
            modules = files.modules
            if any(m.split(".")[0] in resolution.by_module for m in modules):
                return modules
            # Only a shared namespace root (``google``): the name says which part is its own.
            return tuple(dict.fromkeys((*guessed_modules(requirement.name), *modules)))
        for dist in self._vendored:
            if dist.normalized == requirement.normalized and dist.modules:
                return dist.modules
        for shipped in self._runtime.preinstalled:
            if shipped.normalized == requirement.normalized:
                return shipped.modules
        return restored_by(requirement.name) or guessed_modules(requirement.name)


def _indirect(resolution: Resolution | None, module: str) -> ResolvedDist | None:
    """The resolved distribution providing ``module`` when it is not a direct requirement."""
    dist = resolved_provider(resolution, module)
    return dist if dist is not None and not dist.direct else None


def resolved_provider(resolution: Resolution | None, module: str) -> ResolvedDist | None:
    """The resolved distribution providing ``module``: by its wheel's files, or by name."""
    if resolution is None:
        return None
    root = module.split(".", 1)[0]
    dist = resolution.by_module.get(root)
    if dist is None:  # a namespace package: ``google.auth`` is google-auth, by name; the bare
        dist = next(  # root only from the distribution that ships it (stactools.core: stactools)
            (
                d
                for n in _name_candidates(module)
                if (d := resolution.dist(n)) is not None
                and ("-" in n or (d.wheel is not None and root in d.wheel.modules))
            ),
            None,
        )
    return dist


def candidates_for(module: str) -> tuple[str, ...]:
    """Distributions that would provide ``module``, for the fix text of a missing import."""
    return table_distributions(module) or (module.split(".", 1)[0],)


def _by_name(requirements: tuple[Requirement, ...]) -> dict[str, Requirement]:
    return {r.normalized: r for r in requirements if not r.constraint}


def _covers(modules: tuple[str, ...], module: str) -> bool:
    return any(
        module == m or module.startswith(m + ".") or m.startswith(module + ".") for m in modules
    )


def _name_candidates(module: str) -> list[NormalizedName]:
    """``google.cloud.storage`` -> google-cloud-storage, google-cloud, google."""
    parts = module.split(".")
    return [canonicalize_name("-".join(parts[:end])) for end in range(len(parts), 0, -1)]
