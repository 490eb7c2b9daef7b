"""SARIF 2.1.0 for code-scanning services: one run, every registered rule, one result a finding.

Paths stay repo-relative under the ``%SRCROOT%`` base (never absolute), and each result carries
a fingerprint that ignores line numbers, so a finding keeps its identity when code moves.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from lambdalint import __version__
from lambdalint.checks import RULES, Rule
from lambdalint.docs import rule_doc
from lambdalint.model import Finding, Report, Severity

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "lambdalintFinding/v1"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_TAGS = {
    "0": "dependencies",
    "1": "input",
    "2": "python-version",
    "3": "configuration",
    "4": "build",
}
_DIGITS = re.compile(r"\d+")


def render(report: Report) -> str:
    """The report as one SARIF 2.1.0 log, keys in a stable order."""
    index = {rule.slug: i for i, rule in enumerate(RULES)}
    occurrences: Counter[str] = Counter()
    results = []
    for finding in report.all_findings():
        base = fingerprint(finding)
        occurrences[base] += 1
        results.append(_result(finding, index.get(finding.rule), f"{base}:{occurrences[base]}"))
    run = {
        "tool": {
            "driver": {
                "name": "lambdalint",
                "version": __version__,
                "rules": [_rule(rule) for rule in RULES],
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The repository root the scan ran from."}}
        },
        "results": results,
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def fingerprint(finding: Finding) -> str:
    """A line-independent identity: sha256 of rule, file, function and digit-free message.

    ``render`` appends ``:N`` (the N-th equal fingerprint in file order), as GitHub does.
    """
    message = _DIGITS.sub("0", finding.message)
    parts = (finding.rule, _posix(finding.location.file), finding.function or "", message)
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def camel_case(slug: str) -> str:
    """``missing-dependency`` -> ``MissingDependency`` (SARIF's ``reportingDescriptor.name``)."""
    return "".join(part.capitalize() for part in slug.split("-"))


def what_it_does(page: str) -> str | None:
    """The first paragraph under the page's ``## What it does`` heading, on one line."""
    match = re.search(
        r"^## What it does\s*\n(.*?)(?:\n\s*\n|\n#|\Z)", page, re.MULTILINE | re.DOTALL
    )
    if match is None:
        return None
    return " ".join(match.group(1).split()) or None


def _rule(rule: Rule) -> dict[str, Any]:
    page = rule_doc(rule.slug)
    full = (what_it_does(page) if page else None) or rule.summary
    tags = ["lambda", _TAGS.get(rule.code[2:3], "other")]
    return {
        "id": rule.slug,
        "name": camel_case(rule.slug),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": page or rule.summary, "markdown": page or rule.summary},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"code": rule.code, "tags": tags},
    }


def _result(finding: Finding, rule_index: int | None, fingerprint_value: str) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": finding.rule}
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    result["level"] = _LEVELS[finding.severity]
    result["message"] = {"text": f"{finding.message} Fix: {finding.fix}"}
    location = _location(finding)
    if location is not None:
        result["locations"] = [location]
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint_value}
    properties: dict[str, Any] = {"code": finding.code}
    if finding.function is not None:
        properties["function"] = finding.function
    result["properties"] = properties
    return result


def _location(finding: Finding) -> dict[str, Any] | None:
    """The physical location, or None for a path outside the repository (never absolute)."""
    path = _posix(finding.location.file)
    if not path or PurePosixPath(path).is_absolute() or PureWindowsPath(path).drive:
        return None
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(path), "uriBaseId": SRCROOT}}
    line, column = finding.location.line, finding.location.column
    if line is not None and line >= 1:
        region = {"startLine": line}
        if column is not None and column >= 1:
            region["startColumn"] = column
        physical["region"] = region
    return {"physicalLocation": physical}


def _posix(path: str) -> str:
    return path.replace("\\", "/")
