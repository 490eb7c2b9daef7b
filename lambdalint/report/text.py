"""Human-readable output: findings grouped by function, a fix hint each, one summary line."""

from __future__ import annotations

from collections import Counter

from lambdalint.model import Finding, FunctionReport, Report, Severity
from lambdalint.report.plan import plan_lines

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def render(report: Report, *, colour: bool = False, quiet: bool = False) -> str:
    """Text for a terminal or a log; ``colour`` only when the caller knows it is a TTY."""
    lines: list[str] = []
    for function_report in report.functions:
        if quiet and not function_report.findings:
            continue
        lines.extend(_function(function_report, colour=colour))
    if report.findings:
        lines.append("(not tied to a function)")
        lines.extend(_finding(f, colour=colour) for f in report.findings)
        lines.append("")
    lines.extend(f"note: {note}" for note in report.notes)
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def _function(report: FunctionReport, *, colour: bool) -> list[str]:
    fn = report.function
    head = f"{fn.name} ({report.path}) — {fn.runtime} {fn.architecture}, {fn.packaging}"
    if fn.handler:
        head += f", handler {fn.handler}"
    lines = [_paint(head, "1", colour=colour)]
    lines.extend(_finding(f, colour=colour) for f in report.findings)
    lines.extend(plan_lines(report.plan))
    lines.append("")
    return lines


def _finding(finding: Finding, *, colour: bool) -> str:
    loc = finding.location
    where = loc.file + "".join(f":{n}" for n in (loc.line, loc.column) if n is not None)
    label = _paint(f"{finding.code} {finding.rule}", _COLOURS[finding.severity], colour=colour)
    return f"  {where}  {label}  {finding.message}\n      fix: {finding.fix}"


def _summary(report: Report) -> str:
    counts = Counter(f.severity for f in report.all_findings())
    parts = [f"{counts[s]} {s.value}{_plural(counts[s], s)}" for s in Severity]
    functions = len(report.functions)
    return f"{functions} function{'s' if functions != 1 else ''} checked: {', '.join(parts)}"


def _paint(text: str, code: str, *, colour: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if colour else text


def _plural(count: int, severity: Severity) -> str:
    return "s" if count != 1 and severity is not Severity.INFO else ""
