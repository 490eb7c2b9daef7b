"""partial-sdk-vendoring: the requirements install part of the AWS SDK; the runtime the rest.

``lambdalint inspect`` finds the same mix in a built artifact (``inspect/layout_checks.py``);
here it is read from the resolved install: s3fs pulls botocore (through aiobotocore) into the
package while boto3 stays the runtime's.
"""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import canonicalize_name

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.checks.shipped_copies import observed
from lambdalint.model import Finding, Requirement, Severity
from lambdalint.resolve.mapping import ProvidedBy
from lambdalint.resolve.resolution import ResolvedDist
from lambdalint.resolve.sizes import SDK_SET


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Per requirement line pulling in part of the SDK, when the code loads the runtime's rest.

    A shipped botocore that nothing pairs with the runtime's boto3 breaks nothing.
    """
    resolution = facts.resolution
    if resolution is None or facts.function.installs_requirements is not True:
        return  # only an install that really runs ships the copies
    installed = [d for name in SDK_SET if (d := resolution.dist(name)) is not None]
    missing = [name for name in SDK_SET if resolution.dist(name) is None]
    if not installed or not missing:
        return
    runtime_parts = [name for name in missing if _from_runtime(facts, name)]
    if not {ref.root for ref in facts.shipped_imports} & set(runtime_parts):
        return  # the runtime's part is never loaded (or a layer or vendored copy has it)
    by_line: dict[Requirement, list[ResolvedDist]] = {}
    for dist in installed:
        requirement = _pulled_in_by(facts, resolution.chain(dist))
        if requirement is not None:
            by_line.setdefault(requirement, []).append(dist)
    shipped = [(name, facts.shipped(name)) for name in runtime_parts]
    theirs = ", ".join(f"{name} ({observed(facts, p)})" for name, p in shipped if p)
    for requirement, dists in by_line.items():
        what = ", ".join(f"{d.name} {d.version}" for d in dists)
        chains = "; ".join(" -> ".join(resolution.chain(d)) for d in dists if not d.direct)
        how = f"this installs {what} into the package"
        if chains:
            how = f"{requirement.name} pulls {what} into the package ({chains})"
        yield rule.finding(
            facts,
            requirement.location,
            f"{how}, but not {', '.join(runtime_parts)}: the function then loads the "
            f"runtime's {theirs} next to the shipped {what}, a combination never released "
            "together",
            "Declare boto3, botocore and s3transfer together at matching versions so all "
            "three ship, or pin this requirement to a version compatible with the runtime's SDK.",
        )


def _from_runtime(facts: FunctionFacts, name: str) -> bool:
    """The runtime ships ``name`` and nothing closer (a layer, a vendored copy) does."""
    provider = facts.modules.provider(name)
    return facts.shipped(name) is not None and (
        provider is None or provider.kind is ProvidedBy.RUNTIME
    )


def _pulled_in_by(facts: FunctionFacts, chain: list[str]) -> Requirement | None:
    """The declared requirement at the head of a dependency chain."""
    head = canonicalize_name(chain[0])
    return next((r for r in facts.installed_requirements if r.normalized == head), None)


RULE = Rule(
    slug="partial-sdk-vendoring",
    code="LL408",
    severity=Severity.WARNING,
    summary="The artifact ships some but not all of boto3, botocore and s3transfer.",
    check=check,
)
