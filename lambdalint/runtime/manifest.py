"""Probe manifests laid over the bundled runtime data (``--runtime-data DIR``).

A manifest (``probe.manifest_from_probe``) is what one probe saw in one runtime, architecture
and Region on one day. ``apply_manifests`` turns the distributions it found in the runtime's own
folders into dated observations, confirms them, and takes the probe's ``sys.path`` and glibc.
Distributions found in ``/var/task`` or ``/opt`` (function code, layers) never count.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from lambdalint.runtime.model import Observation, Preinstalled, Runtime, Source, bundled_runtime
from lambdalint.runtime.probe import ARCHITECTURES, MANIFEST_FORMAT, ManifestError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
_FIELDS: dict[str, type | tuple[type, ...]] = {
    "manifest_format": int,
    "runtime": str,
    "architecture": str,
    "python": str,
    "glibc": (str, type(None)),
    "sys_path": list,
    "execution_env": (str, type(None)),
    "region": (str, type(None)),
    "preinstalled": list,
    "observed_on": str,
    "source": str,
}
_DIST_FIELDS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "version": str,
    "modules": list,
    "location": (str, type(None)),
}


@dataclass(frozen=True, slots=True)
class ManifestSet:
    """The valid manifests of a folder, and one message per file skipped as invalid."""

    manifests: tuple[dict[str, Any], ...]
    problems: tuple[str, ...]


def _check_fields(raw: Any, fields: dict[str, Any], where: str) -> None:  # noqa: ANN401 - JSON
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: expected an object")
    for key, kind in fields.items():
        if key not in raw:
            raise ManifestError(f"{where}: missing {key!r}")
        if not isinstance(raw[key], kind) or isinstance(raw[key], bool):
            raise ManifestError(f"{where}: {key!r} has the wrong type ({type(raw[key]).__name__})")


def validate_manifest(raw: Any, origin: str) -> dict[str, Any]:  # noqa: ANN401 - untrusted JSON
    """Return ``raw`` if it is a well-typed manifest, else raise ManifestError naming ``origin``."""
    _check_fields(raw, _FIELDS, origin)
    if raw["manifest_format"] != MANIFEST_FORMAT:
        raise ManifestError(f"{origin}: unknown manifest_format {raw['manifest_format']}")
    if not re.match(r"^python3\.[0-9]+$", raw["runtime"]):
        raise ManifestError(f"{origin}: runtime {raw['runtime']!r} is not a Python runtime name")
    if raw["architecture"] not in ARCHITECTURES:
        raise ManifestError(f"{origin}: architecture must be one of {', '.join(ARCHITECTURES)}")
    if not _SOURCE_ID.match(raw["source"]):
        raise ManifestError(f"{origin}: source {raw['source']!r} is not a lowercase source id")
    if raw["glibc"] is not None and not re.match(r"^[0-9]+\.[0-9]+$", raw["glibc"]):
        raise ManifestError(f"{origin}: glibc {raw['glibc']!r} is not a X.Y version")
    try:
        dt.date.fromisoformat(raw["observed_on"])
    except ValueError:
        raise ManifestError(f"{origin}: observed_on {raw['observed_on']!r} is not a date") from None
    if not all(isinstance(p, str) and p.startswith("/") for p in raw["sys_path"]):
        raise ManifestError(f"{origin}: sys_path entries must be absolute paths")
    for index, dist in enumerate(raw["preinstalled"]):
        where = f"{origin}: preinstalled[{index}]"
        _check_fields(dist, _DIST_FIELDS, where)
        if not all(isinstance(m, str) and m.isidentifier() for m in dist["modules"]):
            raise ManifestError(f"{where}: modules must be top-level import names")
    return dict(raw)


def runtime_folders(runtime: Runtime) -> frozenset[str]:
    """The folders holding the runtime's own distributions (not function code, not layers)."""
    return frozenset(
        {"/var/runtime", f"/var/lang/lib/python{runtime.python}/site-packages"}
        | ({runtime.preinstalled_path} if runtime.preinstalled_path else set())
    )


def provided(manifest: dict[str, Any], folders: frozenset[str]) -> list[dict[str, Any]]:
    """Distributions found in ``folders``; of duplicates, the copy first on ``sys_path`` wins."""
    order = {path: index for index, path in reversed(list(enumerate(manifest["sys_path"])))}
    found = [d for d in manifest["preinstalled"] if d["location"] in folders]
    found.sort(key=lambda d: order.get(d["location"], len(order)))
    winners: dict[str, dict[str, Any]] = {}
    for dist in found:
        winners.setdefault(canonicalize_name(dist["name"]), dist)
    return sorted(winners.values(), key=lambda d: canonicalize_name(d["name"]))


