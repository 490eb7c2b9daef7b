"""The packaging plan per function: what must ship besides the runtime, how, and how big.

Strategies: ``none`` (the runtime has everything), ``zip`` (vendor into the package, with the
exact target-correct command), ``managed-layer`` (an AWS-published layer covers it),
``layer`` (a repository layer already provides it), ``container`` (an image function, over
250 MiB, or a dependency with no wheel for the target). Sizes come from the resolved wheels;
without a resolution (offline, no cache) they stay None and the reason says so.
"""

from __future__ import annotations

from dataclasses import replace

from lambdalint.checks.base import FunctionFacts
from lambdalint.model import FunctionReport, PackageType, Plan, Requirement
from lambdalint.recommend_commands import container_commands, zip_commands
from lambdalint.resolve.managed_layers import covering
from lambdalint.resolve.mapping import ProvidedBy, candidates_for
from lambdalint.resolve.sizes import (
    UNZIPPED_LIMIT,
    MiB,
    SizeEstimate,
    estimate,
    mib,
    shipped_dists,
)

_SHARED_LAYER_MIN = 2


def plan(facts: FunctionFacts) -> Plan:
    """The cheapest correct way to ship this function's dependencies, with sizes."""
    size = estimate(facts)
    chosen = _choose(facts, size)
    if size is None:
        return chosen
    breakdown = [("function code", size.code_unzipped)]
    breakdown += [(d.name, d.wheel.unzipped) for d in shipped_dists(facts) if d.wheel]
    if size.layers_unzipped:
        breakdown.append(("layers", size.layers_unzipped))
    chosen = replace(chosen, breakdown=tuple(breakdown))
    if chosen.zipped_bytes is not None:
        return chosen
    return replace(chosen, zipped_bytes=size.zipped, unzipped_bytes=size.unzipped)


def _choose(facts: FunctionFacts, size: SizeEstimate | None) -> Plan:  # noqa: PLR0911 - one per strategy
    """The strategy, before sizes are attached."""
    declared = [
        r for r in facts.installed_requirements if r.direct and facts.shipped(r.normalized) is None
    ]
    undeclared = _undeclared(facts)
    resolved = [d.name for d in shipped_dists(facts)]
    needed = tuple(dict.fromkeys(resolved or [r.name for r in declared] + list(undeclared)))
    if facts.function.package_type is PackageType.IMAGE:
        return Plan(
            "container",
            distributions=needed,
            reason="the function is deployed as an image (10 GiB limit; layers do not apply)",
        )
    if not needed:
        return Plan("none", reason=_nothing_reason(facts))
    if _no_wheel(facts) or (size and size.unzipped > UNZIPPED_LIMIT):
        return _container(facts, needed, size)
    in_layers = {r.name: _layer_of(facts, r) for r in declared}
    if declared and all(in_layers.values()) and not undeclared:
        built = _built_layers(facts)
        layers = ", ".join(dict.fromkeys(built.get(n, n) for n in in_layers.values() if n))
        return Plan(
            "layer",
            distributions=tuple(in_layers),
            reason=f"layer {layers} provides every declared distribution the runtime lacks",
        )
    managed = covering({d.lower() for d in _normalized(facts, needed)}, facts.runtime.python)
    if managed is not None and not facts.function.installs_requirements:
        arn = managed.arn_for(facts.runtime.python, facts.target.architecture)
        pins = [f"{r.name}{r.specifier}" for r in declared if r.specifier]
        reason = f"the {managed.name} layer AWS publishes contains all of it"
        if pins:
            reason += f" (check that its versions meet {', '.join(pins)})"
        if size is not None:
            reason += f"; vendoring instead would zip to {mib(size.zipped)}"
        code_unzipped = size.code_unzipped if size else None
        layer_bytes = managed.unzipped_mib * MiB if managed.unzipped_mib else None
        return Plan(
            "managed-layer",
            zipped_bytes=size.code_zipped if size else None,
            unzipped_bytes=code_unzipped + layer_bytes
            if code_unzipped is not None and layer_bytes
            else None,
            distributions=needed,
            commands=(
                f'layers = ["{arn}"]',
                "# or vendor instead:",
                *zip_commands(facts, declared, undeclared, size),
            ),
            reason=reason,
        )
    if facts.function.installs_requirements and not undeclared:
        return Plan(
            "zip",
            distributions=needed,
            reason=f"{facts.function.packaging} already "
            f"installs them into the package{_sized(size)}",
        )
    return Plan(
        "zip",
        commands=zip_commands(facts, declared, undeclared, size),
        distributions=needed,
        reason=_zip_reason(facts, needed, undeclared, size),
    )


def shared_layers(reports: list[FunctionReport]) -> list[FunctionReport]:
    """Functions that would vendor the same dependencies get one layer instead of N copies."""
    groups: dict[tuple[str, str, str, tuple[str, ...]], list[int]] = {}
    for index, report in enumerate(reports):
        fn, chosen = report.function, report.plan
        if chosen.strategy == "zip" and chosen.commands and chosen.distributions:
            key = (
                fn.runtime or "",
                fn.architecture,
                fn.package_type.value,
                tuple(sorted(chosen.distributions)),
            )
            groups.setdefault(key, []).append(index)
    result = list(reports)
    for (runtime, arch, _kind, dists), members in groups.items():
        if len(members) < _SHARED_LAYER_MIN:
            continue
        names = ", ".join(reports[i].function.name for i in members)
        install = (
            reports[members[0]]
            .plan.commands[0]
            .replace("--target build/", "--target layer/python/")
        )
        for i in members:
            old = reports[i].plan
            result[i] = replace(
                reports[i],
                plan=replace(
                    old,
                    strategy="layer",
                    commands=(
                        install,
                        "cd layer && zip -qr ../deps-layer.zip python",
                        f"# attach deps-layer.zip as a layer ({runtime}, {arch}) to: {names}",
                    ),
                    reason=f"{len(members)} functions ({names}) ship the same {len(dists)} "
                    "distribution(s); one layer keeps each function zip small",
                ),
            )
    return result


