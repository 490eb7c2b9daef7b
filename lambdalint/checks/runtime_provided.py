"""runtime-provided: a requirement or vendored copy of something the runtime already ships."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.checks.shipped_copies import (
    bundle_fix,
    cost,
    layer_copies,
    observed,
    verdict,
    version_fix,
)
from lambdalint.model import Finding, Severity
from lambdalint.resolve.sizes import SDK_SET


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
        seen = observed(facts, shipped) if installs else verdict(facts, shipped, requirement)
        if installs is None:
            message = (
                f"{shipped.name} is preinstalled in {runtime.name} ({seen}); if your build "
                "installs this file, the bundled copy shadows the runtime's"
            )
            fix = version_fix(shipped.name)
        else:
            message = (
                f"{shipped.name} is preinstalled in {runtime.name} ({seen}); installing it "
                f"again ships a second copy{cost(facts, requirement.normalized)} that shadows "
                "the runtime's"
            )
            fix = bundle_fix(shipped.name)
        yield rule.finding(facts, requirement.location, message, fix)
    yield from layer_copies(rule, facts)
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
            yield rule.finding(facts, dist.location, message, bundle_fix(shipped.name))


RULE = Rule(
    slug="runtime-provided",
    code="LL004",
    severity=Severity.INFO,
    summary="A requirement or vendored copy of something the runtime already ships.",
    check=check,
)
