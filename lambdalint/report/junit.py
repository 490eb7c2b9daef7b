"""JUnit XML for CI test dashboards: a test case for every function and registered rule.

Errors and warnings fail their test case; info findings only go to its ``<system-out>``.
Findings not tied to a function belong to the ``(repository)`` class.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from lambdalint.checks import RULES
from lambdalint.model import Finding, Report, Severity

REPOSITORY = "(repository)"
SUITE = "lambdalint"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(report: Report) -> str:
    """The report as one ``<testsuites>`` document holding one ``<testsuite>``."""
    groups = [(fr.function.name, fr.findings) for fr in report.functions]
    if report.findings:
        groups.append((REPOSITORY, report.findings))
    suite = ET.Element("testsuite", name=SUITE)
    for classname, findings in groups:
        for slug in _slugs(findings):
            mine = sorted((f for f in findings if f.rule == slug), key=Finding.sort_key)
            suite.append(testcase(classname, slug, mine))
    tests = len(suite)
    failures = sum(1 for case in suite if case.find("failure") is not None)
    counts = {"tests": str(tests), "failures": str(failures), "errors": "0", "skipped": "0"}
    suite.attrib.update(counts)
    root = ET.Element("testsuites", name=SUITE, tests=counts["tests"], failures=counts["failures"])
    root.attrib["errors"] = "0"
    root.append(suite)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def testcase(classname: str, slug: str, findings: Sequence[Finding]) -> ET.Element:
    """One test case; it fails when any of ``findings`` is an error or a warning."""
    case = ET.Element("testcase", classname=_clean(classname), name=slug)
    failing = [f for f in findings if f.severity is not Severity.INFO]
    if failing:
        worst = max(failing, key=lambda f: f.severity.rank)
        message = failing[0].message if len(failing) == 1 else f"{len(failing)} findings"
        failure = ET.SubElement(case, "failure", type=worst.severity.value)
        failure.set("message", _clean(message))
        failure.text = _clean("\n".join(_describe(f) for f in failing))
    infos = [f for f in findings if f.severity is Severity.INFO]
    if infos:
        ET.SubElement(case, "system-out").text = _clean("\n".join(_describe(f) for f in infos))
    return case


def _slugs(findings: Sequence[Finding]) -> list[str]:
    """Every registered rule, then (sorted) any other rule that produced a finding."""
    registered = [rule.slug for rule in RULES]
    extra = sorted({f.rule for f in findings} - set(registered))
    return registered + extra


def _describe(finding: Finding) -> str:
    loc = finding.location
    where = loc.file + (f":{loc.line}" if loc.line is not None else "")
    head = f"{where}: {finding.severity.value} {finding.code} {finding.message}"
    return f"{head}\n  fix: {finding.fix}"


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters other than tab and newline)."""
    return _INVALID_XML.sub("", text)
