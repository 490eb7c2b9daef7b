"""Read declared dependencies: pip requirements files, pip-tools pairs, Pipfile, pyproject.toml.

pip ignores ``# via`` comments; they are kept because they tell a pin the user asked for from one
that only came along. Bad input is a ``parse-error`` finding and reading goes on; nothing raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508
from packaging.utils import canonicalize_name

from lambdalint.diagnostics import locate, parse_error, relative
from lambdalint.model import Finding, Location, Requirement
from lambdalint.read.declared import Problem
from lambdalint.read.pipfile import pipenv_entries
from lambdalint.read.pyproject import pyproject_entries
from lambdalint.read.requirement_lines import (
    COMMENT,
    FLAG,
    PER_REQ_OPTION,
    SCHEME,
    URL_OR_PATH,
    decode,
    index_option,
    logical_lines,
    url_name,
    via_entries,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

PIPENV_FILES = ("Pipfile", "Pipfile.lock")


@dataclass(frozen=True, slots=True)
class RequirementsResult:
    """Requirements in file order, files read, what could not be read, the files' source options."""

    requirements: tuple[Requirement, ...] = ()
    files: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    index_options: tuple[tuple[str, str], ...] = ()


def read_requirements(code_dir: Path, root: Path) -> RequirementsResult:
    """Every declaration in ``code_dir``: what a build that is not known would install.

    requirements.txt (or .in, or a pip-tools pair), else a Pipfile (pinned by its lock);
    then pyproject's ``[project]``, or its Poetry table when neither of the others exists.
    """
    reader = _Reader(root)
    txt, source = code_dir / "requirements.txt", code_dir / "requirements.in"
    if txt.is_file() or source.is_file():
        reader.file(txt if txt.is_file() else source)
    names = None
    if txt.is_file() and source.is_file() and any(s is not None for s in reader.sourced):
        # A pip-tools pair: the compiled file pins versions, the .in file says what is direct.
        inputs = _Reader(root)
        inputs.file(source)
        names = {r.normalized for r in inputs.reqs if not r.constraint}
        reader.files += [f for f in inputs.files if f not in reader.files]
        reader.findings += inputs.findings
    reader.settle_direct(names)
    if not reader.files and any((code_dir / name).is_file() for name in PIPENV_FILES):
        reader.manifest(code_dir / "Pipfile")
    if (code_dir / "pyproject.toml").is_file():
        # An exported requirements.txt or Pipfile is what gets installed, not Poetry's table.
        reader.manifest(code_dir / "pyproject.toml", poetry=not reader.files)
    return reader.result()


def parse_requirements_file(path: Path, root: Path) -> RequirementsResult:
    """One requirements file and everything it includes, or a manifest's dependencies."""
    reader = _Reader(root)
    if path.name in {"pyproject.toml", *PIPENV_FILES}:  # what ``poetry export`` would write
        reader.manifest(path)
    else:
        reader.file(path)
    reader.settle_direct(None)
    return reader.result()


def with_named(
    result: RequirementsResult, named: Sequence[tuple[str, Location]], root: Path
) -> RequirementsResult:
    """``result`` plus what a build line installs by name (``RUN pip install pipenv``)."""
    reader = _Reader(root)
    for spec, location in named:
        reader.requirement(spec, location, constraint=False)
    reader.settle_direct(None)
    return replace(
        result,
        requirements=result.requirements + tuple(reader.reqs),
        findings=result.findings + tuple(reader.findings),
    )


