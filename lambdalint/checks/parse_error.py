"""parse-error: a file lambdalint had to read could not be parsed; the scan went on without it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.diagnostics import PARSE_ERROR_CODE, PARSE_ERROR_SLUG
from lambdalint.model import Finding, Severity


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Hand on what the readers could not parse, tied to the function that needed it."""
    del rule  # the readers already built these findings
    for finding in facts.read_errors:
        yield replace(finding, function=facts.function.name)


RULE = Rule(
    slug=PARSE_ERROR_SLUG,
    code=PARSE_ERROR_CODE,
    severity=Severity.ERROR,
    summary="A file lambdalint had to read could not be parsed; the scan continues.",
    check=check,
)
