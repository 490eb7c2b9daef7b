"""What a Dockerfile on the Lambda Python base image says about the function it builds.

The Dockerfile is read, never built: the final stage's base image gives the runtime and the
architecture, ``CMD`` (or ``ENTRYPOINT /lambda-entrypoint.sh HANDLER``) the handler, ``RUN pip
install`` whether requirements are installed, and ``COPY`` which build-context files land in
the task root. Build ``ARG`` values a build passes (``--build-arg``) override the defaults.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from lambdalint.diagnostics import locate, parse_error, relative
from lambdalint.discover.base import TooLargeError, read_capped
from lambdalint.discover.docker_paths import code_root, host_of, placed, under
from lambdalint.discover.dockerfile import assign, instructions, split_args
from lambdalint.discover.shell import commands, pip_install, pip_packages, substitute
from lambdalint.model import Finding, Location, Severity

TASK_ROOT = "/var/task"
_BASES = ("public.ecr.aws/lambda/python", "amazon/aws-lambda-python")
_TAG = re.compile(r"(\d+)\.(\d+)(?:\.[\d.]+)?(?:-preview)?(?:-(arm64|x86_64))?")
_HANDLER = re.compile(r"[A-Za-z_][\w/.-]*\.(?!py$)[A-Za-z_]\w*")
_ARM = frozenset({"linux/arm64", "linux/arm64/v8", "linux/aarch64"})
_X86 = frozenset({"linux/amd64", "linux/x86_64"})
_OLD_SYS_PATH = frozenset({"python3.8", "python3.9", "python3.10"})
_ENTRYPOINT = "lambda-entrypoint.sh"
_NAME = re.compile(r"[\[<>=!~;@\s]")
_TOOLS = frozenset({"pip", "setuptools", "wheel"})  # the base image has them; upgrades add none


@dataclass(frozen=True, slots=True)
class DockerfileFacts:
    """What a Dockerfile on the Lambda Python base image says about the function it builds.

    ``folder`` is where the function's code is read: the Dockerfile's own folder, or the folder
    of the handler module when a ``COPY`` brings it from outside that folder. ``handler_file``
    is the build-context file ``COPY`` puts at ``/var/task/<module>.py``; ``code_root`` is the
    folder whose files land in the task root with it (its own folder when it is renamed).
    ``named`` holds the requirements a ``RUN pip install`` names on its command line, where.
    ``task_files``: each build-context file or folder copied into the task root, with its path
    there (relative, "" for the task root itself), so code copied from elsewhere is read too.
    """

    runtime: str | None
    architecture: str | None
    handler: str | None
    installs_requirements: bool
    requirements_files: tuple[Path, ...]
    code_dirs: tuple[Path, ...]
    location: Location
    notes: tuple[str, ...]
    folder: Path
    handler_file: Path | None = None
    code_root: Path | None = None
    named: tuple[tuple[str, Location], ...] = ()
    task_files: tuple[tuple[Path, str], ...] = ()


_Install = tuple[str | None, tuple[Path, ...], tuple[tuple[str, int], ...]]
"""One ``pip install``: (target, the ``-r`` files, the requirements named with their line)."""


@dataclass(slots=True)
class _Stage:
    """One build stage while its instructions are replayed."""

    line: int
    lambda_base: bool = False
    runtime: str | None = None
    arch: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    handler: str | None = None
    copies: list[tuple[tuple[Path, ...], str]] = field(default_factory=list)
    placed: list[tuple[Path, str]] = field(default_factory=list)  # each host, where it lands
    installs: list[_Install] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fork(self, line: int) -> _Stage:
        """A later stage ``FROM`` this one."""
        return replace(
            self,
            line=line,
            env=dict(self.env),
            copies=list(self.copies),
            placed=list(self.placed),
            installs=list(self.installs),
            notes=list(self.notes),
        )

    def path(self, path: str) -> str:
        """``path`` in the container, made absolute against ``WORKDIR``."""
        return posixpath.normpath(posixpath.join(self.workdir, path))


def read_dockerfile(
    path: Path,
    root: Path,
    context: Path | None = None,
    build_args: Mapping[str, str] | None = None,
) -> tuple[DockerfileFacts | None, tuple[Finding, ...]]:
    """Facts about the final stage, or None when it is not a Lambda Python base image.

    ``context`` is the build context ``COPY`` sources are relative to (the Dockerfile's folder
    unless the IaC says otherwise, e.g. SAM ``DockerContext``); ``build_args`` are the
    ``--build-arg`` values of one build.
    """
    where = locate(path, root)
    try:
        text = read_capped(path)
    except TooLargeError:
        return None, (parse_error(where, f"{where.file} is over 5 MB: not read"),)
    except (OSError, UnicodeDecodeError) as error:
        return None, (parse_error(where, f"cannot read {where.file}: {error}"),)
    reader = _Reader(path, root, context, build_args or {})
    for line, keyword, args in instructions(text):
        try:
            reader.apply(line, keyword, args)
        except ValueError as error:  # an unbalanced quote in shell form
            reader.warn(line, f"{keyword} could not be read ({error}): ignored")
    final = reader.stages[-1] if reader.stages else None
    facts = reader.facts(final) if final is not None and final.lambda_base else None
    return facts, tuple(reader.findings)


class _Reader:
    """Replays one Dockerfile's instructions, stage by stage."""

    def __init__(
        self, path: Path, root: Path, context: Path | None, build_args: Mapping[str, str]
    ) -> None:
        self.path, self.root, self.build_args = path, root, build_args
        self.context = (context or path.parent).resolve()
        self.findings: list[Finding] = []
        self.stages: list[_Stage] = []
        self.names: dict[str, _Stage] = {}
        self.args: dict[str, str] = {}  # ARGs declared before the first FROM

    def warn(self, line: int, message: str) -> None:
        fix = "Give the value a static default so lambdalint can read it."
        where = locate(self.path, self.root, line)
        self.findings.append(parse_error(where, message, fix, severity=Severity.WARNING))

    def apply(self, line: int, keyword: str, args: str) -> None:
        stage = self.stages[-1] if self.stages else None
        if keyword == "FROM":
            self.from_(line, args)
        elif keyword == "ARG":
            scope = self.args if stage is None else stage.env
            scope.update(assign(args, self.args | scope, legacy=False))
            names = (w.partition("=")[0] for w in split_args(args))
            scope.update({k: self.build_args[k] for k in names if k in self.build_args})
        elif stage is None:
            return
        elif keyword == "ENV":
            env = assign(args, {}, legacy=True)
            stage.env.update({k: substitute(v, stage.env) for k, v in env.items()})
        elif keyword == "WORKDIR":
            stage.workdir = stage.path(substitute(args.strip(), stage.env))
        elif keyword in {"COPY", "ADD"}:
            self.copy(stage, [substitute(w, stage.env) for w in split_args(args)])
        elif keyword == "RUN":
            words = [substitute(w, stage.env) for w in split_args(args, shell=True)]  # noqa: S604
            self.run(stage, words, line)
        elif keyword == "CMD":
            words = split_args(args)
            stage.handler = words[0] if words and _HANDLER.fullmatch(words[0]) else None
        elif keyword == "ENTRYPOINT":
            self.entrypoint(stage, args)

    def entrypoint(self, stage: _Stage, args: str) -> None:
        """``ENTRYPOINT /lambda-entrypoint.sh HANDLER``; the shell form expands ``ENV`` values."""
        shell = not args.startswith("[")
        words = [substitute(w, stage.env) if shell else w for w in split_args(args)]
        if words[1:] and posixpath.basename(words[0]) == _ENTRYPOINT:
            stage.handler = words[1] if _HANDLER.fullmatch(words[1]) else None

    def from_(self, line: int, args: str) -> None:
        words = [substitute(w, self.args) for w in args.split()]
        rest = [w for w in words if not w.startswith("--")]
        image = rest[0] if rest else ""
        stage = self.names[image.lower()].fork(line) if image.lower() in self.names else None
        if stage is None:
            stage = _Stage(line)
            stage.lambda_base, stage.runtime, stage.arch = _base(image)
        if stage.lambda_base and "$" in image:
            self.warn(line, f"the base image tag in '{args}' has no default in the Dockerfile")
        elif stage.lambda_base and stage.runtime is None:
            stage.notes.append(f"base image '{image}' does not name a Python version")
        if stage.lambda_base and not stage.env:
            stage.env = {"LAMBDA_TASK_ROOT": TASK_ROOT, "LAMBDA_RUNTIME_DIR": "/var/runtime"}
            stage.workdir = TASK_ROOT
        for flag in (w.partition("=")[2].lower() for w in words if w.startswith("--platform=")):
            arch = "arm64" if flag in _ARM else "x86_64" if flag in _X86 else None
            if arch and stage.arch and arch != stage.arch:
                stage.notes.append(f"--platform {flag} conflicts with the {stage.arch} image tag")
            stage.arch = stage.arch or arch
        if len(rest) == 3 and rest[1].lower() == "as":  # noqa: PLR2004 - FROM image AS name
            self.names[rest[2].lower()] = stage
        self.names[str(len(self.stages))] = stage
        self.stages.append(stage)

    def copy(self, stage: _Stage, words: list[str]) -> None:
        origin = next((w[7:].lower() for w in words if w.startswith("--from=")), None)
        *sources, dest = [w for w in words if not w.startswith("--")] or [""]
        into = dest.endswith("/") or len(sources) > 1 or any(c in "".join(sources) for c in "*?[")
        dest = stage.path(dest)
        if origin is not None:  # only what a pip install put in the other stage matters
            other = self.names.get(origin, _Stage(0))
            for src in (other.path(s) for s in sources):
                stage.installs += [(dest, *i[1:]) for i in other.installs if under(i[0], src)]
            return
        hosts: list[Path] = []
        for src in (s.lstrip("/") or "." for s in sources if "://" not in s):
            if any(c in src for c in "*?["):
                hosts.extend(sorted(p.resolve() for p in self.context.glob(src)))
            elif (self.context / src).exists():
                hosts.append((self.context / src).resolve())
        stage.copies.append((tuple(hosts), dest))
        into = into or dest == stage.env.get("LAMBDA_TASK_ROOT", TASK_ROOT)  # an existing folder
        stage.placed += placed(hosts, dest, into=into)

    def run(self, stage: _Stage, words: list[str], line: int) -> None:
        for command in commands(words):
            if (install := pip_install(command)) is None:
                continue
            target, files = install
            specs = pip_packages(command)
            named = tuple((spec, line) for spec in specs if _NAME.split(spec)[0] not in _TOOLS)
            hosts = {f: host_of(stage.copies, stage.path(f)) for f in files}
            missing = [f for f, host in hosts.items() if host is None]
            stage.notes += [
                f"{f} is installed but not copied from the build context" for f in missing
            ]
            found = tuple(h for h in hosts.values() if h is not None)
            stage.installs.append((target and stage.path(target), found, named))

    def facts(self, stage: _Stage) -> DockerfileFacts:
        notes = list(stage.notes)
        if len(self.stages) > 1:
            notes.append("multi-stage build: final stage used")
        installs, requirements, named = False, list[Path](), list[tuple[str, Location]]()
        task_root = stage.env.get("LAMBDA_TASK_ROOT", TASK_ROOT)
        for target, hosts, specs in stage.installs:
            if target is not None and not under(target, task_root, "/opt/python"):
                notes.append(f"pip installs into {target}, which is not on Lambda's sys.path")
                continue
            installs = True
            requirements += [h for h in hosts if h not in requirements]
            named += [(spec, locate(self.path, self.root, line)) for spec, line in specs]
            if target is None and stage.runtime in _OLD_SYS_PATH:
                notes.append(
                    "pip installs into system site-packages: on python3.8-3.10 images "
                    "/var/runtime still wins for boto3"
                )
        code = [h for hosts, dest in stage.copies if under(dest, task_root) for h in hosts]
        landed = [(h, d) for h, d in stage.placed if under(d, task_root)]
        task_files = [
            (h, "" if d == task_root else posixpath.relpath(d, task_root)) for h, d in landed
        ]
        folder, host = self.path.resolve().parent, None
        if stage.handler:
            module = stage.handler.rpartition(".")[0].replace(".", "/") + ".py"
            host = host_of(stage.copies, posixpath.join(task_root, module))
            if host is not None and host != (self.context / module).resolve():
                notes.append(f"handler module is copied from {relative(host, self.root)}")
            if host is not None and not host.is_relative_to(folder):
                folder = host.parent  # the code sits outside the Dockerfile's folder
        return DockerfileFacts(
            runtime=stage.runtime,
            architecture=stage.arch,
            handler=stage.handler,
            installs_requirements=installs,
            requirements_files=tuple(requirements),
            code_dirs=tuple(dict.fromkeys(code)),
            location=locate(self.path, self.root, stage.line),
            notes=tuple(dict.fromkeys(notes)),
            folder=folder,
            handler_file=host,
            code_root=code_root(host, module) if host is not None else None,
            named=tuple(named),
            task_files=tuple(task_files),
        )


def _base(image: str) -> tuple[bool, str | None, str | None]:
    """(is a Lambda Python base image, runtime, architecture) for an image reference."""
    ref = image.split("@", 1)[0].lower().removeprefix("docker.io/")
    repo, tag = ref.rpartition(":")[::2] if ":" in ref.rsplit("/", 1)[-1] else (ref, "")
    if repo not in _BASES:
        return False, None, None
    if (match := _TAG.fullmatch(tag)) is None:
        return True, None, None
    return True, f"python{match[1]}.{match[2]}", match[3]
