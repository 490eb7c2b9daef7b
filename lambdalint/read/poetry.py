"""Poetry's ``[tool.poetry.dependencies]``: what ``poetry export`` (and so the build) installs.

Only the main table counts: groups and ``dev-dependencies`` are development tools, and an
``optional = true`` dependency is installed only when an extra asks for it, which the builds
lambdalint knows (CDK bundling, serverless-python-requirements) never do. Poetry's own
constraint syntax (``^1.2``, ``~1.2``, ``*``, ``1.2.3``) becomes PEP 440.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from packaging.specifiers import InvalidSpecifier, Specifier
from packaging.version import InvalidVersion, Version

from lambdalint.read.declared import Declared, Entries, Problem, git_url, key_line, pep508

if TYPE_CHECKING:
    from pathlib import Path

TABLE = "tool.poetry.dependencies"
_OPERATOR_SPACE = re.compile(r"(==|!=|<=|>=|~=|[<>=^~])\s+")
_PEP440_OPERATOR = re.compile(r"^(==|!=|<=|>=|~=|<|>)")


def poetry_specifier(constraint: str) -> str:
    """The PEP 440 specifier for a Poetry constraint (``""`` for any version).

    ``^1.2.3`` → ``>=1.2.3,<2.0.0``; ``^0.2.3`` → ``>=0.2.3,<0.3.0``; ``~1.2`` → ``>=1.2,<1.3``.
    An either-or constraint (``^1 || ^2``) has no PEP 440 form and keeps no bound.
    Raises ValueError for text Poetry would reject.
    """
    if "|" in constraint:
        for alternative in constraint.split("|"):
            if alternative.strip():
                poetry_specifier(alternative)  # still reject nonsense
        return ""
    clauses = re.split(r"[,\s]+", _OPERATOR_SPACE.sub(r"\1", constraint.strip()))
    return ",".join(spec for clause in clauses if (spec := _clause(clause)))


def python_marker(constraint: str) -> str:
    """A Poetry ``python`` constraint as an environment marker (``""`` for any Python)."""
    alternatives = []
    for alternative in re.split(r"\|\|?", constraint):
        spec = poetry_specifier(alternative)
        clauses = [
            f'{_python_variable(s.version)} {s.operator} "{s.version}"'
            for s in (Specifier(part) for part in spec.split(",") if part)
        ]
        if not clauses:
            return ""  # one alternative allows every Python
        alternatives.append(" and ".join(clauses))
    if len(alternatives) == 1:
        return alternatives[0]
    return " or ".join(f"({a})" for a in alternatives)


def poetry_entries(data: dict[str, Any], lines: list[str], path: Path) -> Entries:
    """The installed dependencies of ``[tool.poetry.dependencies]``, each at its line."""
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    deps = poetry.get("dependencies", {}) if isinstance(poetry, dict) else {}
    if not isinstance(deps, dict):
        where = key_line(lines, "tool.poetry", "dependencies")
        return [Problem(path, where, f"[{TABLE}] must be a table")]
    entries: Entries = []
    for name, value in deps.items():
        if name.lower() == "python":
            continue  # the interpreter the project supports, not a distribution
        line = key_line(lines, TABLE, name)
        # A list is Poetry's "multiple constraints" form: one entry per Python or platform.
        for item in value if isinstance(value, list) else [value]:
            entries.extend(_entry(name, item, path, line))
    return entries


def _entry(name: str, value: object, path: Path, line: int | None) -> Entries:
    if isinstance(value, str):
        value = {"version": value}
    if not isinstance(value, dict):
        return [Problem(path, line, f"Poetry dependency {name!r} is neither a string nor a table")]
    if value.get("optional") is True:
        return []  # installed only with an extra, which poetry export leaves out by default
    try:
        markers = [str(value.get("markers") or "")]
        if isinstance(python := value.get("python"), str):
            markers.append(python_marker(python))
        url, editable = _source(value)
        specifier = "" if url else poetry_specifier(str(value.get("version") or "*"))
    except ValueError as exc:
        return [Problem(path, line, f"Invalid Poetry dependency {name!r}: {exc}")]
    text = pep508(name, value.get("extras"), specifier, markers)
    return [Declared(text, path, line, url=url, editable=editable)]


def _source(value: dict[str, Any]) -> tuple[str | None, bool]:
    """The URL or local path of a ``git``, ``url`` or ``path`` dependency, and if editable."""
    if isinstance(git := value.get("git"), str):
        ref = next((value[k] for k in ("rev", "tag", "branch") if value.get(k)), None)
        return git_url(git, ref, value.get("subdirectory")), False
    if isinstance(url := value.get("url"), str):
        return url, False
    if isinstance(local := value.get("path"), str):
        return local, value.get("develop") is True
    return None, False


def _clause(clause: str) -> str:
    """One AND-ed Poetry clause as PEP 440 (``""`` for ``*``)."""
    if clause in {"", "*"}:
        return ""
    if clause.startswith("^") or (clause.startswith("~") and not clause.startswith("~=")):
        floor = clause[1:]
        try:
            release = list(Version(floor).release)
        except InvalidVersion as exc:
            raise ValueError(f"{clause!r} is not a version constraint") from exc
        if clause[0] == "^":  # the left-most non-zero part may not change
            bump = next((i for i, n in enumerate(release) if n), len(release) - 1)
        else:  # ~1 allows 1.x; ~1.2 and ~1.2.3 allow 1.2.x
            bump = 0 if len(release) == 1 else 1
        ceiling = [*release[:bump], release[bump] + 1] + [0] * (len(release) - bump - 1)
        return f">={floor},<{'.'.join(map(str, ceiling))}"
    if clause.startswith("=") and not clause.startswith("=="):
        clause = "=" + clause  # Poetry accepts a single "="
    elif not _PEP440_OPERATOR.match(clause):
        clause = "==" + clause  # a bare version (or 1.2.*) is an exact match
    try:
        return str(Specifier(clause))
    except InvalidSpecifier as exc:
        raise ValueError(f"{clause!r} is not a version constraint") from exc


def _python_variable(version: str) -> str:
    """``python_version`` holds X.Y; a three-part bound needs ``python_full_version``."""
    minor_only = version.rstrip(".*").count(".") < 2  # noqa: PLR2004 - X.Y has one dot
    return "python_version" if minor_only else "python_full_version"
