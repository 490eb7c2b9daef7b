"""Shell command lines read as words, never run: pip installs, requirement exports, ``zip``.

One reader for every place a build runs shell: Dockerfile ``RUN``, Terraform ``local-exec`` and
build scripts (``*.sh``, Makefiles, CI steps). ``Shell`` follows ``cd`` and plain
``NAME=value`` assignments so relative paths land where the command would put them, and reads
the command string of ``sh -c``/``bash -c`` (also at the end of ``docker run IMAGE``) in place.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from lambdalint.discover.shell_files import ASSIGN as _ASSIGN
from lambdalint.discover.shell_files import (
    LISTING,
    clone,
    copy,
    export,
    is_folder,
    program_words,
    uploaded_name,
    zip_archive,
)

_VAR = re.compile(r"\$(?:\{(\w+)(?::?([-+])([^}]*))?\}|(\w+))")
_DIRNAME = r"\$\(\s*dirname\b[^)]*\)"  # ``$(dirname "$0")``, also inside ``$(cd ... && pwd)``
_QUIET = r"(?:\s*(?:&|[12])?>>?\s*(?:/dev/null|&[12]))*"  # ``&> /dev/null``, ``>/dev/null 2>&1``
_HERE = re.compile(rf"\$\(\s*cd\s+\"?{_DIRNAME}\"?{_QUIET}\s*(?:&&|;)\s*pwd\s*\)|{_DIRNAME}")
_HEREDOC = re.compile(r"(?<!<)<<-?(?!<)\s*([\"']?)(\w+)\1")
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")"})
_TARGETS = frozenset({"-t", "--target", "--prefix", "--root"})
_VALUED = _TARGETS | {"-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "-e"}
_VALUED |= {"--extra-index-url", "-f", "--find-links", "--platform", "--python-version", "-C"}
_VALUED |= {"--implementation", "--abi", "--only-binary", "--no-binary", "--cache-dir"}
_VALUED |= {"--trusted-host", "--src", "--upgrade-strategy", "--global-option", "--log"}
_VALUED |= {"--config-settings", "--progress-bar", "--python", "--proxy", "--timeout", "--cert"}
_VALUED |= {"--retries", "--exists-action", "--root-user-action", "--report", "--use-feature"}
_ARCHIVES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2")
_NAMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(\[[\w,.\s-]*\])?\s*([<>=!~;@].*)?")


def split(line: str, *, punctuation: bool = True) -> list[str]:
    """Shell words; with ``punctuation``, ``&&``, ``;``, ``|``, ``>`` are words of their own.

    ``ValueError`` for an unbalanced quote, as ``shlex`` says.
    """
    lexer = shlex.shlex(line, posix=True, punctuation_chars=punctuation)
    lexer.whitespace_split = True
    lexer.commenters = "#" if punctuation else ""
    return list(lexer)


def substitute(text: str, env: dict[str, str]) -> str:
    """``$X``, ``${X}``, ``${X:-word}``, ``${X:+word}``; unknown variables stay as written."""

    def one(match: re.Match[str]) -> str:
        value, op, word = env.get(match[1] or match[4]), match[2], match[3]
        if op:
            return (value or word) if op == "-" else (word if value else "")
        return match[0] if value is None else value

    return _VAR.sub(one, text)


def commands(words: list[str]) -> Iterator[list[str]]:
    """The simple commands of a command line, split at ``&&``, ``;``, ``|`` and parentheses."""
    command: list[str] = []
    for word in [*words, ";"]:
        if word not in _SEPARATORS:
            command.append(word)
        elif command:
            yield command
            command = []


def pip_installs(words: list[str]) -> Iterator[tuple[str | None, list[str]]]:
    """(``--target`` or None, the ``-r`` files) of each pip install in a shell command line."""
    for command in commands(words):
        install = pip_install(command)
        if install is not None:
            yield install


def pip_install(command: list[str]) -> tuple[str | None, list[str]] | None:
    """(``--target`` or None, the ``-r`` files) when ``command`` is a pip install."""
    parsed = _pip_install(command)
    return None if parsed is None else parsed[:2]


def pip_packages(command: list[str]) -> list[str]:
    """The requirements a pip install names on its command line (``pip install pipenv``).

    Local paths, archives and URLs are left out: what they install is not known from here.
    """
    parsed = _pip_install(command)
    return [] if parsed is None else parsed[2]


def _pip_install(command: list[str]) -> tuple[str | None, list[str], list[str]] | None:
    words = program_words(command, "pip")
    if words is None or [w for w in words if not w.startswith("-")][:1] != ["install"]:
        return None
    target: str | None = None
    requirements: list[str] = []
    named: list[str] = []
    rest = iter(words[words.index("install") + 1 :])
    for word in rest:
        option, eq, value = word.partition("=")
        if word[:2] in {"-r", "-t"} and len(word) > 2:  # noqa: PLR2004 - ``-rfile``
            option, value = word[:2], word[2:]
        elif option in _VALUED:
            value = value if eq else next(rest, "")
        if option in {"-r", "--requirement"}:
            requirements.append(value)
        elif option in _TARGETS:
            target = value
        elif _NAMED.fullmatch(word) and "/" not in word and not word.endswith(_ARCHIVES):
            named.append(word)
    return target, requirements, named


def _inner(command: list[str]) -> str | None:
    """The command string of ``sh -c "..."``, alone or after ``docker run IMAGE``."""
    for index, word in enumerate(command[:-2]):
        if posixpath.basename(word) in _SHELLS and command[index + 1] == "-c":
            return command[index + 2]
    return None


@dataclass(frozen=True, slots=True)
class Install:
    """``pip install -r`` of ``requirements`` (absolute) into ``target``, at ``line``."""

    line: int
    requirements: tuple[Path, ...]
    target: Path | None


@dataclass(frozen=True, slots=True)
class Export:
    """``tool`` writes the requirements file ``output`` from ``source`` (pyproject.toml, .in)."""

    line: int
    tool: str
    output: Path
    source: Path


@dataclass(frozen=True, slots=True)
class Zip:
    """``zip`` writes ``output`` from ``items`` (absolute; globs as written), run in ``cwd``.

    ``line`` stays the ``zip`` line when the zip is later moved (``output`` is where it ends up).
    """

    line: int
    output: Path
    cwd: Path
    items: tuple[Path, ...]
    uploaded: str | None = None  # the S3 object name it is copied to, by a later ``aws s3 cp``


Step = Install | Export | Zip


@dataclass
class Shell:
    """Reads script lines in order, keeping the working folder and the assigned variables."""

    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    here: Path | None = None  # the script's own folder, for ``$(dirname "$0")``
    clones: dict[str, Path] = field(default_factory=dict)  # URLs of folders, e.g. the repository
    aliases: dict[Path, Path] = field(default_factory=dict)  # a clone's folder -> the original
    zips: dict[Path, Zip] = field(default_factory=dict)  # zips written so far, by where they are

    def path(self, word: str) -> Path:
        """``word`` as a path from the current folder (``~`` and absolute paths as written).

        A path inside a clone of a known folder is that folder's path.
        """
        return self._real(self._here(word))

    def _here(self, word: str) -> Path:
        return Path(os.path.normpath(self.cwd / word))  # in a clone while ``cwd`` is: ``../..``

    def _real(self, path: Path) -> Path:
        for clone_dir, original in self.aliases.items():
            if path.is_relative_to(clone_dir):
                return original / path.relative_to(clone_dir)
        return path

    def run(self, text: str, first_line: int = 1) -> Iterator[Step]:
        """Every pip install, export and zip in ``text``, a script body from ``first_line``."""
        heredoc = ""
        for number, line in logical_lines(text, first_line):
            if heredoc:
                heredoc = "" if line.strip() == heredoc else heredoc
                continue
            heredoc = match[2] if (match := _HEREDOC.search(line)) else ""
            here = _HERE.sub(lambda _: str(self.here), line) if self.here is not None else line
            here = LISTING.sub(".", here)
            yield from self.line(substitute(here, self.env), number)

    def line(self, line: str, number: int) -> Iterator[Step]:
        """The steps of one logical line; ``cd`` and assignments take effect."""
        try:
            words = split(line)
        except ValueError:  # an unbalanced quote: the plain words are still worth reading
            words = line.split()
        outer = self.cwd if words[:1] == ["("] else None  # a subshell's ``cd`` does not last
        for command in commands(words):
            if all(_ASSIGN.match(w) for w in command):
                self.env.update(w.partition("=")[::2] for w in command)
            elif command[0] in {"cd", "pushd"} and len(command) == 2:  # noqa: PLR2004
                self.cwd = self._here(command[1])
            elif command[0] == "export" and all(_ASSIGN.match(w) for w in command[1:]):
                self.env.update(w.partition("=")[::2] for w in command[1:])
            elif (install := pip_install(command)) is not None:
                target, files = install
                found = tuple(self.path(f) for f in files)
                yield Install(number, found, self.path(target) if target else None)
            elif (exported := export(command)) is not None:
                tool, output, source = exported
                yield Export(number, tool, self.path(output), self._source(tool, source))
            elif (inner := _inner(command)) is not None:  # a shell of its own
                yield from replace(self, env=dict(self.env)).line(inner, number)
            else:
                yield from self._files(command, number)
        self.cwd = outer or self.cwd

    def _files(self, command: list[str], number: int) -> Iterator[Zip]:
        """A ``zip``, a move or upload of one, or a ``git clone`` of a known folder."""
        if (archive := zip_archive(command)) is not None:
            output = self.path(archive[0])
            items = tuple(self.path(item) for item in archive[1])
            made = self.zips[output] = Zip(number, output, self.path("."), items)
            yield made
        elif (copied := copy(command)) is not None:
            yield from self._copy(*copied)
        elif (cloned := clone(command)) is not None and cloned[0] in self.clones:
            self.aliases[self._here(cloned[1])] = self.clones[cloned[0]]

    def _copy(self, sources: list[str], destination: str) -> Iterator[Zip]:
        """The zips among ``sources``, moved to ``destination`` or uploaded to S3 there."""
        for source in sources:
            made = self.zips.get(self.path(source))
            if made is None:
                continue
            if destination.startswith("s3://"):
                name = uploaded_name(destination, source)
                yield replace(made, uploaded=name) if name else made
                continue
            output = self.path(destination)
            output = output / made.output.name if is_folder(destination) else output
            moved = self.zips[output] = replace(made, output=output)
            yield moved

    def _source(self, tool: str, given: str | None) -> Path:
        """The file an exporter reads: its input file, else the project's pyproject.toml."""
        if "compile" in tool:
            return self.path(given or "requirements.in")
        return self.path(given or ".") / "pyproject.toml"


def logical_lines(text: str, first_line: int = 1) -> Iterator[tuple[int, str]]:
    """(first line number, text) with backslash continuations joined; blank lines dropped.

    The indent of the first line is kept (a Makefile recipe starts with a tab).
    """
    parts: list[str] = []
    start = first_line
    for number, raw in enumerate([*text.splitlines(), ""], first_line):
        if not parts:
            start = number
        if raw.endswith("\\") and not raw.endswith("\\\\"):
            parts.append(raw[:-1].rstrip() if not parts else raw[:-1].strip())
            continue
        joined = " ".join([*parts, raw.strip() if parts else raw.rstrip()])
        parts = []
        if joined.strip():
            yield start, joined
