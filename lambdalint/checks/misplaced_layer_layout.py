"""misplaced-layer-layout: a build script zips installed packages under python/ into a function.

``lambdalint inspect`` finds the same mistake in a built zip (``inspect/layout_checks.py``);
here it is read from the script text, before anything is built.
"""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Severity


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """One finding at the zip line whose function package holds its dependencies in python/."""
    where = facts.function.layer_layout
    if where is None:
        return
    yield rule.finding(
        facts,
        where,
        f"this zip puts the dependencies of {facts.function.name} under python/: only layers get "
        "python/ on sys.path (/opt/python); /var/task/python is never searched, so importing "
        "them fails at run time",
        "Install the dependencies at the root of the function zip (pip install -t .), or ship "
        "python/ as a layer.",
    )


RULE = Rule(
    slug="misplaced-layer-layout",
    code="LL409",
    severity=Severity.ERROR,
    summary="Packages under python/ in a function zip, or a layer zip without python/.",
    check=check,
)
