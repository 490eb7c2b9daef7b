"""The JSON document other tools rely on (``version`` 1; see schemas/report.schema.json)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from lambdalint.model import Finding, FunctionReport, Location, Plan, Report

SCHEMA_VERSION = 1


def render(report: Report) -> str:
    """The whole report as one JSON document, keys in a stable order."""
    document = {
        "version": SCHEMA_VERSION,
        "functions": [_function(fr) for fr in report.functions],
        "findings": [finding_dict(f) for f in sorted(report.findings, key=Finding.sort_key)],
        "summary": _summary(report),
    }
    return json.dumps(document, indent=2) + "\n"


def finding_dict(finding: Finding) -> dict[str, Any]:
    """The contract fields of one finding."""
    return {
        "rule": finding.rule,
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "fix": finding.fix,
        "file": finding.location.file,
        "line": finding.location.line,
        "column": finding.location.column,
        "function": finding.function,
    }


def _function(report: FunctionReport) -> dict[str, Any]:
    fn = report.function
    return {
        "name": fn.name,
        "path": report.path,
        "handler": fn.handler,
        "runtime": fn.runtime,
        "architecture": fn.architecture,
        "packaging": fn.packaging,
        "discovered_by": fn.discovered_by,
        "source": _location(fn.source),
        "package_type": fn.package_type.value,
        "installs_requirements": fn.installs_requirements,
        "layers": list(fn.layers),
        "findings": [finding_dict(f) for f in report.findings],
        "plan": _plan(report.plan),
    }


def _location(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"file": location.file, "line": location.line}


def _plan(plan: Plan) -> dict[str, Any]:
    return {
        "strategy": plan.strategy,
        "zipped_bytes": plan.zipped_bytes,
        "unzipped_bytes": plan.unzipped_bytes,
        "commands": list(plan.commands),
        "distributions": list(plan.distributions),
        "reason": plan.reason,
        "breakdown": [{"name": name, "unzipped_bytes": size} for name, size in plan.breakdown],
    }


def _summary(report: Report) -> dict[str, Any]:
    counts = Counter(f.severity.value for f in report.all_findings())
    return {
        "functions": len(report.functions),
        "findings": sum(counts.values()),
        "error": counts.get("error", 0),
        "warning": counts.get("warning", 0),
        "info": counts.get("info", 0),
        "notes": list(report.notes),
    }
