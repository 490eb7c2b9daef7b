"""Pipenv's ``Pipfile`` and ``Pipfile.lock``: what ``pipenv requirements`` hands to pip.

``[packages]`` is installed and ``[dev-packages]`` is not. When ``Pipfile.lock`` exists, its
``default`` section is what gets installed: exact pins of the direct packages the Pipfile
lists and of everything they pull in (those pins are not direct). A package the Pipfile
adds after the last lock is kept from the Pipfile.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from lambdalint.read.declared import Declared, Entries, Problem, git_url, key_line, load_toml
from lambdalint.read.declared import pep508 as spell

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

# Pipfile tables may give markers one variable at a time: sys_platform = "== 'linux'".
_MARKER_KEYS = (
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
)
_OPERATOR = re.compile(r"^\s*(==|!=|<=|>=|~=|===|<|>)")


def pipenv_entries(pipfile: Path, lock: Path, read: Callable[[Path], str | None]) -> Entries:
    """The installed packages of ``pipfile``, pinned by ``lock`` when it exists."""
    entries: Entries = []
    listed: dict[str, tuple[str, dict[str, Any], int | None]] = {}
    text = read(pipfile) if pipfile.is_file() else None
    if text is not None:
        data = load_toml(text, pipfile)
        if isinstance(data, Problem):
            return [data]
        lines = text.splitlines()
        packages = data.get("packages", {})
        if not isinstance(packages, dict):
            return [Problem(pipfile, key_line(lines, "packages"), "[packages] must be a table")]
        for name, value in packages.items():
            table = {"version": value} if isinstance(value, str) else value
            listed[canonicalize_name(name)] = (name, table, key_line(lines, "packages", name))
    if lock.is_file() and (lock_text := read(lock)) is not None:
        entries += _pins(lock, lock_text, listed, pipfile, direct_unknown=text is None)
    for name, table, line in listed.values():  # not locked yet: the Pipfile's own spec
        entries.append(_entry(name, table, pipfile, line))
    return entries


def _pins(
    lock: Path,
    text: str,
    listed: dict[str, tuple[str, dict[str, Any], int | None]],
    pipfile: Path,
    *,
    direct_unknown: bool,
) -> Entries:
    """The ``default`` pins; a direct one is located where the Pipfile lists it (``listed``)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [Problem(lock, exc.lineno, f"Invalid JSON: {exc.msg}")]
    default = data.get("default", {}) if isinstance(data, dict) else None
    if not isinstance(default, dict):
        return [Problem(lock, None, 'Pipfile.lock "default" must be an object')]
    lines = text.splitlines()
    start = next((i for i, s in enumerate(lines) if re.match(r'\s*"default"\s*:', s)), 0)
    entries: Entries = []
    for name, pin in default.items():
        given = listed.pop(canonicalize_name(name), None)
        if given is None:
            line = next((i + 1 for i in range(start, len(lines)) if f'"{name}"' in lines[i]), None)
            entries.append(_entry(name, pin, lock, line, direct=direct_unknown))
        else:  # the lock pins the version; the Pipfile says where the user asked for it
            listed_name, table, line = given
            merged = {**table, **pin} if isinstance(pin, dict) else pin
            entries.append(_entry(listed_name, merged, pipfile, line))
    return entries


def _entry(
    name: str, value: object, path: Path, line: int | None, *, direct: bool = True
) -> Declared | Problem:
    if isinstance(value, str):
        value = {"version": value}
    if not isinstance(value, dict):
        return Problem(path, line, f"Package {name!r} is neither a string nor a table")
    markers = [str(value.get("markers") or "")]
    markers += [f"{key} {value[key]}" for key in _MARKER_KEYS if isinstance(value.get(key), str)]
    url: str | None = None
    if isinstance(git := value.get("git"), str):
        url = git_url(git, value.get("ref"), value.get("subdirectory"))
    elif isinstance(local := value.get("path") or value.get("file"), str):
        url = local
    specifier = ""
    if url is None:
        version = str(value.get("version") or "*").strip()
        if version != "*":
            version = version if _OPERATOR.match(version) else f"=={version}"
            try:
                specifier = str(SpecifierSet(version))
            except InvalidSpecifier:
                return Problem(path, line, f"Invalid version {version!r} for {name!r}")
    editable = value.get("editable") is True
    text = spell(name, value.get("extras"), specifier, markers)
    return Declared(text, path, line, url=url, editable=editable, direct=direct)
