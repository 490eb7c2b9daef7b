"""Every import in a function's own Python files, read with ``ast`` and never executed.

Rules need to know what the code asks for at cold start (top level, unguarded) versus what
it can live without (inside a function, under ``try/except ImportError``), so each import
carries its location and guards. Unreadable files become ``parse-error`` findings.
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from lambdalint.diagnostics import parse_error, relative
from lambdalint.model import Finding, ImportRef, Location, SyntaxIssue
from lambdalint.read.import_walk import bound_names, walk_imports
from lambdalint.read.local_imports import local_edges, module_index
from lambdalint.read.syntax import host_error, target_issues

if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_BYTES = 5 * 1024 * 1024
# ``site-packages`` below the code root is someone's installed tree (a committed layer folder
# or a virtualenv): third-party code whose imports its own distributions answer for.
_PRUNED = frozenset({"__pycache__", "node_modules", "tests", "test", "site-packages"})


@dataclass(frozen=True, slots=True)
class CodeScan:
    """What a function's code imports, defines and which syntax it needs."""

    imports: tuple[ImportRef, ...]
    local_modules: frozenset[str]
    files: tuple[str, ...]
    definitions: Mapping[str, frozenset[str]]
    syntax_issues: tuple[SyntaxIssue, ...]
    findings: tuple[Finding, ...]
    module_files: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    edges: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))

    def only(self, files: set[str]) -> CodeScan:
        """The same scan limited to ``files`` (a handler's import closure)."""
        return replace(
            self,
            imports=tuple(i for i in self.imports if i.location.file in files),
            syntax_issues=tuple(s for s in self.syntax_issues if s.location.file in files),
        )


def scan_code(
    code_dir: Path,
    root: Path,
    target: tuple[int, int],
    skip: frozenset[str] = frozenset(),
    copied: tuple[tuple[Path, str], ...] = (),
) -> CodeScan:
    """Read every ``.py`` file of the function in ``code_dir``; ``skip`` names vendored code.

    ``copied`` are files or folders from elsewhere placed at a path in the deployed package
    (``Function.copied_code``): read as the modules that path names, reported where they are.
    """
    findings: list[Finding] = []
    placed = {p.relative_to(code_dir).parts: p for p in _python_files(code_dir, skip, findings)}
    for host, dest in copied:
        for at, path in _copied_files(host, dest, findings):
            placed.setdefault(at, path)  # the function's own folder is copied last, and wins
    parts = sorted(placed)
    paths = [placed[p] for p in parts]
    names = _names_by_dir(parts)
    local = names[()] | names.get(("src",), frozenset())
    imports: list[ImportRef] = []
    issues: list[SyntaxIssue] = []
    definitions: dict[str, frozenset[str]] = {}
    files = tuple(_relative(p, root) for p in paths)
    index = module_index(zip(files, parts, strict=True))
    edges: dict[str, frozenset[str]] = {}
    for path, rel, rel_parts in zip(paths, files, parts, strict=True):
        tree, source = _parse(path, rel, target, findings)
        if tree is None:
            continue
        edges[rel] = local_edges(tree, rel_parts, index)
        issues.extend(target_issues(source, tree, target, rel))
        dropped = local | names[rel_parts[:-1]]
        imports.extend(ref for ref in walk_imports(tree, rel) if ref.root not in dropped)
        bound = frozenset(bound_names(tree.body))
        for key in _module_keys(rel_parts):
            definitions.setdefault(key, bound)
    return CodeScan(
        imports=tuple(imports),
        local_modules=frozenset(local),
        files=files,
        definitions=MappingProxyType(definitions),
        syntax_issues=tuple(issues),
        findings=tuple(findings),
        module_files=MappingProxyType(index),
        edges=MappingProxyType(edges),
    )


# CloudFormation writes its cfn-response helper next to index.py in every inline (ZipFile)
# Python package, so inline code can import it like one of its own modules.
INLINE_SIBLINGS = frozenset({"cfnresponse"})


