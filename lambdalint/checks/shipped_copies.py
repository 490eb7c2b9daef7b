"""What the runtime ships, in words the runtime-provided findings share, and layer copies.

A second copy of a preinstalled distribution can come from the function's own requirements,
its vendored files, or an attached repository layer; the wording and fixes are the same.
"""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Requirement
from lambdalint.resolve.sizes import SDK_SET, mib
from lambdalint.runtime.model import Preinstalled
from lambdalint.versions import satisfies


def layer_copies(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
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
            yield rule.finding(facts, requirement.location, message, bundle_fix(shipped.name))
        for dist in contents.dists:  # committed into the layer folder (a pip --target tree)
            if (shipped := facts.shipped(dist.normalized)) is not None:
                message = (
                    f"layer {layer.name} vendors {dist.name} {dist.version or ''} although "
                    f"{facts.runtime.name} ships it ({observed(facts, shipped)}); /opt/python "
                    f"comes first on sys.path, so its copy shadows the runtime's"
                )
                yield rule.finding(facts, dist.location, message, bundle_fix(shipped.name))


def cost(facts: FunctionFacts, normalized: str) -> str:
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


def verdict(facts: FunctionFacts, shipped: Preinstalled, requirement: Requirement) -> str:
    """The observed version, and whether it meets the declared specifier."""
    text = observed(facts, shipped)
    seen = facts.observed(shipped)
    if not requirement.specifier or seen is None:
        return text
    meets = satisfies(requirement.specifier, seen.version)
    if meets is None:
        return text
    return f"{text}, which {'satisfies' if meets else 'does not satisfy'} {requirement.specifier}"


def version_fix(name: str) -> str:
    """The fix when the file may or may not be installed: only a needed version matters."""
    if name in SDK_SET:
        return (
            "Nothing to do if any recent version works; if you need a minimum version, "
            "vendor boto3, botocore and s3transfer together (never a subset)."
        )
    return f"Nothing to do unless you need a specific {name} version; then vendor it."


def bundle_fix(name: str) -> str:
    """The fix for a second copy that ships: drop it, or keep the whole SDK set together."""
    if name in SDK_SET:
        return (
            "Drop it from the package to save size, or keep it on purpose to pin the SDK "
            "version — then vendor boto3, botocore and s3transfer together."
        )
    return f"Drop {name} from the package to save size, unless you need a specific version."
