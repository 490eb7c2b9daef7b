"""A layer zip in the checkout that the IaC uploads as is, read the way ``inspect`` reads it.

``check`` learns which top-level modules the zip puts on ``/opt/python`` (read stage) and runs
the artifact rules on it for each consuming function's runtime and architecture (rules stage).
The zip is listed from its central directory and never extracted; the artifact readers' caps
(zip bombs, unsafe names, symlinks leaving the root) apply. Findings point at the zip itself,
a file of the repository, and name the path inside it in the message.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from lambdalint.diagnostics import parse_error, relative
from lambdalint.inspect.artifact import Entry, Limits, ZipArtifact
from lambdalint.inspect.facts import ArtifactFacts, gather
from lambdalint.model import Finding, Layer, Location, Severity
from lambdalint.runtime.model import Runtime, load_runtime

if TYPE_CHECKING:
    from lambdalint.inspect.rule import ArtifactRule

_OPEN_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError)

_SITE = re.compile(r"^python/lib/python(\d+)\.(\d+)/site-packages/")
_NOT_MODULES = frozenset({"bin", "lib", "__pycache__"})


@dataclass(frozen=True)
class LayerZip:
    """What one layer zip holds: import roots on the target's ``sys.path`` and artifact facts.

    ``facts`` is None when the zip could not be opened (``problems`` then says why).
    """

    modules: frozenset[str]
    facts: ArtifactFacts | None
    problems: tuple[Finding, ...]


def read_layer_zip(path: Path, root: Path, python: tuple[int, int]) -> LayerZip:
    """The modules and facts of the layer zip at ``path`` for Python ``python``."""
    try:
        stat = path.stat()
    except OSError as error:
        return LayerZip(frozenset(), None, (_unreadable(path, root, error),))
    return _read(path, stat.st_mtime_ns, stat.st_size, root, python)


@lru_cache(maxsize=32)
def _read(path: Path, mtime: int, size: int, root: Path, python: tuple[int, int]) -> LayerZip:
    """Functions sharing a layer read its zip once; ``mtime`` and ``size`` key its content.

    The facts name the runtime of that Python version; the architecture is bound per function.
    """
    del mtime, size
    runtime = load_runtime(f"python{python[0]}.{python[1]}")
    label, limits = relative(path, root), Limits()
    try:
        artifact = ZipArtifact(path, limits)
    except _OPEN_ERRORS as error:
        return LayerZip(frozenset(), None, (_unreadable(path, root, error),))
    with closing(artifact):
        facts, read_problems = gather(
            artifact,
            label=label,
            layer=True,
            runtime=runtime,
            architecture=runtime.architectures[0],
            limits=limits,
        )
        problems = tuple(
            parse_error(
                Location(label),
                f"{label}!{p.path}: {p.message}" if p.path else f"{label}: {p.message}",
                "Rebuild the layer zip with standard tools; lambdalint skipped this entry.",
                severity=Severity(p.severity),
            )
            for p in (*artifact.problems, *read_problems)
        )
    return LayerZip(_modules(facts.entries, python), facts, problems)


def _modules(entries: Sequence[Entry], python: tuple[int, int]) -> frozenset[str]:
    """Top-level importable names under ``python/`` and this Python's site-packages."""
    site = f"python/lib/python{python[0]}.{python[1]}/site-packages/"
    names: set[str] = set()
    for entry in entries:
        if entry.path.startswith(site):
            rest = entry.path.removeprefix(site)
        elif entry.path.startswith("python/") and not _SITE.match(entry.path):
            rest = entry.path.removeprefix("python/")
        else:
            continue
        top, _, below = rest.partition("/")
        name = top if below else top.split(".", 1)[0]  # pkg/..., mod.py, ext.cpython-*.so
        is_module = below or top.endswith((".py", ".so", ".pyd"))
        if is_module and name.isidentifier() and name not in _NOT_MODULES:
            names.add(name)
    return frozenset(names)


def layer_zip_findings(
    zips: Sequence[tuple[Layer, LayerZip]],
    rules: Sequence[ArtifactRule],
    runtime: Runtime,
    architecture: str,
    function: str,
) -> list[Finding]:
    """The artifact rules' findings on each layer zip, for one consuming function."""
    found = []
    for layer, read in zips:
        if read.facts is None:
            continue
        facts = replace(read.facts, runtime=runtime, architecture=architecture)
        for finding in (f for rule in rules for f in rule.run(facts)):
            inner = finding.location.file.partition("!")[2]
            where = f" ({inner})" if inner else ""
            found.append(
                replace(
                    finding,
                    location=Location(facts.label),
                    message=f"layer {layer.name}{where}: {finding.message}",
                    function=function,
                )
            )
    return found


def _unreadable(path: Path, root: Path, error: Exception) -> Finding:
    return parse_error(
        Location(relative(path, root)),
        f"cannot read the layer zip {path.name}: {error}",
        "Rebuild the layer zip; it is corrupt or truncated.",
    )
