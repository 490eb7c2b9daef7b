"""no-compatible-wheel: nothing installable for the target's Python, glibc and architecture."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Location, Severity
from lambdalint.resolve.placeholders import placeholder


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Report distributions with no fitting wheel, and requirements that do not resolve."""
    resolution = facts.resolution
    if resolution is None or facts.function.installs_requirements is False:
        return  # nothing is installed, so no install fails (requirements-not-installed says so)
    target = _target(facts)
    if resolution.error:
        blamed = ", ".join(resolution.blamed) or "the requirements"
        yield rule.finding(
            facts,
            _line_of(facts, resolution.blamed),
            f"{blamed} cannot be installed for {target}: {resolution.error}",
            "Pick versions that publish wheels for the target, or build in a container image.",
        )
        return
    for dist in resolution.dists:
        alias = placeholder(dist.name) if dist.no_wheel else None
        if not dist.needs_native_build and alias is None:
            continue  # a wheel fits, or a pure-Python sdist that pip builds for any platform
        effect = "a cross-platform pip install fails and a local build produces the wrong binary"
        if alias is not None:
            what = f"it is a placeholder whose sdist build fails on purpose ({alias.why})"
            effect = "every pip install of it fails"
        elif dist.other_wheels:
            what = f"wheels exist only for other targets ({', '.join(dist.other_wheels[:4])})"
        elif dist.sdist is not None:
            native = ", ".join(dist.sdist.native_sources[:3])
            what = f"only a source distribution exists, with native sources ({native})"
        elif dist.has_sdist:
            what = "only a source distribution exists, which would have to be built"
        else:
            what = "no file exists for it"
        via = " -> ".join(resolution.chain(dist))
        yield rule.finding(
            facts,
            _line_of(facts, (resolution.chain(dist)[0],)),
            f"{dist.name} {dist.version} ({via}) has no wheel for {target}: {what}; {effect}",
            f"Require {alias.use} instead."
            if alias
            else "Choose a version with manylinux wheels for the target, or build inside "
            f"public.ecr.aws/lambda/python:{facts.runtime.python} (a container image).",
        )


def _target(facts: FunctionFacts) -> str:
    glibc = ".".join(map(str, facts.runtime.glibc))
    return f"{facts.runtime.name} {facts.target.architecture} (glibc {glibc})"


def _line_of(facts: FunctionFacts, names: tuple[str, ...]) -> Location:
    wanted = {n.lower().replace("_", "-") for n in names}
    for requirement in facts.requirements:
        if requirement.normalized in wanted:
            return requirement.location
    return facts.requirements[0].location if facts.requirements else facts.anchor


RULE = Rule(
    slug="no-compatible-wheel",
    code="LL401",
    severity=Severity.ERROR,
    summary="A requirement has no wheel for the target Python, platform and architecture.",
    check=check,
)
