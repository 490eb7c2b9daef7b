"""The packaging plan per function: what must ship besides the runtime, and how to build it.

Size estimates need wheel facts (a later stage); until they exist the sizes stay None and
the plan says so rather than guessing.
"""

from __future__ import annotations

from lambdalint.checks.base import FunctionFacts
from lambdalint.model import PackageType, Plan, Requirement
from lambdalint.resolve.mapping import ProvidedBy, candidates_for


def platform_tags(glibc: tuple[int, int], architecture: str) -> tuple[str, ...]:
    """``--platform`` values pip needs: it does not imply older manylinux tags by itself."""
    machine = "aarch64" if architecture == "arm64" else "x86_64"
    tags = [f"manylinux2014_{machine}"]
    tags += [f"manylinux_2_{minor}_{machine}" for minor in (24, 26, 28, 34) if (2, minor) <= glibc]
    return tuple(tags)


def plan(facts: FunctionFacts) -> Plan:
    """Nothing to ship, a zip with vendored requirements, or the image the IaC asks for."""
    declared = [
        r for r in facts.installed_requirements if r.direct and facts.shipped(r.normalized) is None
    ]
    in_layers = {r.name: _layer_of(facts, r) for r in declared}
    if declared and all(in_layers.values()) and not _undeclared(facts):
        layers = ", ".join(dict.fromkeys(name for name in in_layers.values() if name))
        return Plan(
            "layer",
            distributions=tuple(in_layers),
            reason=f"layer {layers} provides every declared distribution the runtime lacks",
        )
    undeclared = _undeclared(facts)
    needed = tuple(dict.fromkeys([r.name for r in declared] + list(undeclared)))
    if facts.function.package_type is PackageType.IMAGE:
        return Plan(
            "container", distributions=needed, reason="the function is deployed as an image"
        )
    if not needed:
        return Plan("none", reason="the runtime provides every third-party module the code imports")
    if facts.function.installs_requirements and not undeclared:
        return Plan(
            "zip",
            distributions=needed,
            reason=f"{facts.function.packaging} already installs them into the package",
        )
    files = [f for f in facts.requirement_files if f.endswith((".txt", ".in"))]
    left_to_runtime = [
        r.name
        for r in facts.installed_requirements
        if r.direct and facts.shipped(r.normalized) is not None
    ]
    if files and not left_to_runtime:
        sources = [f"-r {files[0]}"]
    else:  # name what to ship, so the runtime's packages are not vendored again
        sources = [f"'{_pep508(r)}'" for r in declared]
    sources += [f"'{name}'" for name in undeclared]
    major, minor = facts.runtime.python_version
    platforms = " ".join(
        f"--platform {tag}" for tag in platform_tags(facts.runtime.glibc, facts.target.architecture)
    )
    command = (
        f"pip install {' '.join(sources)} --target build/ "
        f"{platforms} --implementation cp --python-version {major}.{minor} "
        "--only-binary=:all: --no-compile"
    )
    reason = f"{len(needed)} distribution(s) are not in the runtime and must ship in the zip"
    if undeclared:
        reason += f"; not declared yet: {', '.join(undeclared)}"
    if left_to_runtime:
        reason += f"; left to the runtime: {', '.join(left_to_runtime)}"
    return Plan(
        "zip",
        commands=(command, f"cp -r {facts.path}/. build/", "cd build && zip -r ../function.zip ."),
        distributions=needed,
        reason=reason,
    )


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
        if facts.modules.provider(ref.module) is None:
            names[candidates_for(ref.module)[0]] = None
    return tuple(names)


def _pep508(requirement: Requirement) -> str:
    """The requirement as pip takes it on the command line."""
    extras = f"[{','.join(requirement.extras)}]" if requirement.extras else ""
    marker = f"; {requirement.marker}" if requirement.marker else ""
    if requirement.url:
        return f"{requirement.name}{extras} @ {requirement.url}{marker}"
    return f"{requirement.name}{extras}{requirement.specifier}{marker}"
