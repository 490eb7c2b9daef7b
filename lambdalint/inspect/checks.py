"""Artifact rules about compiled code: platform, glibc level and Python ABI."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lambdalint.inspect.facts import ArtifactFacts, ShippedDist
from lambdalint.inspect.native import MACHINES
from lambdalint.inspect.rule import ArtifactRule
from lambdalint.model import Finding, Severity

_EXTENSION = re.compile(r"\.cpython-(\d)(\d+)[a-z]*-[^/]+\.so$")
_CPYTHON = re.compile(r"^cp(\d)(\d+)")
_REBUILD = (
    "Reinstall for the target: pip install -r requirements.txt -t build/ --platform "
    "manylinux2014_{arch} --implementation cp --python-version {python} --only-binary=:all:"
)


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _rebuild(facts: ArtifactFacts) -> str:
    arch = "aarch64" if facts.architecture == "arm64" else "x86_64"
    return _REBUILD.format(arch=arch, python=facts.runtime.python)


def wrong_platform(rule: ArtifactRule, facts: ArtifactFacts) -> Iterator[Finding]:
    """Compiled files that are Mach-O, PE, 32-bit or for the other CPU architecture."""
    wanted = MACHINES.get(facts.architecture)
    target = f"{facts.runtime.name} on {facts.architecture}"
    for entry, binary in facts.binaries:
        if binary.format == "mach-o":
            what = "a Mach-O binary (built on macOS)"
        elif binary.format == "pe":
            what = "a PE binary (built on Windows)"
        elif binary.format == "elf" and binary.elf_class == 32:  # noqa: PLR2004 - ELFCLASS32
            what = f"a 32-bit ELF ({binary.machine_name})"
        elif binary.format == "elf" and wanted is not None and binary.machine != wanted:
            what = f"an ELF for {binary.machine_name}"
        else:
            continue
        yield rule.finding(
            facts,
            entry.path,
            f"{_name(entry.path)} is {what}, but the function runs {target} (Linux): the import "
            "fails at cold start",
            _rebuild(facts),
        )


def glibc_too_new(rule: ArtifactRule, facts: ArtifactFacts) -> Iterator[Finding]:
    """Compiled files needing a newer glibc symbol version than the runtime's libc has."""
    have = facts.runtime.glibc
    for entry, binary in facts.binaries:
        if binary.glibc is None or binary.glibc <= have:
            continue
        need = ".".join(map(str, binary.glibc))
        yield rule.finding(
            facts,
            entry.path,
            f"{_name(entry.path)} needs GLIBC_{need} (from {binary.glibc_library}), but "
            f"{facts.runtime.name} ({facts.runtime.os}) has glibc {have[0]}.{have[1]}: the "
            f"import fails with \"version 'GLIBC_{need}' not found\"",
            f"Install wheels no newer than manylinux_{have[0]}_{have[1]} "
            "(--platform manylinux2014_<arch>), pin an older release, or move to a runtime "
            "with a newer glibc.",
        )


def _tag_python(tag: str) -> tuple[int, int] | None:
    match = _CPYTHON.match(tag)
    return (int(match[1]), int(match[2])) if match else None


def _wheel_mismatch(dist: ShippedDist, target: tuple[int, int]) -> str | None:
    """The offending tag when none of the dist's CPython tags can load on the target."""
    bad = None
    for tag in dist.tags:
        interpreter, _, rest = tag.partition("-")
        abi = rest.partition("-")[0]
        built = _tag_python(interpreter)
        if built is None or abi == "none":
            return None
        if abi == "abi3" and built <= target:
            return None
        if abi != "abi3" and _tag_python(abi) == target:
            return None
        bad = tag
    return bad


def abi_mismatch(rule: ArtifactRule, facts: ArtifactFacts) -> Iterator[Finding]:
    """Extensions and wheels built for another CPython version than the runtime's."""
    target = facts.runtime.python_version
    python = facts.runtime.python
    reported: set[str] = set()
    for dist in facts.dists:
        tag = _wheel_mismatch(dist, target)
        if tag is None:
            continue
        reported.add(dist.info_path)
        yield rule.finding(
            facts,
            f"{dist.info_path}/WHEEL",
            f"{dist.name} {dist.version or ''} was installed from a wheel tagged {tag}, which "
            f"cannot load on Python {python} ({facts.runtime.name})",
            _rebuild(facts),
        )
    for entry, _ in facts.binaries:
        match = _EXTENSION.search(entry.path)
        if match is None or (int(match[1]), int(match[2])) == target:
            continue
        owner = facts.owner(entry.path)
        if owner is not None and owner.info_path in reported:
            continue
        yield rule.finding(
            facts,
            entry.path,
            f"{_name(entry.path)} is an extension for CPython {match[1]}.{match[2]}; "
            f"Python {python} does not look for that file name, so the import fails with "
            "ModuleNotFoundError",
            _rebuild(facts),
        )


WRONG_PLATFORM_BINARY = ArtifactRule(
    slug="wrong-platform-binary",
    code="LL402",
    severity=Severity.ERROR,
    summary="Shipped native code built for another OS or CPU architecture.",
    check=wrong_platform,
)
GLIBC_TOO_NEW = ArtifactRule(
    slug="glibc-too-new",
    code="LL405",
    severity=Severity.ERROR,
    summary="A shipped shared library needs a newer glibc than the runtime provides.",
    check=glibc_too_new,
)
ABI_MISMATCH = ArtifactRule(
    slug="abi-mismatch",
    code="LL406",
    severity=Severity.ERROR,
    summary="A shipped extension or wheel was built for another CPython version.",
    check=abi_mismatch,
)
