"""Functions deployed as container images built from a Dockerfile on the Lambda Python base.

``docker_facts.py`` reads each Dockerfile; Dockerfiles on other bases are ignored. When a CI
workflow builds one with ``--build-arg`` values that change its handler (a matrix building
one image per function), each build is a function of its own (``docker_builds.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from lambdalint.diagnostics import relative
from lambdalint.discover import docker_builds
from lambdalint.discover.base import Discovery
from lambdalint.discover.docker_builds import DockerBuild
from lambdalint.discover.docker_facts import DockerfileFacts, read_dockerfile
from lambdalint.model import Finding, Function, PackageType

__all__ = [
    "DockerfileFacts",
    "copied_code",
    "discover",
    "image_function",
    "read_dockerfile",
    "wants",
]


def wants(path: Path) -> bool:
    """``Dockerfile``, ``Dockerfile.*``, ``*.Dockerfile``, and the workflows that build them."""
    name = path.name
    dockerfile = name == "Dockerfile" or name.startswith("Dockerfile.")
    return dockerfile or name.endswith(".Dockerfile") or docker_builds.wants(path)


def discover(files: Sequence[Path], root: Path) -> Discovery:
    """One image Function per Dockerfile on a Lambda Python base, or per build that differs."""
    functions: list[Function] = []
    findings: list[Finding] = []
    builds = docker_builds.read_builds([f for f in files if docker_builds.wants(f)], root)
    for path in (f for f in files if not docker_builds.wants(f)):
        mine = [b for b in builds if b.dockerfile == path.resolve()]
        facts, found = read_dockerfile(path, root)
        built = [(b, read_dockerfile(path, root, b.context, dict(b.args))) for b in mine]
        handlers = {read[0].handler for _b, read in built if read[0] is not None}
        if len(handlers) > 1:  # one image per build arg value: one function each
            findings.extend(built[0][1][1])
            functions.extend(_function(path, f, b) for b, (f, _) in built if f is not None)
            continue
        findings.extend(found)
        if facts is not None:
            functions.append(_function(path, facts))
    functions = list({(f.code_dir, f.handler): f for f in functions}.values())
    claimed = frozenset(f.code_dir for f in functions)
    return Discovery(functions=tuple(functions), findings=tuple(findings), claimed=claimed)


def _function(path: Path, facts: DockerfileFacts, build: DockerBuild | None = None) -> Function:
    folder = path.resolve().parent
    name = folder.name if path.name == "Dockerfile" else f"{folder.name}/{path.name}"
    notes: tuple[str, ...] = ()
    if build is not None and facts.handler:
        name = f"{name}:{facts.handler.rpartition('.')[0]}"
        args = " ".join(f"--build-arg {k}={v}" for k, v in build.args)
        where = f"{build.location.file}:{build.location.line}"
        context = relative(build.context, folder)
        notes = (f"built by {where} with {args} (context {context})",)
    base = Function(name=name, code_dir=folder, discovered_by="dockerfile", source=facts.location)
    return image_function(replace(base, notes=notes), facts, "container image (Dockerfile)")


def image_function(
    base: Function,
    facts: DockerfileFacts,
    packaging: str,
    handler: str | None = None,
    *,
    architecture: str | None = None,
    per_build: bool = False,
) -> Function:
    """``base`` (name, IaC source, settings) deployed as the image the Dockerfile builds.

    The IaC's own runtime and ``architecture`` (when it sets one) win; ``handler`` is the
    IaC's command, if any. ``per_build``: one of several builds of the Dockerfile (a build
    arg picks the code), so its code is the folder its handler file comes from.
    """
    chosen = handler or facts.handler
    code_dir = (facts.code_root if per_build and chosen == facts.handler else None) or facts.folder
    return replace(
        base,
        code_dir=code_dir,
        copied_code=copied_code(facts, code_dir),
        handler=chosen,
        handler_known=chosen is not None,
        handler_file=facts.handler_file if chosen == facts.handler else None,
        runtime=base.runtime or facts.runtime,
        runtime_source=None if base.runtime else facts.location,
        architecture=architecture or facts.architecture or base.architecture,
        package_type=PackageType.IMAGE,
        packaging=packaging,
        installs_requirements=facts.installs_requirements,
        requirements_file=next(iter(facts.requirements_files), None),
        named_requirements=facts.named,
        notes=(*facts.notes, *base.notes),
    )


def copied_code(facts: DockerfileFacts, code_dir: Path) -> tuple[tuple[Path, str], ...]:
    """What the image copies into the task root from outside ``code_dir`` (read as well)."""
    return tuple(
        (host, dest)
        for host, dest in facts.task_files
        if not host.is_relative_to(code_dir) and not code_dir.is_relative_to(host)
    )