def scan_inline(code: str, origin: Location, target: tuple[int, int]) -> CodeScan:
    """Read source embedded in a template; locations point into the template."""
    findings: list[Finding] = []
    offset = (origin.line or 1) - 1
    try:
        tree = ast.parse(code, filename=origin.file)
    except (SyntaxError, ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        findings.append(
            parse_error(
                Location(origin.file, line + offset if line else origin.line),
                f"inline code cannot be parsed: {exc}",
            )
        )
        return CodeScan((), frozenset(), (origin.file,), MappingProxyType({}), (), tuple(findings))
    issues = target_issues(code, tree, target, origin.file)
    ast.increment_lineno(tree, offset)
    return CodeScan(
        imports=tuple(walk_imports(tree, origin.file)),
        local_modules=INLINE_SIBLINGS,
        files=(origin.file,),
        definitions=MappingProxyType({"index": frozenset(bound_names(tree.body))}),
        syntax_issues=tuple(
            replace(i, location=replace(i.location, line=(i.location.line or 1) + offset))
            for i in issues
        ),
        findings=(),
    )


def _relative(path: Path, root: Path) -> str:
    """Name a file by where it sits, not by where a symlink points."""
    return f"{relative(path.parent, root)}/{path.name}"


def _pruned(path: Path, name: str) -> bool:
    """Tell directories that are not the function's own code."""
    return (
        name.startswith(".")
        or name in _PRUNED
        or name.endswith((".dist-info", ".egg-info"))
        or (path / "pyvenv.cfg").is_file()
        or (name in {"venv", "env"} and ((path / "lib").is_dir() or (path / "Lib").is_dir()))
    )


def _is_test(name: str) -> bool:
    """Tell test modules: they never run in Lambda."""
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def _python_files(code_dir: Path, skip: frozenset[str], findings: list[Finding]) -> list[Path]:
    """List the function's ``.py`` files in sorted, deterministic order."""

    def unreadable(exc: OSError) -> None:
        where = Location(relative(Path(exc.filename or code_dir), code_dir.parent))
        findings.append(parse_error(where, f"cannot list directory: {exc.strerror}"))

    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(code_dir, onerror=unreadable):
        here = Path(dirpath)
        top = here == code_dir
        dirnames[:] = sorted(
            d for d in dirnames if not _pruned(here / d, d) and not (top and d in skip)
        )
        found.extend(
            here / f
            for f in filenames
            if f.endswith(".py") and not _is_test(f) and not (top and f[:-3] in skip)
        )
    return sorted(found, key=lambda p: p.relative_to(code_dir).parts)


def _copied_files(
    host: Path, dest: str, findings: list[Finding]
) -> list[tuple[tuple[str, ...], Path]]:
    """The Python files a copy of ``host`` to ``dest`` ships, by their path parts there."""
    at = tuple(part for part in dest.split("/") if part)
    if host.is_dir():
        files = _python_files(host, frozenset(), findings)
        return [((*at, *f.relative_to(host).parts), f) for f in files]
    if at and at[-1].endswith(".py") and not _is_test(at[-1]) and host.is_file():
        return [(at, host)]
    return []


def _names_by_dir(parts: list[tuple[str, ...]]) -> dict[tuple[str, ...], frozenset[str]]:
    """Map each directory to the importable names (modules and packages) it holds."""
    names: dict[tuple[str, ...], set[str]] = {(): set()}
    for rel in parts:
        for depth, name in enumerate(rel):
            module = name.removesuffix(".py") if depth == len(rel) - 1 else name
            if module.isidentifier():
                names.setdefault(rel[:depth], set()).add(module)
    return {key: frozenset(value) for key, value in names.items()}


def _module_keys(rel: tuple[str, ...]) -> list[str]:
    """Name a file's dotted module as Lambda imports it: from the package root, never ``src/``.

    Nothing puts ``src/`` on ``sys.path`` at run time, so a handler must name its path from
    the root of the deployed package (``src/handler.py`` is ``src.handler``, not ``handler``).
    """
    parts = [*rel[:-1], rel[-1].removesuffix(".py")]
    if parts[-1] == "__init__":
        parts.pop()
    return [".".join(parts)] if parts else []


def _parse(
    path: Path,
    rel: str,
    target: tuple[int, int],
    findings: list[Finding],
) -> tuple[ast.Module | None, str]:
    """Decode (PEP 263) and parse one file; any failure becomes a finding, never an error."""
    message, line, col, source = _decode(path)
    if message is None:
        try:
            return ast.parse(source, filename=rel), source
        except SyntaxError as exc:
            message, line, col = host_error(exc, target), exc.lineno, exc.offset
        except (ValueError, RecursionError, MemoryError) as exc:
            message = f"cannot parse: {exc or type(exc).__name__}"
    findings.append(parse_error(Location(rel, line, col), message))
    return None, source


def _decode(path: Path) -> tuple[str | None, int | None, int | None, str]:
    """Return the text, or why it cannot be read: (message, line, column, text)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return f"skipped: {size} bytes is over the {MAX_BYTES} byte limit", None, None, ""
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}", None, None, ""
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        return "contains a null byte (binary file, or not UTF-8?)", line, None, ""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return None, None, None, data.decode(encoding)
    except SyntaxError as exc:
        return f"bad encoding declaration: {exc.msg}", exc.lineno or 1, None, ""
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f"cannot decode as {exc.encoding}: {exc.reason}", line, None, ""
