"""layer-limit: Lambda accepts at most five layers per function."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Severity

MAX_LAYERS = 5


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Flag functions that attach more layers than Lambda allows."""
    layers = facts.function.layers
    if len(layers) > MAX_LAYERS:
        yield rule.finding(
            facts,
            facts.anchor,
            f"{facts.function.name} attaches {len(layers)} layers; Lambda allows at most "
            f"{MAX_LAYERS}, so creating or updating the function fails",
            "Merge layers (one shared dependencies layer) or move to a container image.",
        )


RULE = Rule(
    slug="layer-limit",
    code="LL404",
    severity=Severity.ERROR,
    summary="More than five layers attached to one function.",
    check=check,
)
