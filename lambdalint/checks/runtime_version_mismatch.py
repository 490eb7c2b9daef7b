"""runtime-version-mismatch: the runtime's copy does not satisfy the declared specifier."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Severity
from lambdalint.versions import satisfies


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Compare the observed runtime version with the specifier when nothing installs another."""
    if facts.function.installs_requirements is True:
        return
    runtime = facts.runtime
    layered = {  # a repository layer's own copy shadows the runtime's
        name
        for contents in facts.modules.layer_contents
        for name in (
            *(r.normalized for r in contents.requirements if contents.layer.builds_requirements),
            *(d.normalized for d in contents.dists),
        )
    }
    for requirement in facts.installed_requirements:
        if not requirement.specifier or requirement.normalized in layered:
            continue
        shipped = facts.shipped(requirement.normalized)
        seen = facts.observed(shipped) if shipped else None
        if (
            shipped is None
            or seen is None
            or satisfies(requirement.specifier, seen.version) is not False
        ):
            continue
        hedge = (
            ""
            if facts.function.installs_requirements is False
            else (" (unless your build installs this requirements file)")
        )
        yield rule.finding(
            facts,
            requirement.location,
            f"{runtime.name} provides {shipped.name} {seen.version} (as observed on "
            f"{seen.date.isoformat()}, source: {_ref(facts, seen.source)}), which does not satisfy "
            f"{requirement.specifier}{hedge}; AWS updates the runtime SDK over time, so check "
            "the live version if this matters",
            "Vendor the package with the function (for the SDK: boto3, botocore and s3transfer "
            "together), or relax the specifier to what the runtime provides.",
        )


def _ref(facts: FunctionFacts, source_id: str) -> str:
    source = facts.runtime.sources.get(source_id)
    return source.ref if source else source_id


RULE = Rule(
    slug="runtime-version-mismatch",
    code="LL005",
    severity=Severity.WARNING,
    summary="The runtime's preinstalled version does not satisfy the declared specifier.",
    check=check,
)
