"""transitive-import: an import that works only because another requirement pulls it in."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Severity


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Flag imports provided only by a dependency of a declared requirement."""
    resolution = facts.resolution
    if resolution is None:
        return
    for ref in facts.third_party_imports():
        if facts.modules.provider(ref.module) is not None:
            continue  # declared, vendored, in a layer or in the runtime
        dist = facts.modules.transitive(ref.module)
        if dist is None:
            continue
        chain = " -> ".join(resolution.chain(dist))
        yield rule.finding(
            facts,
            ref.location,
            f"'{ref.module}' comes from {dist.name} {dist.version}, which is installed only "
            f"because of {chain}; if that requirement drops or changes it, the import breaks",
            f"Declare {dist.name} in the function's requirements.",
        )


RULE = Rule(
    slug="transitive-import",
    code="LL006",
    severity=Severity.WARNING,
    summary="Import of a module that only arrives as a dependency of another requirement.",
    check=check,
)
