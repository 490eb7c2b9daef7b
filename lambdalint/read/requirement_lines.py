"""pip's requirements-file syntax: logical lines, comments, option flags and URL names.

Kept apart from the reader that follows includes, so what pip accepts on one line is
spelled out in one place.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from typing import TYPE_CHECKING

from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

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
# "-i x", "--index-url=x", "--extra-index-url x", "-f x", "--find-links x", "--no-index".
INDEX_OPTION = re.compile(
    r"^(?:-(?P<short>[if])\s*=?\s*|--(?P<long>index-url|extra-index-url|find-links)(?:\s*=\s*|\s+))"
    r"(?P<value>\S+)\s*$|^--(?P<flag>no-index)\s*$",
)
_SHORT = {"i": "index-url", "f": "find-links"}
_EGG = re.compile(r"[#&]egg=([^&\s]+)")


def decode(data: bytes) -> str:
    """A requirements file's text as pip reads it: UTF-16 with a BOM, else UTF-8 (BOM or not)."""
    bom16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    return data.decode("utf-16" if bom16 else "utf-8-sig")


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


def index_option(content: str, base: Path) -> tuple[str, str] | None:
    """``(key, value)`` of a source option pip honours in a file (``("no-index", "")``).

    As in pip, a find-links path that exists next to the file is taken relative to it.
    """
    found = INDEX_OPTION.match(content)
    if found is None:
        return None
    if found["flag"]:
        return found["flag"], ""
    key, value = found["long"] or _SHORT[found["short"]], found["value"]
    if key == "find-links" and not SCHEME.match(value) and (base / value).exists():
        value = str((base / value).resolve())
    return key, value


def via_entries(text: str) -> tuple[list[str], bool]:
    """Parents a ``# via`` comment names, and whether it names an input (``-r x.in``, ``(f)``)."""
    parents: list[str] = []
    sourced = False
    entries = iter(text.replace(",", " ").split())
    for entry in entries:
        if entry in {"-r", "-c"}:
            sourced |= entry == "-r"
            next(entries, None)
        elif entry.startswith("("):
            sourced = True
        else:
            parents.append(canonicalize_name(entry))
    return parents, sourced


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
