"""The embedded model of AWS Lambda's managed Python runtimes.

Facts live in package data (``data/python3.X.json``, ``data/stdlib/<X.Y>.txt``,
``data/removed_stdlib.json``), each with its source; ``load`` reads them (never the host) and
this module turns them into typed records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from lambdalint.runtime.load import (
    iso_date,
    read_json,
    removed_document,
    runtime_names,
    stdlib_modules,
    version_pair,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

_PREFIX = "python"
_OVERLAY: dict[str, Path | None] = {"dir": None}  # the probe manifests folder, see set_overlay


class UnknownRuntimeError(ValueError):
    """A runtime name that lambdalint has no data for; the message lists the known ones."""


@dataclass(frozen=True, slots=True)
class Observation:
    """A version of a preinstalled distribution that a source saw on a given date."""

    version: str
    date: dt.date
    architecture: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Preinstalled:
    """A distribution the runtime ships; only ``confirmed`` ones count as provided."""

    name: str
    normalized: str
    modules: tuple[str, ...]
    confirmed: bool
    source: str
    observations: tuple[Observation, ...]
    note: str = ""

    def latest(self, architecture: str | None = None) -> Observation | None:
        """Return the newest observation for that architecture (unattributed ones count too)."""
        ok = (architecture, None)
        seen = [o for o in self.observations if architecture is None or o.architecture in ok]
        return max(seen, key=lambda o: (o.date, o.architecture is not None), default=None)


@dataclass(frozen=True, slots=True)
class RemovedModule:
    """A stdlib module removed in ``removed_in``, what to do instead, and what restores it."""

    name: str
    removed_in: tuple[int, int]
    replacement: str
    distribution: str | None
    source: str
    alternatives: tuple[str, ...] = ()
    distribution_source: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact came from: ``ref`` is a URL or a repository/path/commit reference."""

    id: str
    title: str
    ref: str


@dataclass(frozen=True, slots=True)
class Note:
    """A caveat about a runtime, with its source."""

    text: str
    source: str


class RuntimeStatus(StrEnum):
    """Lifecycle state of a runtime on a given day."""

    SUPPORTED = "supported"
    PREVIEW = "preview"
    DEPRECATED = "deprecated"
    CREATE_BLOCKED = "create-blocked"
    UPDATE_BLOCKED = "update-blocked"


@dataclass(frozen=True, slots=True)
class Runtime:
    """One managed runtime (``python3.11`` ...): platform, lifecycle, stdlib, preinstalled."""

    name: str
    python_version: tuple[int, int]
    os: str
    glibc: tuple[int, int]
    architectures: tuple[str, ...]
    preview: bool
    released: dt.date | None
    deprecated: dt.date | None
    block_create: dt.date | None
    block_update: dt.date | None
    successor: str | None
    sys_path: tuple[str, ...]
    preinstalled: tuple[Preinstalled, ...]
    stdlib: frozenset[str]
    sources: Mapping[str, Source] = field(hash=False, compare=False, repr=False)
    as_of: dt.date
    dates_source: str
    fact_sources: Mapping[str, str | None] = field(hash=False, compare=False, repr=False)
    platform_confirmed: bool = True
    preinstalled_path: str = ""
    notes: tuple[Note, ...] = ()

    @property
    def python(self) -> str:
        """The Python version as text, e.g. ``"3.11"``."""
        return f"{self.python_version[0]}.{self.python_version[1]}"

    def status(self, today: dt.date) -> RuntimeStatus:
        """Return the lifecycle state on ``today``: the latest date reached wins, then preview."""
        if self.block_update is not None and today >= self.block_update:
            return RuntimeStatus.UPDATE_BLOCKED
        if self.block_create is not None and today >= self.block_create:
            return RuntimeStatus.CREATE_BLOCKED
        if self.deprecated is not None and today >= self.deprecated:
            return RuntimeStatus.DEPRECATED
        if self.preview:
            return RuntimeStatus.PREVIEW
        return RuntimeStatus.SUPPORTED

    def provider_of(self, module_root: str) -> Preinstalled | None:
        """Return the confirmed preinstalled distribution providing this top-level module."""
        root = module_root.split(".", 1)[0]
        for dist in self.preinstalled:
            if dist.confirmed and root in dist.modules:
                return dist
        return None

    def is_stdlib(self, module_root: str) -> bool:
        """Tell whether the top-level module of ``module_root`` is in this Python's stdlib."""
        return module_root.split(".", 1)[0] in self.stdlib

    def removed_module(self, module: str) -> RemovedModule | None:
        """Return the stdlib removal affecting ``module`` (or a parent package) here."""
        parts = module.split(".")
        removed = _removed_modules()
        for end in range(len(parts), 0, -1):
            hit = removed.get(".".join(parts[:end]))
            if hit is not None and hit.removed_in <= self.python_version:
                return hit
        return None


