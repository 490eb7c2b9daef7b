"""What an artifact rule is: the same metadata as ``checks.base.Rule``, a check over facts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lambdalint.inspect.facts import ArtifactFacts
from lambdalint.model import Finding, Severity

ArtifactCheck = Callable[["ArtifactRule", ArtifactFacts], Iterable[Finding]]


@dataclass(frozen=True)
class ArtifactRule:
    """A check over a built artifact: stable slug and code, default severity, summary."""

    slug: str
    code: str
    severity: Severity
    summary: str
    check: ArtifactCheck

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
        return Finding(
            rule=self.slug,
            code=self.code,
            severity=severity or self.severity,
            message=message,
            fix=fix,
            location=facts.where(inner),
            function=facts.label.rsplit("/", 1)[-1],
        )
