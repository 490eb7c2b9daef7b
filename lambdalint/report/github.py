"""GitHub Actions workflow commands: one annotation a finding, and the job summary."""

from __future__ import annotations

from lambdalint.model import Finding, Report, Severity
from lambdalint.report import markdown

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report) -> str:
    """``::error file=…,line=…,col=…,title=…::message`` lines, in deterministic order."""
    lines = [annotation(finding) for finding in report.all_findings()]
    return "".join(f"{line}\n" for line in lines)


def summary(report: Report) -> str:
    """The Markdown for ``$GITHUB_STEP_SUMMARY`` (the caller appends it to that file)."""
    return markdown.render(report)


def annotation(finding: Finding) -> str:
    """One workflow command for ``finding``; line and column only when known."""
    loc = finding.location
    properties = [("file", loc.file.replace("\\", "/"))]
    if loc.line is not None:
        properties.append(("line", str(loc.line)))
        if loc.column is not None:
            properties.append(("col", str(loc.column)))
    properties.append(("title", f"{finding.code} {finding.rule}"))
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = f"{finding.message} (fix: {finding.fix})"
    return f"::{_COMMANDS[finding.severity]} {props}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """Escape a command's message the way the Actions runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: the data escapes plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
