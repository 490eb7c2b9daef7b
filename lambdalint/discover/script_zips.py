"""Zips a build script writes, tied to the IaC that deploys them (an S3 key, a prebuilt file).

``zip -r fn.zip app.py python/`` in ``lambdas/fn/build.sh`` makes ``lambdas/fn`` the code of
the function whose ``S3Key`` is ``fn.zip``. The script's ``pip install -t`` into a folder the
zip takes in says what is installed, and where: at the zip root (on ``sys.path``), or under
``python/``, a layer's layout: in a function zip nothing there can be imported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

from lambdalint.discover.base import Artifact, Discovery, is_dir, is_file
from lambdalint.model import Function, Layer, Location

if TYPE_CHECKING:
    from lambdalint.discover.build_scripts import ScriptInstall
    from lambdalint.discover.shell import Zip

_GLOB = re.compile(r"[*?\[]")
_SITE = re.compile(r"python(?:/lib/python3\.\d+/site-packages)?")
_DECLARATIONS = ("requirements.txt", "requirements.in", "Pipfile", "pyproject.toml")


@dataclass(frozen=True, slots=True)
class ScriptZip:
    """A script line that zips the folder ``folder`` (some of it) into ``output``.

    ``installs`` are the script's earlier pip installs whose target the zip takes in, each with
    its place in the zip ("" for the root). ``uploaded`` is the S3 object name a later
    ``aws s3 cp`` gives it. ``present`` counts the zip's paths, and the files those installs
    read, that are in the repository (it ranks the readings of a script run from its folder or
    the root); ``complete`` says every path is there or filled by one of those installs.
    ``declares`` says it takes in a requirements file or pyproject.toml of the folder (``zip -r
    fn.zip .`` does, ``zip fn.zip app.py`` does not).
    """

    output: Path
    folder: Path
    location: Location
    present: int
    complete: bool
    installs: tuple[tuple[str, ScriptInstall], ...]
    uploaded: str | None = None
    declares: bool = True


def script_zip(step: Zip, installs: Sequence[ScriptInstall], location: Location) -> ScriptZip:
    """What the ``zip`` of ``step`` holds, given the installs of the same script."""
    inside: list[tuple[str, ScriptInstall]] = []
    for install in installs:
        target = install.target
        earlier = (install.location.line or 0) <= step.line
        if earlier and target.is_relative_to(step.cwd) and _takes(step, target):
            place = target.relative_to(step.cwd).as_posix()
            inside.append(("" if place == "." else place, install))
    filled = [install.target for _, install in inside]
    present = sum(1 for item in step.items if _exists(item))
    present += sum(1 for _, install in inside if install.source is not None)
    complete = all(_exists(i) or any(t.is_relative_to(i) for t in filled) for i in step.items)
    declares = any(_takes(step, step.cwd / name) for name in _DECLARATIONS)
    parts = (step.output, step.cwd, location, present, complete, tuple(inside), step.uploaded)
    return ScriptZip(*parts, declares=declares)


def _takes(step: Zip, target: Path) -> bool:
    """Whether a path the zip adds is (or holds) ``target``; ``*`` in the folder names it too."""
    first = target.relative_to(step.cwd).parts[:1]
    return any(
        fnmatch(first[0], item.name)
        if _GLOB.search(item.name) and first
        else target.is_relative_to(item)
        for item in step.items
    )


def _exists(item: Path) -> bool:
    if _GLOB.search(item.name):
        return is_dir(item.parent) and any(item.parent.glob(item.name))
    return is_dir(item) or is_file(item)


def resolve(artifacts: Sequence[Artifact], zips: Sequence[ScriptZip]) -> Discovery:
    """The functions and layers of ``artifacts`` a script builds; the others as they were."""
    result = Discovery()
    for artifact in artifacts:
        made = _writer(artifact, zips)
        if made is None:
            kept = (artifact.layer,) if artifact.layer else ()
            result += Discovery(layers=kept, findings=(artifact.unresolved,))
        elif artifact.function is not None:
            function = _function(artifact.function, artifact.name, made)
            result += Discovery(functions=(function,), claimed=frozenset({made.folder}))
        elif artifact.layer is not None:
            result += Discovery(layers=(_layer(artifact.layer, made),))
    return replace(result, findings=tuple(dict.fromkeys(result.findings)))  # once per block


def _writer(artifact: Artifact, zips: Sequence[ScriptZip]) -> ScriptZip | None:
    """The zip that writes the artifact; None when none does, or two folders could."""
    if artifact.path is not None:
        found = [z for z in zips if z.output.resolve() == artifact.path.resolve()]
    else:
        found = [z for z in zips if artifact.name in {z.output.name, z.uploaded}]
    best = max((z.present for z in found), default=0)
    found = [z for z in found if z.present == best]
    return found[0] if len({z.folder for z in found}) == 1 else None


def _function(function: Function, name: str, made: ScriptZip) -> Function:
    at_root = next((i for place, i in made.installs if place == ""), None)
    layered = next((i for place, i in made.installs if _SITE.fullmatch(place)), None)
    install = at_root or layered
    where = f"{made.location.file}:{made.location.line}"
    complete = False if made.complete else None
    return replace(
        function,
        code_dir=made.folder,
        packaging=f"{function.packaging} built by {where}",
        installs_requirements=True if install else complete,
        requirements_file=install.source if install else function.requirements_file,
        built_by=install.location if install else None,
        layer_layout=made.location if layered and not at_root else None,
        ships_declarations=install is not None or made.declares,
        notes=(*function.notes, f"{name} is written by {where}"),
    )


def _layer(layer: Layer, made: ScriptZip) -> Layer:
    folder = made.folder if is_dir(made.folder) else None
    install = next((i for place, i in made.installs if _SITE.fullmatch(place)), None)
    if install is None or install.source is None:
        return replace(layer, content_dir=folder)
    return replace(
        layer,
        content_dir=folder,
        builds_requirements=True,
        requirements_file=install.source,
        built_by=install.location,
    )