@dataclass
class _Reader:
    """Collects requirements, files and findings while following includes depth-first."""

    root: Path
    reqs: list[Requirement] = field(default_factory=list)
    sourced: list[bool | None] = field(default_factory=list)  # None: no "# via" annotation
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    stack: list[Path] = field(default_factory=list)
    seen: set[tuple[Path, bool]] = field(default_factory=set)
    options: list[tuple[str, str]] = field(default_factory=list)

    def result(self) -> RequirementsResult:
        """What was read, as the frozen result."""
        found = tuple(self.reqs), tuple(self.files), tuple(self.findings), tuple(self.options)
        return RequirementsResult(*found)

    def error(self, location: Location, message: str, fix: str | None = None) -> None:
        """Record a parse-error and carry on."""
        self.findings.append(parse_error(location, message, *([fix] if fix else [])))

    def settle_direct(self, direct_names: set[str] | None) -> None:
        """Mark an annotated pin direct only if an input file (``-r x.in``) or its name asks."""
        for i, (req, src) in enumerate(zip(self.reqs, self.sourced, strict=True)):
            if direct_names is not None:
                self.reqs[i] = replace(req, direct=bool(src) or req.normalized in direct_names)
            elif src is not None:
                self.reqs[i] = replace(req, direct=src)
        self.sourced = [None] * len(self.reqs)

    def file(self, path: Path, *, constraint: bool = False, at: Location | None = None) -> None:
        """Parse one file unless it is already open (a cycle) or already read the same way."""
        try:
            key, exists = path.resolve(), path.exists()
        except (OSError, ValueError) as exc:  # a NUL byte or an over-long name in an include
            self.error(at or Location(path.as_posix()), f"Cannot read {path.name[:80]!r}: {exc}")
            return
        if key in self.stack:
            chain = [*self.stack[self.stack.index(key) :], key]
            cycle = " -> ".join(relative(p, self.root) for p in chain)
            self.error(
                at or locate(path, self.root),
                f"Include cycle: {cycle}",
                "Remove one of the includes that form the cycle.",
            )
            return
        if not exists:
            self.error(
                at or locate(path, self.root),
                f"Requirements file {relative(path, self.root)} does not exist",
                "Create the file or fix the included path.",
            )
            return
        if (key, constraint) in self.seen:
            return
        self.seen.add((key, constraint))
        text = self.read(path, at)
        if text is not None:
            self.stack.append(key)
            self.parse(text, path, constraint=constraint)
            self.stack.pop()

    def read(self, path: Path, at: Location | None = None) -> str | None:
        """Return the decoded text of ``path``, or None after recording why it cannot."""
        rel = relative(path, self.root)
        if rel not in self.files:
            self.files.append(rel)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.error(at or Location(rel), f"Cannot read {rel}: {exc.strerror or exc}")
            return None
        try:
            return decode(data)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.error(
                Location(rel, line),
                f"{rel} is not UTF-8 or UTF-16 text: {exc.reason}",
                "Save the file as UTF-8.",
            )
            return None

    def parse(self, text: str, path: Path, *, constraint: bool) -> None:
        """Every logical line in order, attaching ``# via`` comments to the pin above them."""
        last: int | None = None
        in_via = False
        for number, line in logical_lines(text):
            found = COMMENT.search(line)  # pip drops comments; "# via" ones matter here
            content = (line[: found.start()] if found else line).strip()
            comment = line[found.end() :] if found else None
            if content:
                last = self.line(content, path, number, constraint=constraint)
                in_via = False
            if comment is None or last is None:
                continue
            body = comment.strip()
            starts = body == "via" or body.startswith("via ")
            in_via = starts or (in_via and not content and comment.startswith("  "))
            if in_via:  # "# via a, b" or a "# via" line followed by indented "#   a" lines
                self.via(last, body[3:] if starts else body)

    def via(self, index: int, text: str) -> None:
        """Add ``# via`` entries: parents by name; ``-r x.in`` or ``(pyproject.toml)``: direct."""
        parents, sourced = via_entries(text)
        self.sourced[index] = bool(self.sourced[index]) or sourced
        self.reqs[index] = replace(self.reqs[index], via=self.reqs[index].via + tuple(parents))

    def line(self, content: str, path: Path, number: int, *, constraint: bool) -> int | None:
        """Handle one logical line; the index of the requirement it added, if any."""
        location = locate(path, self.root, number)
        content = PER_REQ_OPTION.split(content, maxsplit=1)[0]
        flag = FLAG.match(content)
        kind = (flag["short"] or flag["long"][0]) if flag else None
        if flag is None and (option := index_option(content, path.parent)) is not None:
            self.options.append(option)  # where this file's packages come from
        if flag is None and content.startswith("-"):
            return None  # index, binary and feature options apply to the whole install
        if flag is not None and kind != "e":
            if SCHEME.match(target := flag["value"]):
                self.error(location, f"Remote requirements file {target} is not fetched")
            else:
                self.file(path.parent / target, constraint=constraint or kind == "c", at=location)
            return None
        text = flag["value"] if flag is not None else content
        if kind == "e" or URL_OR_PATH.search(text):
            return self.url(text, path, location, constraint=constraint, editable=kind == "e")
        return self.requirement(text, location, constraint=constraint)

    def url(
        self, text: str, path: Path, location: Location, *, constraint: bool, editable: bool
    ) -> int | None:
        """Read a bare URL, VCS link or local path, named by ``#egg=`` or its pyproject."""
        url, marker = (part.strip() for part in [*re.split(r"\s*;\s+", text, maxsplit=1), ""][:2])
        name = url_name(url, path.parent)
        if name is None:
            self.error(
                location,
                f"Cannot determine the distribution name of {url}",
                "Add '#egg=NAME' to the URL or write 'NAME @ URL'.",
            )
            return None
        spec = f"{name}; {marker}" if marker else name
        return self.requirement(spec, location, constraint=constraint, url=url, editable=editable)

    def requirement(
        self,
        text: str,
        location: Location,
        *,
        constraint: bool,
        url: str | None = None,
        editable: bool = False,
    ) -> int | None:
        """Parse a PEP 508 string into a Requirement, or record packaging's reason."""
        try:
            req = Pep508(text)
        except InvalidRequirement as exc:
            self.error(location, f"Invalid requirement {text!r}: {str(exc).splitlines()[0]}")
            return None
        self.reqs.append(
            Requirement(
                name=req.name,
                normalized=canonicalize_name(req.name),
                specifier=str(req.specifier),
                extras=tuple(sorted(req.extras)),
                marker=str(req.marker) if req.marker else None,
                url=url or req.url,
                editable=editable,
                location=location,
                constraint=constraint,
            )
        )
        self.sourced.append(None)
        return len(self.reqs) - 1

    def manifest(self, path: Path, *, poetry: bool = True) -> None:
        """A ``Pipfile`` (with its lock) or a ``pyproject.toml``; ``path`` names which."""
        pipfile, lock = path.with_name("Pipfile"), path.with_name("Pipfile.lock")
        pipenv = path.name in PIPENV_FILES
        if not (path.is_file() or (pipenv and (pipfile.is_file() or lock.is_file()))):
            self.file(path)  # says the file does not exist, as for a requirements file
            return
        if pipenv:
            entries = pipenv_entries(pipfile, lock, self.read)
        elif (text := self.read(path)) is None:
            return
        else:
            entries = pyproject_entries(path, text, poetry=poetry)
        for entry in entries:
            location = locate(entry.path, self.root, entry.line)
            if isinstance(entry, Problem):
                self.error(location, entry.message)
                continue
            index = self.requirement(
                entry.text, location, constraint=False, url=entry.url, editable=entry.editable
            )
            if index is not None and not entry.direct:
                self.reqs[index] = replace(self.reqs[index], direct=False)
