"""Which dependency declaration each build installs from a function's folder.

Builds differ: ``sam build`` installs ``requirements.txt`` and nothing else; CDK's
``PythonFunction``/``PythonLayerVersion`` bundling takes ``Pipfile.lock``, then
``poetry.lock`` (with its pyproject.toml), then ``requirements.txt``; the
serverless-python-requirements plugin takes a Poetry project (``build-system`` requires
poetry), then the service's ``Pipfile``, then ``[project.dependencies]``, then its
requirements file. A declaration the build skips is not installed, which is
``requirements-not-installed``. Only file names and pyproject keys are read; nothing runs.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from lambdalint.discover.base import is_file

REQUIREMENTS = "requirements.txt"
SAM_READS = "requirements.txt"
CDK_READS = "Pipfile.lock, poetry.lock or requirements.txt"
SERVERLESS_READS = "a Poetry project, a Pipfile, [project] dependencies or {file}"


@dataclass(frozen=True, slots=True)
class Choice:
    """What a build installs from a folder.

    ``file`` is the declaration for the read stage (None: its default lookup is right);
    ``installs`` is False when the folder only declares what the build skips, and
    ``installs_only`` then says what it would have read.
    """

    file: Path | None = None
    installs: bool = True
    installs_only: str | None = None
    notes: tuple[str, ...] = ()


def sam_build(folder: Path) -> Choice:
    """``sam build``'s pip workflow: ``requirements.txt`` or nothing."""
    if is_file(folder / REQUIREMENTS):
        return Choice()
    return _skipped(folder, "sam build", SAM_READS)


def cdk_bundling(entry: Path) -> Choice:
    """``PythonFunction`` bundling: the first of Pipfile.lock, poetry.lock, requirements.txt."""
    if is_file(entry / "Pipfile.lock"):
        pipfile = entry / "Pipfile"
        return Choice(pipfile if is_file(pipfile) else entry / "Pipfile.lock")
    if is_file(entry / "poetry.lock") and is_file(entry / "pyproject.toml"):
        return Choice(entry / "pyproject.toml")
    if is_file(entry / REQUIREMENTS):
        return Choice()
    return _skipped(entry, "PythonFunction bundling", CDK_READS)


def serverless_plugin(
    module: Path, service: Path, file_name: str, *, poetry: bool, pipenv: bool
) -> Choice:
    """serverless-python-requirements: ``usePoetry`` and ``usePipenv`` default to true."""
    pyproject = _pyproject(module)
    requires = _get(pyproject, "build-system", "requires")
    if poetry and isinstance(requires, list) and any(str(r).startswith("poetry") for r in requires):
        return Choice(module / "pyproject.toml")
    if pipenv and is_file(service / "Pipfile"):
        return Choice(service / "Pipfile")
    if _get(pyproject, "project", "dependencies"):
        return Choice(module / "pyproject.toml")
    requirements = module / file_name
    if is_file(requirements) or file_name != REQUIREMENTS:
        return Choice(requirements)
    return _skipped(
        module, "serverless-python-requirements", SERVERLESS_READS.format(file=file_name)
    )


def _skipped(folder: Path, build: str, reads: str) -> Choice:
    """Nothing the build reads: not installed if the folder declares dependencies otherwise."""
    others = [
        name for name in ("Pipfile", "Pipfile.lock", "requirements.in") if is_file(folder / name)
    ]
    pyproject = _pyproject(folder)
    if _get(pyproject, "project", "dependencies"):
        others.append("pyproject.toml [project.dependencies]")
    elif isinstance(deps := _get(pyproject, "tool", "poetry", "dependencies"), dict) and set(
        deps
    ) - {"python"}:
        others.append("pyproject.toml [tool.poetry.dependencies]")
    if not others:
        return Choice()
    note = f"{build} installs only {reads}; {', '.join(others)} is not installed"
    return Choice(installs=False, installs_only=reads, notes=(note,))


def _pyproject(folder: Path) -> dict[str, object]:
    """The folder's pyproject.toml, or nothing (the read stage reports a broken one)."""
    path = folder / "pyproject.toml"
    if not is_file(path):
        return {}
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _get(data: dict[str, object], *keys: str) -> object:
    value: object = data
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value
