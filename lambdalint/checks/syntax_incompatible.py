"""syntax-incompatible: code the target Python's parser rejects."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Severity


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Report each syntax problem the code reader found for the target grammar."""
    python = facts.runtime.python
    for issue in facts.code.syntax_issues:
        yield rule.finding(
            facts,
            issue.location,
            f"{issue.feature} is not valid syntax on Python {python} ({issue.detail}); "
            f"{facts.runtime.name} fails to import this module",
            f"Rewrite it for Python {python}, or move the function to a newer runtime.",
        )


RULE = Rule(
    slug="syntax-incompatible",
    code="LL202",
    severity=Severity.ERROR,
    summary="Syntax newer than the target Python.",
    check=check,
)
