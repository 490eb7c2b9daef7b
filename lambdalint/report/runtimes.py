"""The ``lambdalint runtimes`` table."""

from __future__ import annotations

import datetime

from lambdalint.runtime.model import Runtime


def render(runtimes: tuple[Runtime, ...], today: datetime.date) -> str:
    """One row per runtime: Python, OS, glibc, architectures, status and dates relative to today."""
    header = ("runtime", "python", "os", "glibc", "arch", "status", "dates")
    rows = [header]
    rows += [
        (
            rt.name,
            rt.python,
            rt.os,
            ".".join(map(str, rt.glibc)),
            ",".join(rt.architectures),
            rt.status(today).value,
            _dates(rt, today),
        )
        for rt in runtimes
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in rows
    ]
    stamp = max(rt.as_of for rt in runtimes).isoformat() if runtimes else "-"
    lines.append(f"\nfacts verified as of {stamp}; each runtime file lists its sources")
    return "\n".join(lines) + "\n"


def _dates(rt: Runtime, today: datetime.date) -> str:
    parts = []
    for label, day in (
        ("deprecated", rt.deprecated),
        ("create blocked", rt.block_create),
        ("update blocked", rt.block_update),
    ):
        if day is not None:
            parts.append(f"{label} {day.isoformat()} ({_relative(day, today)})")
    return "; ".join(parts) or "dates not announced"


def _relative(day: datetime.date, today: datetime.date) -> str:
    delta = (day - today).days
    if delta == 0:
        return "today"
    return f"in {delta} days" if delta > 0 else f"{-delta} days ago"
