"""deprecated-runtime: the runtime is deprecated, blocked, a preview, or close to one of those."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Severity
from lambdalint.runtime.model import RuntimeStatus

WARN_AHEAD = datetime.timedelta(days=180)


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """One finding per function whose runtime is not comfortably supported."""
    runtime, today = facts.runtime, facts.today
    status = runtime.status(today)
    successor = runtime.successor or "the newest runtime"
    fix = f"Move the function to {successor} (see `lambdalint runtimes`)."
    dates = _dates(runtime.deprecated, runtime.block_create, runtime.block_update)
    where = facts.function.runtime_source or facts.anchor  # an image's FROM line
    if status is RuntimeStatus.PREVIEW:
        yield rule.finding(
            facts,
            where,
            f"{runtime.name} is a public preview runtime: "
            "not for production, no SLA, and it may change",
            fix,
        )
    elif status in (RuntimeStatus.CREATE_BLOCKED, RuntimeStatus.UPDATE_BLOCKED):
        blocked = "create and update" if status is RuntimeStatus.UPDATE_BLOCKED else "create"
        yield rule.finding(
            facts,
            where,
            f"{runtime.name} is deprecated and Lambda blocks function {blocked} with it ({dates})",
            fix,
            Severity.ERROR,
        )
    elif status is RuntimeStatus.DEPRECATED:
        yield rule.finding(
            facts,
            where,
            f"{runtime.name} is deprecated: no more security patches or support ({dates})",
            fix,
        )
    elif runtime.deprecated is not None and runtime.deprecated - today <= WARN_AHEAD:
        yield rule.finding(
            facts,
            where,
            f"{runtime.name} will be deprecated on {runtime.deprecated.isoformat()} ({dates})",
            fix,
            Severity.INFO,
        )


def _dates(*dates: datetime.date | None) -> str:
    names = ("deprecated", "create blocked", "update blocked")
    return ", ".join(f"{n} {d.isoformat()}" for n, d in zip(names, dates, strict=True) if d)


RULE = Rule(
    slug="deprecated-runtime",
    code="LL301",
    severity=Severity.WARNING,
    summary="Runtime deprecated, blocked, a preview, or near its deprecation date.",
    check=check,
)
