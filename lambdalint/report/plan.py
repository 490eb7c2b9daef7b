"""``lambdalint plan``: one block per function with the strategy, sizes, reason and commands."""

from __future__ import annotations

from lambdalint.model import Plan, Report
from lambdalint.resolve.sizes import mib


def render(report: Report) -> str:
    """The packaging plans, in the order the functions were found."""
    blocks = []
    for function_report in report.functions:
        fn = function_report.function
        lines = [f"{fn.name} ({function_report.path}) — {fn.runtime} {fn.architecture}"]
        lines += plan_lines(function_report.plan)
        blocks.append("\n".join(lines))
    blocks += [f"note: {note}" for note in report.notes]
    return "\n\n".join(blocks) + "\n"


def plan_lines(plan: Plan) -> list[str]:
    """The plan as indented lines; shared with the text report's per-function section."""
    lines = [f"  plan: {plan.strategy}{sizes(plan)} — {plan.reason}"]
    for command in plan.commands:
        first, *rest = command.splitlines()
        lines.append(f"    {first}" if first.startswith("#") else f"    $ {first}")
        lines += [f"      {line}" for line in rest]
    return lines


def sizes(plan: Plan) -> str:
    """`` (12.3 MiB zipped, 45.6 MiB unzipped)`` when the plan has sizes."""
    if plan.zipped_bytes is None or plan.unzipped_bytes is None:
        return ""
    return f" ({mib(plan.zipped_bytes)} zipped, {mib(plan.unzipped_bytes)} unzipped)"
