"""Task-runner recipes read as shell text, never run: go-task, taskipy and poethepoet.

go-task reads ``Taskfile.yml``; taskipy and poe the ``[tool.taskipy.tasks]`` and
``[tool.poe.tasks]`` tables of a ``pyproject.toml``. A project often writes its requirements
there (``task export`` = ``poetry export -o src/requirements.txt``) right before ``sam build``.
Each command is read in a shell of its own from the file's folder (go-task: the task's
``dir``), as the runner starts it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from lambdalint.discover.serverless_yaml import Node, load
from lambdalint.discover.shell import Shell, Step

TASKFILES = frozenset(
    {"Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml", "Taskfile.dist.yml"}
)
_TABLES = (("taskipy", "tasks"), ("poe", "tasks"))
_TEMPLATE = re.compile(r"\{\{\s*\.(?:ROOT_DIR|TASKFILE_DIR|USER_WORKING_DIR)\s*\}\}")


def wants(path: Path) -> bool:
    """A Taskfile, or a pyproject.toml (read only when it has a task table)."""
    return path.name in TASKFILES or path.name == "pyproject.toml"


def steps(path: Path, text: str) -> Iterator[Step]:
    """The installs and exports of one task-runner file."""
    here = path.resolve().parent
    if path.name == "pyproject.toml":
        yield from _pyproject(text, here)
    else:
        yield from _taskfile(text, here)


def _pyproject(text: str, here: Path) -> Iterator[Step]:
    """Taskipy and poethepoet tasks: a string, or a table with ``cmd`` (poe also ``shell``)."""
    if "[tool.taskipy" not in text and "[tool.poe" not in text:
        return
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    lines = text.splitlines()
    tool = data.get("tool")
    for section, key in _TABLES:
        tasks = tool.get(section, {}).get(key) if isinstance(tool, dict) else None
        for name, task in tasks.items() if isinstance(tasks, dict) else ():
            command = task if isinstance(task, str) else None
            if isinstance(task, dict):
                command = next(
                    (task[k] for k in ("cmd", "shell") if isinstance(task.get(k), str)), None
                )
            if command:
                yield from Shell(here, here=here).run(command, _line_of(lines, name, command))


def _taskfile(text: str, here: Path) -> Iterator[Step]:
    """go-task: ``tasks.<name>.cmds`` (strings or ``{cmd: ...}``), or a task given as a list."""
    try:
        document = load(text)
    except Exception:  # noqa: BLE001 - PyYAML is imported lazily; any YAMLError
        return
    tasks = document.get("tasks") if isinstance(document, Node) else None
    lines = text.splitlines()
    for name, task in tasks.items() if isinstance(tasks, Node) else ():
        cmds = task.get("cmds") if isinstance(task, Node) else task
        folder = task.get("dir") if isinstance(task, Node) else None
        cwd = here / _TEMPLATE.sub(".", folder) if isinstance(folder, str) else here
        for cmd in [cmds] if isinstance(cmds, str) else cmds if isinstance(cmds, list) else []:
            command = cmd.get("cmd") if isinstance(cmd, Node) else cmd
            if isinstance(command, str):
                command = _TEMPLATE.sub(here.as_posix(), command)
                yield from Shell(cwd, here=here).run(command, _line_of(lines, name, command))


def _line_of(lines: list[str], name: str, command: str) -> int:
    """The line that holds the command's first words (after the task's name), else 1."""
    head = command.strip().splitlines()[0][:40] if command.strip() else command
    start = next((i for i, line in enumerate(lines) if name in line), 0)
    hit = next((i for i in range(start, len(lines)) if head and head in lines[i]), None)
    return (hit if hit is not None else start) + 1
