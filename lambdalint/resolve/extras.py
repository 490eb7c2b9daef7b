"""Declared distributions that something else needs: a dependency, a used extra, a loaded name.

An extra is optional by definition: ``fastjsonschema`` is only needed for Powertools' validation
utility, so being an extra of a used package is not enough to call it used. Which part of a
package loads which extra comes from shipped data (read from the packages' own wheels); an
extra lambdalint has no data for stays needed whenever its package is used. Distributions a
library imports by name (a database driver, a filesystem backend) are needed the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508
from packaging.utils import canonicalize_name

from lambdalint.model import Requirement
from lambdalint.resolve.mapping import resolved_provider
from lambdalint.resolve.resolution import Resolution

_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")


@lru_cache(maxsize=1)
def feature_modules() -> dict[str, dict[str, tuple[str, ...]]]:
    """Package -> extra distribution -> the package modules that load it (shipped data)."""
    text = resources.files("lambdalint.resolve").joinpath("data/extra_features.json")
    packages = json.loads(text.read_text("utf-8"))["packages"]
    return {
        canonicalize_name(package): {
            canonicalize_name(dist): tuple(feature["modules"])
            for dist, feature in entry["extras"].items()
        }
        for package, entry in packages.items()
    }


def needed_by_others(
    resolution: Resolution | None,
    requirements: tuple[Requirement, ...],
    used: set[str],
    imported: set[str],
) -> set[str]:
    """Declared distributions another declared one requires, or a used one needs as an extra.

    ``used`` are the declared distributions the code uses (normalized), ``imported`` the
    dotted modules it imports. An extra counts when its package is used and either asks for
    it (``pkg[extra]``), has no data about it, or the code imports a module that loads it.
    """
    if resolution is None:
        return set()
    declared = {r.normalized: r for r in requirements}
    needed = {name for name in declared if resolution.ancestors(name) & declared.keys()}
    edges = _extra_edges(resolution, declared)
    in_use = set(used) | needed
    changed = True
    while changed:  # an extra in use makes its own extras count too
        changed = False
        for (parent, child), extras in edges.items():
            if child in needed or parent not in in_use:
                continue
            asked = {canonicalize_name(e) for e in declared[parent].extras} & extras
            if asked or _feature_used(parent, child, imported):
                needed.add(child)
                in_use.add(child)
                changed = True
    return needed


def _extra_edges(
    resolution: Resolution, declared: dict[str, Requirement]
) -> dict[tuple[str, str], set[str]]:
    """(declared parent, declared child) -> the parent's extras that require the child."""
    edges: dict[tuple[str, str], set[str]] = {}
    for dist in resolution.dists:
        if dist.wheel is None or dist.normalized not in declared:
            continue
        for line in dist.wheel.requires_dist:
            with suppress(InvalidRequirement):
                wanted = Pep508(line)
                child = canonicalize_name(wanted.name)
                extras = {canonicalize_name(e) for e in _EXTRA.findall(str(wanted.marker or ""))}
                if extras and child in declared and child != dist.normalized:
                    edges.setdefault((dist.normalized, child), set()).update(extras)
    return edges


def _feature_used(parent: str, child: str, imported: set[str]) -> bool:
    """Whether the code imports a part of ``parent`` that loads ``child`` (no data: yes)."""
    modules = feature_modules().get(parent, {}).get(child)
    if modules is None:
        return True
    return any(i == m or i.startswith(m + ".") for i in imported for m in modules)


@dataclass(frozen=True, slots=True)
class _Host:
    """A library that imports other distributions by name (shipped data)."""

    loads: frozenset[str]
    for_dependents: bool  # also when only a library the code imports brings it in


@lru_cache(maxsize=1)
def _hosts() -> dict[str, _Host]:
    """Host top-level module -> what it loads by name (``data/loaded_by_name.json``)."""
    text = resources.files("lambdalint.resolve").joinpath("data/loaded_by_name.json")
    hosts: Mapping[str, Any] = json.loads(text.read_text("utf-8"))["hosts"]
    return {
        host: _Host(
            frozenset(canonicalize_name(d) for d in entry["distributions"]),
            "for_dependents" in entry,
        )
        for host, entry in hosts.items()
    }


def loaded_by_name(imported: set[str], resolution: Resolution | None = None) -> set[str]:
    """Distributions that the code's libraries load by name (drivers, backends, engines).

    ``imported`` are the dotted modules the code imports. A host counts when the code imports
    it, or, for a host that serves the libraries built on it (fsspec), when the resolved closure
    installs it because of a distribution the code imports: merely being declared, or brought
    in by what it loads (s3fs), is not enough.
    """
    roots = {m.split(".", 1)[0] for m in imported}
    loaded: set[str] = set()
    for root, host in _hosts().items():
        if root in roots or (
            host.for_dependents and _installed_by_imports(resolution, root, imported, host)
        ):
            loaded |= host.loads
    return loaded


def _installed_by_imports(
    resolution: Resolution | None, root: str, imported: set[str], host: _Host
) -> bool:
    """Whether a distribution the code imports (not one the host loads) requires the host."""
    dist = resolution.by_module.get(root) if resolution else None
    if resolution is None or dist is None:
        return False
    importers = {d.normalized for m in imported if (d := resolved_provider(resolution, m))}
    return bool(resolution.ancestors(dist.normalized) & (importers - host.loads))
