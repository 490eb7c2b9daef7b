"""Pipeline stage: report. Renderers turn a finished Report into text; they compute nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lambdalint.model import Report


def render(
    report: Report,
    output_format: str,
    *,
    colour: bool = False,
    quiet: bool = False,
    plans: bool = False,
) -> str:
    """The report in ``output_format``; each renderer is imported only when chosen.

    ``plans`` asks for the packaging plans alone (``lambdalint plan``); JSON always has both.
    """
    if output_format == "json":
        from lambdalint.report import json as json_report  # noqa: PLC0415

        return json_report.render(report)
    if plans:
        from lambdalint.report import plan  # noqa: PLC0415

        return plan.render(report)
    from lambdalint.report import text  # noqa: PLC0415

    return text.render(report, colour=colour, quiet=quiet)
