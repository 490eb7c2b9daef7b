"""What the manifest readers (pyproject, Poetry, Pipfile) hand the requirements reader.

Each manifest spells a dependency its own way; its reader turns it into a PEP 508 string with
the file and line that declare it, and the requirements reader makes the ``Requirement``. Bad
entries are ``Problem`` values, never exceptions.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

_HEADER = re.compile(r"^\s*\[(?!\[)(?P<name>[^\]]+)\]\s*(?:#.*)?$")
_PART = re.compile(r"\"[^\"]*\"|'[^']*'|[^.\"']+")


@dataclass(frozen=True, slots=True)
class Declared:
    """One dependency: PEP 508 text without the URL (given apart), where it is, and if direct."""

    text: str
    path: Path
    line: int | None
    url: str | None = None
    editable: bool = False
    direct: bool = True


@dataclass(frozen=True, slots=True)
class Problem:
    """An entry (or a whole file) that could not be read, located at its line."""

    path: Path
    line: int | None
    message: str


Entries = list[Declared | Problem]


def load_toml(text: str, path: Path) -> dict[str, Any] | Problem:
    """The parsed document, or a Problem at the line tomllib names."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        return Problem(path, int(line[1]) if line else None, f"Invalid TOML: {exc}")


def key_line(lines: list[str], dotted: str, key: str | None = None) -> int | None:
    """1-based line of ``key = …`` in table ``[dotted]`` (or of ``[dotted.key]``).

    Falls back to the table's header line (the answer without ``key``), and to None when the
    table is not spelled out.
    """
    wanted = tuple(dotted.split("."))
    spelled = "|".join(re.escape(k) for k in (key, f'"{key}"', f"'{key}'")) if key else "(?!)"
    assignment = re.compile(rf"\s*(?:{spelled})\s*[=.]")
    header: int | None = None
    inside = False
    for number, line in enumerate(lines, 1):
        found = _HEADER.match(line)
        if found:
            parts = tuple(p.strip().strip("\"'") for p in _PART.findall(found["name"]))
            parts = tuple(p for p in parts if p)
            if parts == (*wanted, key):
                return number
            inside = parts == wanted
            header = number if inside and header is None else header
        elif inside and assignment.match(line):
            return number
    return header


def pep508(name: str, extras: object, specifier: str, markers: list[str]) -> str:
    """``name[extras]specifier ; marker and marker`` from the pieces a manifest gives."""
    names = sorted(str(e) for e in extras) if isinstance(extras, list) else []
    text = f"{name}[{','.join(names)}]" if names else name
    text += specifier
    kept = [m for m in markers if m]
    if len(kept) == 1:
        return f"{text}; {kept[0]}"
    return f"{text}; {' and '.join(f'({m})' for m in kept)}" if kept else text


def git_url(repository: str, ref: object, subdirectory: object) -> str:
    """A pip VCS URL: ``git+https://h/r.git@ref#subdirectory=s`` (scp-style remotes as ssh)."""
    scp = re.fullmatch(r"([\w.-]+@[\w.-]+):(?!//)(.+)", repository)  # git@github.com:o/r.git
    url = f"ssh://{scp[1]}/{scp[2]}" if scp else repository
    url = url if url.startswith("git+") else f"git+{url}"
    return (
        url + (f"@{ref}" if ref else "") + (f"#subdirectory={subdirectory}" if subdirectory else "")
    )
