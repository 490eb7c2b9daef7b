"""What an artifact rule is: the shared rule metadata, with a check over ArtifactFacts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lambdalint.checks.base import RuleInfo
from lambdalint.inspect.facts import ArtifactFacts
from lambdalint.model import Finding, Severity

ArtifactCheck = Callable[["ArtifactRule", ArtifactFacts], Iterable[Finding]]


@dataclass(frozen=True)
class ArtifactRule(RuleInfo):
    """A check over a built artifact."""

    check: ArtifactCheck

    @classmethod
    def twin_of(cls, rule: RuleInfo, check: ArtifactCheck) -> ArtifactRule:
        """The artifact side of a rule ``check`` also infers from source: one identity for both."""
        return cls(
            slug=rule.slug,
            code=rule.code,
            severity=rule.severity,
            summary=rule.summary,
            check=check,
        )

    def run(self, facts: ArtifactFacts) -> list[Finding]:
        """The findings of this rule for one artifact."""
        return list(self.check(self, facts))

    def finding(
        self,
        facts: ArtifactFacts,
        inner: str,
        message: str,
        fix: str,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding at ``inner`` (a path inside the artifact; "" for the artifact itself)."""
        function = facts.label.rsplit("/", 1)[-1]
        return self.build(facts.where(inner), message, fix, function, severity)
