"""The commands a plan hands over: target-correct ``pip install``, the zip, the Dockerfile.

Kept apart from the choice of strategy so the platform tags and quoting that make a command
correct for the target (never the host) live in one place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from packaging.utils import parse_wheel_filename

from lambdalint.checks.base import FunctionFacts
from lambdalint.model import Requirement
from lambdalint.resolve.sizes import SizeEstimate, shipped_dists

# manylinux levels wheels are really published with, newest first (PEP 600 and the legacy
# aliases); every intermediate level is valid too, but nobody builds for it.
_PUBLISHED_LEVELS = ((2, 34), (2, 31), (2, 28), (2, 27), (2, 26), (2, 24), (2, 17), (2, 12), (2, 5))
_LEGACY = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}


def platform_tags(
    glibc: tuple[int, int], architecture: str, wheels: Sequence[str] = ()
) -> tuple[str, ...]:
    """``--platform`` values for pip, newest first.

    pip prefers platforms in the order given and does not imply older manylinux levels, so
    the list runs from the newest level the runtime's glibc accepts down. When the exact
    wheels are known (``wheels``: their file names), their own platform tags are used, so pip
    installs exactly the wheels lambdalint sized.
    """
    machine = "aarch64" if architecture == "arm64" else "x86_64"
    exact = sorted(
        {str(tag.platform) for name in wheels for tag in parse_wheel_filename(name)[3]} - {"any"},
        key=_level,
        reverse=True,
    )
    if exact:
        return tuple(exact)
    tags: list[str] = []
    for level in _PUBLISHED_LEVELS:
        if level <= glibc and not (machine == "aarch64" and level < (2, 17)):
            tags.append(f"manylinux_{level[0]}_{level[1]}_{machine}")
            if level in _LEGACY:
                tags.append(f"{_LEGACY[level]}_{machine}")
    return tuple(tags)


def _level(platform: str) -> tuple[int, int, int]:
    """Sort key: manylinux_2_28 > manylinux2014 (= 2_17) > manylinux1 (= 2_5)."""
    pep600 = re.fullmatch(r"manylinux_(\d+)_(\d+)_\w+", platform)
    if pep600:
        return (int(pep600[1]), int(pep600[2]), 1)
    legacy = {v: k for k, v in _LEGACY.items()}
    alias = next((lvl for name, lvl in legacy.items() if platform.startswith(name + "_")), None)
    return (*alias, 0) if alias else (0, 0, 0)


def zip_commands(
    facts: FunctionFacts,
    declared: list[Requirement],
    undeclared: tuple[str, ...],
    size: SizeEstimate | None,
) -> tuple[str, ...]:
    """``pip install --target`` for the target (never the host), then the zip.

    With a resolution the exact pinned set installs with ``--no-deps`` (runtime packages
    left out); imports nobody declared yet install by name, with their dependencies.
    """
    installs: list[list[str]] = []
    wheel_names: list[str] = []
    dists = shipped_dists(facts) if facts.resolution else []
    if size is not None and facts.resolution:
        wheel_names = [d.wheel.filename for d in dists if d.wheel]
        # Exact pins already resolved for the target: pip must not re-check Requires-Python
        # against the host interpreter (older pip does, pypa/pip#12216).
        pins = (f"'{d.name}=={d.version}'" for d in dists)
        installs.append(["--no-deps", "--ignore-requires-python", *pins])
    else:
        files = [f for f in facts.requirement_files if f.endswith((".txt", ".in"))]
        direct_runtime = [
            r
            for r in facts.installed_requirements
            if r.direct and facts.shipped(r.normalized) is not None
        ]
        if files and not direct_runtime:
            installs.append([f"-r {files[0]}"])
        elif declared:
            installs.append([f"'{_pep508(r)}'" for r in declared])
    if undeclared:
        installs.append([f"'{name}'" for name in undeclared])
    major, minor = facts.runtime.python_version
    platforms = " ".join(
        f"--platform {tag}"
        for tag in platform_tags(facts.runtime.glibc, facts.target.architecture, wheel_names)
    )
    # A pure-Python sdist (no wheel at all) builds on any host into a wheel that runs anywhere.
    from_source = "".join(
        f" --no-binary={d.name}" for d in dists if d.no_wheel and not d.needs_native_build
    )
    target = (
        f"--target build/ {platforms} --implementation cp --python-version {major}.{minor} "
        f"--only-binary=:all:{from_source} --no-compile"
    )
    return (
        *(
            f"pip install {' '.join(sources)} {target}"
            for sources in installs
            if sources != ["--no-deps"]
        ),
        f"cp -r {facts.path}/. build/",
        "cd build && zip -qrXD ../function.zip .",
    )


def container_commands(facts: FunctionFacts) -> tuple[str, ...]:
    """A Dockerfile on the runtime's base image for the function's architecture, and its build."""
    python, arch = facts.runtime.python, facts.target.architecture
    files = [f for f in facts.requirement_files if f.endswith(".txt")]
    requirements = files[0].rsplit("/", 1)[-1] if files else "requirements.txt"
    handler = facts.function.handler or "app.handler"
    dockerfile = (
        f"FROM public.ecr.aws/lambda/python:{python}-{arch}\n"
        f"COPY {requirements} ${{LAMBDA_TASK_ROOT}}/\n"
        f"RUN pip install --no-cache-dir --no-compile -r ${{LAMBDA_TASK_ROOT}}/{requirements} "
        "--target ${LAMBDA_TASK_ROOT}\n"
        "COPY . ${LAMBDA_TASK_ROOT}/\n"
        f'CMD ["{handler}"]\n'
    )
    arch_flag = "linux/arm64" if arch == "arm64" else "linux/amd64"
    return (
        f"docker build --platform {arch_flag} -t {facts.function.name} {facts.path}",
        f"# {facts.path}/Dockerfile\n{dockerfile}",
        '# in the IaC: package_type = "Image" (PackageType: Image) with the image URI',
    )


def _pep508(requirement: Requirement) -> str:
    """The requirement as pip takes it on the command line."""
    extras = f"[{','.join(requirement.extras)}]" if requirement.extras else ""
    marker = f"; {requirement.marker}" if requirement.marker else ""
    if requirement.url:
        return f"{requirement.name}{extras} @ {requirement.url}{marker}"
    return f"{requirement.name}{extras}{requirement.specifier}{marker}"
