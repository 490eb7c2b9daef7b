"""Functions deployed as container images built from a Dockerfile on the Lambda Python base.

``docker_facts.py`` reads each Dockerfile; Dockerfiles on other bases are ignored. When a CI
workflow builds one with ``--build-arg`` values that change its handler (a matrix building
one image per function), each build is a function of its own (``docker_builds.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lambdalint.diagnostics import relative
from lambdalint.discover import docker_builds
from lambdalint.discover.base import Discovery
from lambdalint.discover.docker_builds import DockerBuild
from lambdalint.discover.docker_facts import DockerfileFacts, read_dockerfile
from lambdalint.model import Finding, Function, PackageType

__all__ = ["DockerfileFacts", "discover", "read_dockerfile", "wants"]


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
    notes = facts.notes
    if build is not None and facts.handler:
        name = f"{name}:{facts.handler.rpartition('.')[0]}"
        args = " ".join(f"--build-arg {k}={v}" for k, v in build.args)
        where = f"{build.location.file}:{build.location.line}"
        context = relative(build.context, folder)
        notes = (*notes, f"built by {where} with {args} (context {context})")
    return Function(
        name=name,
        code_dir=facts.folder,
        discovered_by="dockerfile",
        requirements_file=next(iter(facts.requirements_files), None),
        handler=facts.handler,
        handler_known=bool(facts.handler),
        handler_file=facts.handler_file,
        named_requirements=facts.named,
        runtime=facts.runtime,
        architecture=facts.architecture or "x86_64",
        package_type=PackageType.IMAGE,
        packaging="container image (Dockerfile)",
        installs_requirements=facts.installs_requirements,
        source=facts.location,
        notes=notes,
    )
