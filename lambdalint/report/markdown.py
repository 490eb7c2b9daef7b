"""Markdown for a pull-request comment or a CI job summary: totals, then one block a function."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from lambdalint.model import Finding, FunctionReport, Plan, Report, Severity
from lambdalint.report.plan import sizes

_HEADER = (
    "| Severity | Code | Rule | Location | Message | Fix |",
    "|---|---|---|---|---|---|",
)
_TICKS = re.compile(r"`+")


def render(report: Report) -> str:
    """The whole report as GitHub-flavoured Markdown."""
    findings = report.all_findings()
    lines = [f"## lambdalint: {totals(findings)} in {_count(len(report.functions), 'function')}"]
    lines += ["", "No findings." if not findings else _scope_line(findings), ""]
    for function_report in report.functions:
        lines += _function(function_report)
    if report.findings:
        lines += _details(
            "<strong>Not tied to a function</strong>",
            open_=_has_errors(report.findings),
            body=_table(sorted(report.findings, key=Finding.sort_key)),
        )
    if report.notes:
        lines += [f"> note: {_inline(note)}" for note in report.notes] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def totals(findings: Sequence[Finding]) -> str:
    """``2 errors, 1 warning, 0 info``."""
    counts = Counter(f.severity for f in findings)
    return ", ".join(
        f"{counts[s]} {s.value}" if s is Severity.INFO else _count(counts[s], s.value)
        for s in Severity
    )


def cell(text: str) -> str:
    """Text safe inside a table cell: no pipes, newlines or raw HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")


def _function(report: FunctionReport) -> list[str]:
    fn = report.function
    head = f"<strong>{_html(fn.name)}</strong> <code>{_html(report.path)}</code>"
    target = f"{fn.runtime or 'unknown runtime'} {fn.architecture}, {fn.packaging}"
    head += f" — {_html(target)}"
    if report.findings:
        head += f": {totals(report.findings)}"
    body = _table(report.findings) if report.findings else ["No findings."]
    return _details(head, open_=_has_errors(report.findings), body=[*body, "", *_plan(report.plan)])


def _details(summary: str, *, open_: bool, body: list[str]) -> list[str]:
    tag = "<details open>" if open_ else "<details>"
    return [tag, f"<summary>{summary}</summary>", "", *body, "", "</details>", ""]


def _table(findings: Sequence[Finding]) -> list[str]:
    rows = list(_HEADER)
    for f in findings:
        where = f.location.file + (f":{f.location.line}" if f.location.line is not None else "")
        cells = (f.severity.value, f.code, f.rule, _code_span(where), cell(f.message), cell(f.fix))
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def _plan(plan: Plan) -> list[str]:
    lines = [f"**Packaging plan:** {_inline(plan.strategy)}{sizes(plan)}"]
    if plan.reason:
        lines += ["", _inline(plan.reason)]
    if plan.commands:
        text = "\n".join(plan.commands)
        longest = max((len(m) for m in _TICKS.findall(text)), default=0)
        fence = "`" * max(3, longest + 1)
        lines += ["", f"{fence}sh", text, fence]
    return lines


def _code_span(text: str) -> str:
    """A code span in a table cell: pipes still need a backslash, entities would show as typed."""
    text = text.replace("`", "'").replace("|", "\\|")
    return "`" + " ".join(text.splitlines()) + "`"


def _inline(text: str) -> str:
    return _html(" ".join(text.split()))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _scope_line(findings: Sequence[Finding]) -> str:
    functions = {f.function for f in findings if f.function is not None}
    return f"Findings in {_count(len(functions), 'function')}; details below."


def _has_errors(findings: Sequence[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
