"""What would really be installed for the target: distributions, wheels, sizes, edges.

uv resolves for the target's Python, glibc and architecture (markers evaluated for the
target, never the host); each chosen wheel is then read from its zip central directory. Both
steps are cached, so a warm run on unchanged requirements makes no network request.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from packaging.markers import InvalidMarker
from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508
from packaging.utils import canonicalize_name

from lambdalint.model import Requirement
from lambdalint.resolve.cache import Cache
from lambdalint.resolve.indexes import IndexConfig, unreachable_note
from lambdalint.resolve.sdists import SdistFacts
from lambdalint.resolve.set_aside import compile_setting_aside, source_only_facts
from lambdalint.resolve.target import Target, choose_wheel
from lambdalint.resolve.uv import (
    Lock,
    LockedPackage,
    ResolutionError,
    UvNotFoundError,
    parse_pylock,
)
from lambdalint.resolve.wheels import WheelError, WheelFacts, wheel_facts

_FETCHERS = 8


@dataclass(frozen=True, slots=True)
class ResolvedDist:
    """One distribution the install would contain, with its wheel when one fits the target."""

    name: str
    normalized: str
    version: str
    wheel: WheelFacts | None
    wheel_url: str | None
    no_wheel: bool
    other_wheels: tuple[str, ...]
    has_sdist: bool
    direct: bool
    parents: tuple[str, ...]
    problem: str | None = None
    sdist: SdistFacts | None = None  # read from the source archive when no wheel exists

    @property
    def needs_native_build(self) -> bool:
        """No wheel, and no pure-Python sdist either: only a build for the target can help."""
        return self.no_wheel and (self.sdist is None or not self.sdist.pure)


@dataclass(frozen=True, slots=True)
class Resolution:
    """The resolved install for one function, or why there is none."""

    dists: tuple[ResolvedDist, ...] = ()
    error: str | None = None
    blamed: tuple[str, ...] = ()
    note: str | None = None
    by_module: dict[str, ResolvedDist] = field(default_factory=dict, compare=False)

    @property
    def complete(self) -> bool:
        """Every distribution has wheel facts, so sizes and modules are exact."""
        return not self.error and not self.note and all(d.wheel for d in self.dists)

    def dist(self, normalized: str) -> ResolvedDist | None:
        """The resolved distribution of that (normalized) name."""
        return next((d for d in self.dists if d.normalized == normalized), None)

    def ancestors(self, normalized: str) -> set[str]:
        """Every distribution that requires this one, directly or through others (not itself)."""
        parents = {dist.normalized: dist.parents for dist in self.dists}
        seen: set[str] = set()
        todo = list(parents.get(normalized, ()))
        while todo:
            parent = todo.pop()
            if parent not in seen and parent != normalized:
                seen.add(parent)
                todo.extend(parents.get(parent, ()))
        return seen

    def chain(self, dist: ResolvedDist) -> list[str]:
        """Names from a direct requirement down to ``dist`` (``["fastapi", "starlette"]``)."""
        path = [dist.name]
        seen = {dist.normalized}
        current = dist
        while not current.direct and current.parents:
            parent = self.dist(current.parents[0])
            if parent is None or parent.normalized in seen:
                break
            path.insert(0, parent.name)
            seen.add(parent.normalized)
            current = parent
        return path


def requirement_lines(requirements: Iterable[Requirement], target: Target) -> list[str]:
    """PEP 508 lines for the resolver: what applies on the target; local paths cannot be."""
    lines = []
    for r in requirements:
        if r.constraint or not target.applies(r.marker) or r.editable:
            continue
        extras = f"[{','.join(r.extras)}]" if r.extras else ""
        if r.url:
            if r.url.startswith(("http://", "https://", "git+")):
                lines.append(f"{r.name}{extras} @ {r.url}")
            continue
        lines.append(f"{r.name}{extras}{r.specifier}")
    return sorted(set(lines))


def from_lock_file(
    text: str,
    requirements: tuple[Requirement, ...],
    target: Target,
    glibc: tuple[int, int],
    cache: Cache,
) -> Resolution:
    """A ``pylock.toml`` the project already has: verified for the target, not re-resolved.

    Packages whose marker is false on the target are dropped; the rest must have a wheel
    that fits the target (``no-compatible-wheel`` says which do not).
    """
    try:
        lock = parse_pylock(text)
    except (ValueError, KeyError, TypeError) as error:
        return Resolution(error=f"pylock.toml cannot be read: {error}")
    kept = tuple(p for p in lock.packages if target.applies(p.marker))
    direct = {r.normalized for r in requirements if r.direct and not r.constraint}
    return _read_wheels(Lock(kept), direct or {p.normalized for p in kept}, target, glibc, cache)


def resolve(
    requirements: tuple[Requirement, ...],
    target: Target,
    glibc: tuple[int, int],
    index: IndexConfig,
    cache: Cache,
) -> Resolution:
    """Resolve the function's requirements for the target and read every chosen wheel."""
    lines = requirement_lines(requirements, target)
    if not lines:
        return Resolution()
    text = "\n".join(lines) + "\n"
    key = cache.key_for(
        text, str(target.python_version), str(glibc), target.architecture, index.fingerprint()
    )
    cached = cache.get_json("lock", key)
    if cached is not None:
        lock = Lock.from_json(cached)
    elif cache.offline:
        return Resolution(note="offline and not in the cache: dependencies were not resolved")
    else:
        try:
            lock = compile_setting_aside(lines, target, glibc, index, cache)
        except ResolutionError as error:
            if not error.packages and (note := unreachable_note(error.message)):
                return Resolution(note=note)
            return Resolution(error=str(error), blamed=error.packages)
        except UvNotFoundError as error:
            return Resolution(note=str(error))
        cache.put_json("lock", key, lock.to_json())
    direct = {r.normalized for r in requirements if r.direct and not r.constraint}
    return _read_wheels(lock, direct, target, glibc, cache, index=index)


