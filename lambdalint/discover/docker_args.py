"""The values a build ``ARG`` can take, read from the build context the Dockerfile copies from.

An IaC build passes a value the code computes (``build_args={"pipeline": pipeline.id}``), so
it has no literal. When the Dockerfile copies ``pipelines/${pipeline}/...``, a build only
succeeds for the values whose sources exist: those are listed from the build context (a
directory listing, never a build), each kept only if every ``COPY`` using it finds its source.
"""

from __future__ import annotations

import re
from pathlib import Path

from lambdalint.discover.base import TooLargeError, read_capped
from lambdalint.discover.dockerfile import instructions, split_args
from lambdalint.discover.shell import substitute

MAX_VALUES = 32
_MARK = "\x00"


def arg_values(dockerfile: Path, context: Path, name: str) -> tuple[str, ...]:
    """Sorted values of ``ARG name`` for which every ``COPY`` source naming it exists."""
    try:
        text = read_capped(dockerfile, errors="replace")
    except (OSError, TooLargeError):
        return ()
    sources: list[str] = []
    for _line, keyword, args in instructions(text):
        words = split_args(args) if keyword in {"COPY", "ADD"} else []
        if any(w.startswith("--from=") for w in words):
            continue  # from another stage, not the build context
        marked = (substitute(w, {name: _MARK}) for w in words[:-1] if not w.startswith("--"))
        sources += [m for m in marked if _MARK in m and "$" not in m and "://" not in m]
    found: set[str] | None = None
    for source in sources:
        values = _values(context, source.lstrip("/").removeprefix("./"))
        found = values if found is None else found & values
    return tuple(sorted(found or ()))[:MAX_VALUES]


def _values(context: Path, source: str) -> set[str]:
    """Values of the marked path component that make ``source`` match something in ``context``."""
    parts = source.split("/")
    at = next(i for i, part in enumerate(parts) if _MARK in part)
    folder = context.joinpath(*parts[:at])
    pattern = re.compile(re.escape(parts[at]).replace(re.escape(_MARK), r"(.+)"))
    try:
        entries = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return set()
    values: set[str] = set()
    for entry in entries:
        match = pattern.fullmatch(entry)
        if match is None or entry.startswith((".", "__")):
            continue
        value = match[1]
        rest = source.replace(_MARK, value)
        if "/" in value or not (
            any(context.glob(rest)) if _glob(rest) else (context / rest).exists()
        ):
            continue
        values.add(value)
    return values


def _glob(path: str) -> bool:
    return any(c in path for c in "*?[")
