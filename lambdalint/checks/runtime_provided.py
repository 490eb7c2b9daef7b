"""runtime-provided: a requirement or vendored copy of something the runtime already ships."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Requirement, Severity
from lambdalint.resolve.sizes import mib
from lambdalint.runtime.model import Preinstalled
from lambdalint.versions import satisfies

SDK_SET = ("boto3", "botocore", "s3transfer")


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Explain, per declared or vendored runtime package, where its code really comes from."""
    runtime = facts.runtime
    for requirement in facts.installed_requirements:
        shipped = facts.shipped(requirement.normalized)
        if shipped is None:
            continue
        installs = facts.function.installs_requirements
        if installs is False:
            continue  # nothing ships a second copy: requirements-not-installed and
            # runtime-version-mismatch say what the uninstalled file means
        # When the build installs the pin, the runtime's version no longer matters.
        seen = observed(facts, shipped) if installs else _verdict(facts, shipped, requirement)
        if installs is None:
            message = (
                f"{shipped.name} is preinstalled in {runtime.name} ({seen}); if your build "
                "installs this file, the bundled copy shadows the runtime's"
            )
            fix = _version_fix(shipped.name)
        else:
            message = (
                f"{shipped.name} is preinstalled in {runtime.name} ({seen}); installing it "
                f"again ships a second copy{_cost(facts, requirement.normalized)} that shadows "
                "the runtime's"
            )
            fix = _bundle_fix(shipped.name)
        yield rule.finding(facts, requirement.location, message, fix)
    yield from _layer_copies(rule, facts)
    vendored = {d.normalized for d in facts.vendored}
    for dist in facts.vendored:
        shipped = facts.shipped(dist.normalized)
        if shipped is None:
            continue
        message = (
            f"{dist.name} {dist.version or ''} is vendored in the function although "
            f"{runtime.name} ships it ({observed(facts, shipped)}); the vendored copy wins"
        )
        partners = [name for name in SDK_SET if name not in vendored]
        if dist.normalized in SDK_SET and partners:
            yield rule.finding(
                facts,
                dist.location,
                f"{message}, but {', '.join(partners)} {'is' if len(partners) == 1 else 'are'} "
                "not vendored with it, so it runs against the runtime's older copies and can "
                "fail to import or call APIs they lack",
                "Vendor boto3, botocore and s3transfer together, or remove all three.",
                Severity.WARNING,
            )
        else:
            yield rule.finding(facts, dist.location, message, _bundle_fix(shipped.name))


def _layer_copies(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """A repository layer the function attaches installs its own copy into /opt/python."""
    for contents in facts.modules.layer_contents:
        layer = contents.layer
        for requirement in contents.requirements if layer.builds_requirements else ():
            shipped = facts.shipped(requirement.normalized)
            if shipped is None or not requirement.direct or requirement.constraint:
                continue
            if not facts.target.applies(requirement.marker):
                continue
            message = (
                f"{shipped.name} is preinstalled in {facts.runtime.name} "
                f"({observed(facts, shipped)}); layer {layer.name} installs it again into "
                f"/opt/python, which shadows the runtime's copy for {facts.function.name}"
            )
            yield rule.finding(facts, requirement.location, message, _bundle_fix(shipped.name))
        for dist in contents.dists:  # committed into the layer folder (a pip --target tree)
            if (shipped := facts.shipped(dist.normalized)) is not None:
                message = (
                    f"layer {layer.name} vendors {dist.name} {dist.version or ''} although "
                    f"{facts.runtime.name} ships it ({observed(facts, shipped)}); /opt/python "
                    f"comes first on sys.path, so its copy shadows the runtime's"
                )
                yield rule.finding(facts, dist.location, message, _bundle_fix(shipped.name))


def _cost(facts: FunctionFacts, normalized: str) -> str:
    """`` (+12.3 MiB unzipped)`` when the resolved wheel is known."""
    resolved = facts.resolution.dist(normalized) if facts.resolution else None
    if resolved is None or resolved.wheel is None:
        return ""
    return f" (+{mib(resolved.wheel.unzipped)} unzipped)"


def observed(facts: FunctionFacts, shipped: Preinstalled) -> str:
    """'version X as observed on DATE' or a plain statement that the version is unknown."""
    seen = facts.observed(shipped)
    if seen is None:
        return "version not published by AWS and not yet observed"
    return f"version {seen.version} as observed on {seen.date.isoformat()}"


def _verdict(facts: FunctionFacts, shipped: Preinstalled, requirement: Requirement) -> str:
    """The observed version, and whether it meets the declared specifier."""
    text = observed(facts, shipped)
    seen = facts.observed(shipped)
    if not requirement.specifier or seen is None:
        return text
    meets = satisfies(requirement.specifier, seen.version)
    if meets is None:
        return text
    return f"{text}, which {'satisfies' if meets else 'does not satisfy'} {requirement.specifier}"


def _version_fix(name: str) -> str:
    if name in SDK_SET:
        return (
            "Nothing to do if any recent version works; if you need a minimum version, "
            "vendor boto3, botocore and s3transfer together (never a subset)."
        )
    return f"Nothing to do unless you need a specific {name} version; then vendor it."


def _bundle_fix(name: str) -> str:
    if name in SDK_SET:
        return (
            "Drop it from the package to save size, or keep it on purpose to pin the SDK "
            "version — then vendor boto3, botocore and s3transfer together."
        )
    return f"Drop {name} from the package to save size, unless you need a specific version."


RULE = Rule(
    slug="runtime-provided",
    code="LL004",
    severity=Severity.INFO,
    summary="A requirement or vendored copy of something the runtime already ships.",
    check=check,
)
