"""``audit aws --download``: fetch each zip function's code and run ``inspect`` on it.

The zip goes to a private temporary file inside lambdalint's cache folder (never next to the
user's files), is read through the inspect stage's streaming reader, and is deleted at once.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from lambdalint.audit.download import DownloadError, download_code
from lambdalint.diagnostics import parse_error
from lambdalint.inspect import inspect_artifact
from lambdalint.model import FunctionReport, Location, PackageType, Report, Severity
from lambdalint.resolve.cache import cache_dir

ClientFactory = Callable[[str], Any]  # region -> boto3 Lambda client


def inspect_downloads(report: Report, client_for: ClientFactory) -> Report:
    """``report`` with each zip function's inspect findings added to its own findings."""
    return replace(report, functions=tuple(_one(fr, client_for) for fr in report.functions))


def _one(report: FunctionReport, client_for: ClientFactory) -> FunctionReport:
    fn = report.function
    parts = fn.code_dir.parts  # aws/<region>/<name>
    if fn.package_type is not PackageType.ZIP or len(parts) < 3 or fn.runtime is None:  # noqa: PLR2004
        return report
    region, name = parts[1], parts[2]
    where = Location(f"aws://lambda/{region}/{name}")
    try:
        code = download_code(client_for(region), name)
    except DownloadError as error:
        return _with(report, parse_error(where, str(error), severity=Severity.WARNING))
    if code is None:
        message = f"{name}: code is over the download cap; not inspected"
        return _with(report, parse_error(where, message, severity=Severity.INFO))
    folder = cache_dir() / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".zip")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(code)
        inspected = inspect_artifact(
            Path(temporary), runtime=fn.runtime, architecture=fn.architecture, root=folder
        )
    finally:
        Path(temporary).unlink(missing_ok=True)
    found = [
        replace(
            f,
            function=fn.name,
            location=replace(f.location, file=f"{where.file}!{f.location.file.split('!', 1)[-1]}"),
        )
        for inner in inspected.functions
        for f in inner.findings
    ]
    return replace(report, findings=(*report.findings, *found))


def _with(report: FunctionReport, finding: Any) -> FunctionReport:  # noqa: ANN401 - a Finding
    return replace(
        report, findings=(*report.findings, replace(finding, function=report.function.name))
    )