def _zip_reason(
    facts: FunctionFacts,
    needed: tuple[str, ...],
    undeclared: tuple[str, ...],
    size: SizeEstimate | None,
) -> str:
    reason = f"{len(needed)} distribution(s) must ship in the zip"
    reason += _sized(size)
    if undeclared:
        reason += f"; not declared yet: {', '.join(undeclared)}"
        if size is not None:
            reason += " (not in the sizes)"
    shipped = {d.normalized for d in shipped_dists(facts)}
    runtime_direct = [
        r
        for r in facts.installed_requirements
        if r.direct and facts.shipped(r.normalized) is not None
    ]
    left = [r.name for r in runtime_direct if r.normalized not in shipped]
    pinned = [f"{r.name}{r.specifier}" for r in runtime_direct if r.normalized in shipped]
    if left:
        reason += f"; left to the runtime: {', '.join(left)}"
    if pinned:
        reason += (
            f"; vendored although the runtime has it, because the runtime's version "
            f"does not meet {', '.join(pinned)}"
        )
    if size is None and facts.resolution is not None and facts.resolution.note:
        reason += f" (sizes unknown: {facts.resolution.note})"
    return reason


def _container(facts: FunctionFacts, needed: tuple[str, ...], size: SizeEstimate | None) -> Plan:
    """The image plan: a missing wheel or a package past 250 MiB leaves no other way."""
    why = (
        "a dependency has no wheel for the target, so it must be built in the runtime's image"
        if _no_wheel(facts)
        else f"the package would unzip to {mib(size.unzipped)}"
        if size
        else "the package is too large for a zip"
    )
    return Plan(
        "container",
        zipped_bytes=size.zipped if size else None,
        unzipped_bytes=size.unzipped if size else None,
        commands=container_commands(facts),
        distributions=needed,
        reason=f"{why}; an image may be up to 10 GiB",
    )


def _nothing_reason(facts: FunctionFacts) -> str:
    runtime_names = [
        r.name
        for r in facts.installed_requirements
        if r.direct and facts.shipped(r.normalized) is not None
    ]
    layers = _import_layers(facts)
    who = f"the runtime and layer {', '.join(layers)} provide" if layers else "the runtime provides"
    if not runtime_names:
        return f"{who} every third-party module the code imports"
    names = ", ".join(runtime_names)
    return (
        f"{who} every third-party module the code imports ({names} included; "
        "its version floats with AWS's managed runtime updates)"
    )


def _import_layers(facts: FunctionFacts) -> list[str]:
    """Repository layers that provide an import, named as ``_built_layers`` does."""
    built = _built_layers(facts)
    names = {
        provider.distribution: None
        for ref in facts.third_party_imports()
        if (provider := facts.modules.provider(ref.module)) and provider.kind is ProvidedBy.LAYER
    }
    return [built.get(name, name) for name in names]


def _built_layers(facts: FunctionFacts) -> dict[str, str]:
    """``SharedLayer (installed by scripts.sh:6)`` for each layer a build script fills."""
    built = [c.layer for c in facts.modules.layer_contents]
    return {
        layer.name: f"{layer.name} (installed by {where.file}:{where.line})"
        for layer in built
        if (where := layer.built_by) is not None
    }


def _sized(size: SizeEstimate | None) -> str:
    if size is None:
        return ""
    notes = []
    if size.slim_savings:
        notes.append(f"{mib(size.slim_savings)} of it is tests and caches a slim build drops")
    if size.unread:
        notes.append(f"sizes incomplete, could not read {'; '.join(size.unread)}")
    return f" ({'; '.join(notes)})" if notes else ""


def _no_wheel(facts: FunctionFacts) -> bool:
    resolution = facts.resolution
    return bool(resolution and any(d.needs_native_build for d in resolution.dists))


def _normalized(facts: FunctionFacts, names: tuple[str, ...]) -> set[str]:
    resolution = facts.resolution
    found = {d.normalized for d in resolution.dists if d.name in names} if resolution else set()
    return found or {n.lower().replace("_", "-") for n in names}


def _layer_of(facts: FunctionFacts, requirement: Requirement) -> str | None:
    """The name of the repository layer that provides ``requirement``, if one does."""
    for module in facts.modules.modules_of(requirement):
        provider = facts.modules.provider(module)
        if provider is not None and provider.kind is ProvidedBy.LAYER:
            return provider.distribution
    return None


def _undeclared(facts: FunctionFacts) -> tuple[str, ...]:
    """Distributions for imports that nothing provides (best guess from the fallback table)."""
    names: dict[str, None] = {}
    for ref in facts.third_party_imports():
        if ref.optional or facts.runtime.removed_module(ref.module) is not None:
            continue
        if facts.modules.provider(ref.module) is None and not facts.modules.transitive(ref.module):
            names[candidates_for(ref.module)[0]] = None
    return tuple(names)