def _read_wheels(
    lock: Lock,
    direct: set[str],
    target: Target,
    glibc: tuple[int, int],
    cache: Cache,
    *,
    index: IndexConfig | None = None,
) -> Resolution:
    chosen = {
        p.normalized: choose_wheel(p, target.python_version, glibc, target.architecture)
        for p in lock.packages
    }

    def facts(package: LockedPackage) -> tuple[WheelFacts | None, str | None]:
        wheel = chosen[package.normalized]
        if wheel is None:
            return None, None
        try:
            return wheel_facts(wheel.url, size=wheel.size, sha256=wheel.sha256, cache=cache), None
        except WheelError as error:
            return None, str(error)

    with ThreadPoolExecutor(max_workers=_FETCHERS) as pool:
        results = dict(zip(lock.packages, pool.map(facts, lock.packages), strict=True))
    sources = source_only_facts(lock, index, cache)
    requires = {p.normalized: w.requires_dist if w else () for p, (w, _p) in results.items()}
    requires |= {name: sdist.requires_dist if sdist else () for name, sdist in sources.items()}
    parents = _parents(requires, target)
    dists = []
    for package, (wheel, problem) in results.items():
        picked = chosen[package.normalized]
        dists.append(
            ResolvedDist(
                name=package.name,
                normalized=package.normalized,
                version=package.version,
                wheel=wheel,
                wheel_url=picked.url if picked else None,
                no_wheel=picked is None,
                other_wheels=tuple(w.filename for w in package.wheels),
                has_sdist=package.sdist is not None,
                direct=package.normalized in direct,
                parents=tuple(sorted(parents.get(package.normalized, ()))),
                problem=problem,
            )
        )
    for (name, version), sdist in zip(lock.source_only, sources.values(), strict=True):
        dists.append(
            ResolvedDist(
                name=name,
                normalized=canonicalize_name(name),
                version=version or "(newest)",
                wheel=None,
                wheel_url=None,
                no_wheel=True,
                other_wheels=(),
                has_sdist=sdist is not None,
                direct=canonicalize_name(name) in direct,
                parents=tuple(sorted(parents.get(canonicalize_name(name), ()))),
                sdist=sdist,
            )
        )
    # A top-level name several wheels share (``google``, ``azure``) is a namespace: leave it to
    # name-based matching rather than crediting whichever wheel came last.
    owners: dict[str, set[str]] = {}
    for d in dists:
        for m in d.wheel.modules if d.wheel else d.sdist.modules if d.sdist else ():
            owners.setdefault(m.split(".")[0], set()).add(d.normalized)
    by_module = {
        root: next(d for d in dists if d.normalized in names)
        for root, names in owners.items()
        if len(names) == 1
    }
    return Resolution(dists=tuple(sorted(dists, key=lambda d: d.normalized)), by_module=by_module)


def _parents(requires: dict[str, tuple[str, ...]], target: Target) -> dict[str, set[str]]:
    """Who requires whom, from each package's Requires-Dist evaluated for the target."""
    found: dict[str, set[str]] = {}
    environment = target.environment()
    for parent, lines in requires.items():
        for line in lines:
            try:
                requirement = Pep508(line)
                if requirement.marker and not requirement.marker.evaluate(environment):
                    continue
            except (InvalidRequirement, InvalidMarker):
                continue
            found.setdefault(canonicalize_name(requirement.name), set()).add(parent)
    return found