def _source(raw: dict[str, Any]) -> Source:
    return Source(id=raw["id"], title=raw["title"], ref=raw.get("url") or raw["ref"])


def _preinstalled(raw: dict[str, Any]) -> Preinstalled:
    observations = tuple(
        Observation(
            version=o["version"],
            date=dt.date.fromisoformat(o["date"]),
            architecture=o["architecture"],
            source=o["source"],
        )
        for o in raw["observations"]
    )
    return Preinstalled(
        name=raw["name"],
        normalized=canonicalize_name(raw["name"]),
        modules=tuple(raw["modules"]),
        confirmed=raw["confirmed"],
        source=raw["source"],
        observations=observations,
        note=raw.get("note", ""),
    )


@lru_cache(maxsize=1)
def _removed_modules() -> Mapping[str, RemovedModule]:
    modules = {
        name: RemovedModule(
            name=name,
            removed_in=version_pair(raw["removed_in"]),
            replacement=raw["replacement"],
            distribution=raw["distribution"],
            source=raw["source"],
            alternatives=tuple(raw.get("alternatives", ())),
            distribution_source=raw.get("distribution_source"),
        )
        for name, raw in removed_document()["modules"].items()
    }
    return MappingProxyType(modules)


def restored_by(distribution: str) -> tuple[str, ...]:
    """Removed stdlib modules that ``distribution`` (any spelling) puts back."""
    wanted = canonicalize_name(distribution)
    return tuple(
        name
        for name, removed in _removed_modules().items()
        if wanted
        in {canonicalize_name(d) for d in (removed.distribution, *removed.alternatives) if d}
    )


def _runtime(raw: dict[str, Any]) -> Runtime:
    sources = {s["id"]: _source(s) for s in removed_document()["sources"]}
    sources.update({s["id"]: _source(s) for s in raw["sources"]})
    fact_sources = {
        key.removesuffix("_source"): value for key, value in raw.items() if key.endswith("_source")
    }
    return Runtime(
        name=raw["name"],
        python_version=version_pair(raw["python_version"]),
        os=raw["os"],
        glibc=version_pair(raw["glibc"]),
        architectures=tuple(raw["architectures"]),
        preview=raw["preview"],
        released=iso_date(raw["released"]),
        deprecated=iso_date(raw["deprecated"]),
        block_create=iso_date(raw["block_create"]),
        block_update=iso_date(raw["block_update"]),
        successor=raw["successor"],
        sys_path=tuple(raw["sys_path"]),
        preinstalled=tuple(_preinstalled(p) for p in raw["preinstalled"]),
        stdlib=stdlib_modules(raw["stdlib"]),
        sources=MappingProxyType(sources),
        as_of=dt.date.fromisoformat(raw["as_of"]),
        dates_source=raw["dates_source"],
        platform_confirmed=raw["platform_confirmed"],
        preinstalled_path=raw["preinstalled_path"],
        fact_sources=MappingProxyType(fact_sources),
        notes=tuple(Note(text=n["text"], source=n["source"]) for n in raw["notes"]),
    )


def set_overlay(directory: Path | None) -> tuple[str, ...]:
    """Make ``load_runtime`` apply the probe manifests in ``directory`` (None: bundled only).

    Returns a message per invalid manifest it will skip; the ``--runtime-data`` option calls this.
    """
    from lambdalint.runtime.manifest import read_manifests  # noqa: PLC0415 - it imports us

    _OVERLAY.update(dir=directory)
    load_runtime.cache_clear()
    return () if directory is None else read_manifests(directory).problems


@cache
def bundled_runtime(name: str) -> Runtime:
    """Return the runtime called ``name`` from the bundled data only, ignoring any overlay."""
    key = name.strip().lower()
    key = key if key.startswith(_PREFIX) else _PREFIX + key
    known = runtime_names()
    if key not in known:
        raise UnknownRuntimeError(f"unknown runtime {name!r}; known runtimes: {', '.join(known)}")
    return _runtime(read_json(f"{key}.json"))


@cache
def load_runtime(name: str) -> Runtime:
    """Return the runtime called ``name`` (``python3.11``; a bare ``3.11`` works too)."""
    runtime = bundled_runtime(name)
    if (overlay := _OVERLAY["dir"]) is None:
        return runtime
    from lambdalint.runtime.manifest import load_runtime_with  # noqa: PLC0415 - it imports us

    return load_runtime_with(runtime.name, overlay)


def all_runtimes() -> tuple[Runtime, ...]:
    """Return every known runtime, oldest Python first."""
    return tuple(load_runtime(name) for name in runtime_names())


def default_runtime_name() -> str:
    """Return the name of the newest runtime that is not a preview."""
    return next(rt.name for rt in reversed(all_runtimes()) if not rt.preview)
