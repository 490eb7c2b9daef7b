"""Pipeline stage: report. Renderers turn a finished Report into text; they compute nothing."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lambdalint.model import Report


_RENDERERS = {
    "json": "lambdalint.report.json",
    "sarif": "lambdalint.report.sarif",
    "github": "lambdalint.report.github",
    "markdown": "lambdalint.report.markdown",
    "junit": "lambdalint.report.junit",
    "html": "lambdalint.report.html",
}


def render(
    report: Report,
    output_format: str,
    *,
    colour: bool = False,
    quiet: bool = False,
    plans: bool = False,
) -> str:
    """The report in ``output_format``; each renderer is imported only when chosen.

    ``plans`` asks for the packaging plans alone (``lambdalint plan``) in text form; the
    other formats always carry both findings and plans.
    """
    if output_format in _RENDERERS:
        module = importlib.import_module(_RENDERERS[output_format])
        text: str = module.render(report)
        return text
    if plans:
        from lambdalint.report import plan  # noqa: PLC0415

        return plan.render(report)
    from lambdalint.report import text as text_report  # noqa: PLC0415

    return text_report.render(report, colour=colour, quiet=quiet)
