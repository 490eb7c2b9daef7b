"""pip's requirements-file syntax: logical lines, comments, option flags and URL names.

Kept apart from the reader that follows includes, so what pip accepts on one line is
spelled out in one place.
"""

from __future__ import annotations

import re
import tomllib
from typing import TYPE_CHECKING

from packaging.utils import InvalidWheelFilename, parse_wheel_filename

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

# "-r x", "-rx", "-r=x", "--requirement x", "--requirement=x"; likewise -c and -e.
FLAG = re.compile(
    r"^(?:-(?P<short>[rce])\s*=?\s*|--(?P<long>requirement|constraint|editable)(?:\s*=\s*|\s+))"
    r"(?P<value>\S.*)$",
)
COMMENT = re.compile(r"(?:^|\s)#")  # "#egg=" inside a URL is not a comment
PER_REQ_OPTION = re.compile(r"\s--")  # --hash, --config-settings after the requirement
URL_OR_PATH = re.compile(
    r"^(?:[A-Za-z][\w+.-]*:|[.~/\\]|[^@;]*[/\\]|[^@;]*\.(?:whl|zip|tar\.gz|tgz|tar\.bz2)(?=\s|;|$))",
)
SCHEME = re.compile(r"^[A-Za-z][\w+.-]*://")
_EGG = re.compile(r"[#&]egg=([^&\s]+)")


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Join backslash continuations as pip does, numbering each by its first physical line."""
    pending: list[str] = []
    first = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        comment_only = line.lstrip().startswith("#")
        if pending and comment_only:  # a comment line ends a continuation in pip
            yield first, "".join(pending)
            pending = []
        if line.endswith("\\") and not comment_only:
            first = first if pending else number
            pending.append(line[:-1])
            continue
        yield (first, "".join([*pending, line])) if pending else (number, line)
        pending = []
    if pending:
        yield first, "".join(pending)


def url_name(url: str, base: Path) -> str | None:
    """Name a URL or path by its ``#egg=``, its wheel file name or a local pyproject.toml."""
    if egg := _EGG.search(url):
        return egg[1]
    path, bracket, extras = re.split(r"[#?]", url)[0].partition("[")
    if path.endswith(".whl"):
        try:
            return f"{parse_wheel_filename(path.rsplit('/', 1)[-1])[0]}{bracket}{extras}"
        except InvalidWheelFilename:
            return None
    if SCHEME.match(url) and not url.startswith("file:"):
        return None
    local = base / path.removeprefix("file://").removeprefix("file:") / "pyproject.toml"
    try:
        project = tomllib.loads(local.read_text("utf-8")).get("project")
    except (OSError, ValueError):  # unreadable, undecodable or invalid TOML: no name
        return None
    name = project.get("name") if isinstance(project, dict) else None
    return f"{name}{bracket}{extras}" if isinstance(name, str) else None
