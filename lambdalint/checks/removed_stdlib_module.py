"""removed-stdlib-module: an import of a standard-library module the target Python removed."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import canonicalize_name

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Severity


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Flag imports of removed modules unless a shipped distribution restores them."""
    restored = {
        r.normalized
        for r in facts.installed_requirements
        if facts.function.installs_requirements is not False
    }
    restored |= {d.normalized for d in facts.vendored}
    for ref in facts.code.imports:
        removed = facts.runtime.removed_module(ref.module)
        if removed is None:
            continue
        restorers = (removed.distribution or "", *removed.alternatives)
        if any(canonicalize_name(name) in restored for name in restorers if name):
            continue
        if ref.optional:
            continue
        version = ".".join(map(str, removed.removed_in))
        yield rule.finding(
            facts,
            ref.location,
            f"'{removed.name}' was removed from the standard library in Python {version}; "
            f"on {facts.runtime.name} the import fails with ModuleNotFoundError",
            removed.replacement,
        )


RULE = Rule(
    slug="removed-stdlib-module",
    code="LL201",
    severity=Severity.ERROR,
    summary="Import of a standard-library module removed in the target Python.",
    check=check,
)
