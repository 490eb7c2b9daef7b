"""transitive-import: an import that works only because another requirement pulls it in."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Severity


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Flag imports provided only by a dependency of a declared requirement or of a layer."""
    for ref in facts.third_party_imports():
        if facts.modules.provider(ref.module) is not None:
            continue  # declared, vendored, in a layer or in the runtime
        found = facts.modules.transitive(ref.module)
        if found is None:
            continue
        version = f" {found.version}" if found.version else ""
        chain = " -> ".join(found.chain)
        if found.layer is None:
            how = f"which is installed only because of {chain}"
        elif chain:
            how = f"which layer {found.layer} installs only because of {chain}"
        else:
            how = f"which layer {found.layer} bundles only as a dependency of what it is for"
        yield rule.finding(
            facts,
            ref.location,
            f"'{ref.module}' comes from {found.distribution}{version}, {how}; if that "
            "requirement drops or changes it, the import breaks",
            f"Declare {found.distribution} in the function's requirements.",
        )


RULE = Rule(
    slug="transitive-import",
    code="LL006",
    severity=Severity.WARNING,
    summary="Import of a module that only arrives as a dependency of another requirement.",
    check=check,
)