def probe_source(manifest: dict[str, Any]) -> Source:
    """The Source record a manifest stands for."""
    where = manifest["region"] or "an unnamed Region"
    env = f", {manifest['execution_env']}" if manifest["execution_env"] else ""
    return Source(
        id=manifest["source"],
        title=(
            f"lambdalint runtime probe of {manifest['runtime']} on {manifest['architecture']} "
            f"in {where}{env}, {manifest['observed_on']} (Python {manifest['python']})"
        ),
        ref=f"lambdalint runtimes probe manifest {manifest['source']}",
    )


def _observe(
    existing: Preinstalled | None, dist: dict[str, Any], seen: Observation
) -> Preinstalled:
    if existing is None:
        return Preinstalled(
            name=dist["name"],
            normalized=canonicalize_name(dist["name"]),
            modules=tuple(dist["modules"]),
            confirmed=True,
            source=seen.source,
            observations=(seen,),
        )
    modules = existing.modules + tuple(m for m in dist["modules"] if m not in existing.modules)
    observations = existing.observations
    if seen not in observations:
        observations = (*observations, seen)
    return replace(
        existing,
        modules=modules,
        confirmed=True,
        source=existing.source if existing.confirmed else seen.source,
        observations=observations,
    )


def apply_manifests(runtime: Runtime, manifests: Sequence[dict[str, Any]]) -> Runtime:
    """Return ``runtime`` with what the manifests saw: observations, sys_path and glibc.

    Manifests apply oldest first, so the newest decides ``sys_path`` and glibc. Raises
    ManifestError (a ValueError) for an invalid manifest or one for another runtime or
    architecture.
    """
    checked = [validate_manifest(m, f"manifest #{i + 1}") for i, m in enumerate(manifests)]
    folders = runtime_folders(runtime)
    by_name = {p.normalized: p for p in runtime.preinstalled}
    order = [p.normalized for p in runtime.preinstalled]
    sources = dict(runtime.sources)
    fact_sources = dict(runtime.fact_sources)
    sys_path, glibc = runtime.sys_path, runtime.glibc
    for index, manifest in sorted(enumerate(checked), key=lambda im: im[1]["observed_on"]):
        origin = f"manifest #{index + 1} ({manifest['source']})"
        if manifest["runtime"] != runtime.name:
            raise ManifestError(f"{origin} is for {manifest['runtime']}, not {runtime.name}")
        if manifest["architecture"] not in runtime.architectures:
            raise ManifestError(
                f"{origin}: {runtime.name} does not run on {manifest['architecture']}"
            )
        date = dt.date.fromisoformat(manifest["observed_on"])
        for dist in provided(manifest, folders):
            seen = Observation(dist["version"], date, manifest["architecture"], manifest["source"])
            key = canonicalize_name(dist["name"])
            if key not in by_name:
                order.append(key)
            by_name[key] = _observe(by_name.get(key), dist, seen)
        sources[manifest["source"]] = probe_source(manifest)
        if manifest["sys_path"]:
            sys_path = tuple(manifest["sys_path"])
            fact_sources["sys_path"] = manifest["source"]
        if manifest["glibc"] is not None:
            major, minor = manifest["glibc"].split(".")
            glibc = (int(major), int(minor))
            fact_sources["glibc"] = manifest["source"]
    return replace(
        runtime,
        preinstalled=tuple(by_name[key] for key in order),
        sys_path=sys_path,
        glibc=glibc,
        sources=MappingProxyType(sources),
        fact_sources=MappingProxyType(fact_sources),
    )


def read_manifests(data_dir: Path) -> ManifestSet:
    """Read every ``*.json`` manifest in ``data_dir``; invalid ones are skipped with a message."""
    manifests: list[dict[str, Any]] = []
    problems: list[str] = []
    if not data_dir.is_dir():
        return ManifestSet((), (f"runtime data folder {data_dir} does not exist",))
    for path in sorted(data_dir.glob("*.json")):
        try:
            manifests.append(validate_manifest(json.loads(path.read_text("utf-8")), str(path)))
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"skipped {path}: cannot read it ({error})")
        except ValueError as error:  # includes JSONDecodeError
            message = str(error)
            detail = message if message.startswith(str(path)) else f"{path}: {message}"
            problems.append(f"skipped {detail}")
    return ManifestSet(tuple(manifests), tuple(problems))


def load_runtime_with(name: str, data_dir: Path | None) -> Runtime:
    """The bundled runtime ``name`` with the valid manifests for it in ``data_dir`` applied.

    Manifests for other runtimes are ignored; invalid files are skipped (``read_manifests``
    reports them).
    """
    runtime = bundled_runtime(name)
    if data_dir is None:
        return runtime
    mine = [m for m in read_manifests(data_dir).manifests if m["runtime"] == runtime.name]
    return apply_manifests(runtime, [m for m in mine if m["architecture"] in runtime.architectures])
