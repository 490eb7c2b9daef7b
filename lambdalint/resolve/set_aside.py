"""Packages uv rejects only for lack of a usable wheel: set aside so the rest still resolves.

``uv pip compile --no-build`` fails the whole set when one release exists only as an sdist.
Such a package is overridden away (a marker that is never true, wherever it sits in the
graph), the rest resolves, and its sdist is read (never built) for what it would install.
"""

from __future__ import annotations

import re
from contextlib import suppress

from packaging.utils import canonicalize_name

from lambdalint.resolve.cache import Cache
from lambdalint.resolve.indexes import IndexConfig
from lambdalint.resolve.sdists import SdistError, SdistFacts, sdist_facts
from lambdalint.resolve.target import Target
from lambdalint.resolve.uv import Lock, ResolutionError, compile_lock

SET_ASIDE_ROUNDS = 5  # resolutions tried, setting wheel-less packages aside between them
_NO_WHEEL = (
    re.compile(r"([\w.-]+)==(\S+?),? has no (?:usable wheels|wheels with a matching)"),
    re.compile(r"([\w.-]+)((?:[<>!~]=?|==)[\w.*+!-]+(?:,(?:[<>!~]=?|==)[\w.*+!-]+)*) has no usa"),
    re.compile(r"all versions of ([\w.-]+)()(?: \S+)? have no (?:usable wheels|wheels with a)"),
    re.compile(r"Wheels are required for `([\w.-]+)`()"),
)


def wheelless(message: str) -> dict[str, str | None]:
    """Packages uv rejected only for lacking a usable wheel: name -> version (or range) uv named."""
    found: dict[str, str | None] = {}
    for pattern in _NO_WHEEL:
        for match in pattern.finditer(message):
            name = canonicalize_name(match.group(1))
            found[name] = found.get(name) or match.group(2) or None
    return found


def compile_setting_aside(
    lines: list[str], target: Target, glibc: tuple[int, int], index: IndexConfig, cache: Cache
) -> Lock:
    """Resolve; a package uv rejects only for lack of a wheel is set aside and the rest resolves.

    A set-aside package's own dependencies, when its sdist states them, join the input, so the
    graph stays whole. Bounded: after ``SET_ASIDE_ROUNDS`` the last error stands.
    """
    aside: dict[str, str | None] = {}
    extra: list[str] = []
    for _round in range(SET_ASIDE_ROUNDS):
        overrides = tuple(f"{name} ; sys_platform == 'never'" for name in aside)
        text = "\n".join([*lines, *extra]) + "\n"
        try:
            lock = compile_lock(
                text, target.python_version, glibc, target.architecture, index, overrides=overrides
            )
        except ResolutionError as error:
            new = {n: v for n, v in wheelless(error.message).items() if n not in aside}
            if not new:
                raise
            aside.update(new)
            for name, version in new.items():
                with suppress(SdistError):
                    extra += sdist_facts(name, version, index, cache).requires_dist
            continue
        return Lock(lock.packages, tuple(aside.items()))
    raise ResolutionError(f"still unresolved after setting aside {', '.join(aside)}", ())


def source_only_facts(
    lock: Lock, index: IndexConfig | None, cache: Cache
) -> dict[str, SdistFacts | None]:
    """Sdist facts of each set-aside package (None when its sdist cannot be found or read)."""
    found: dict[str, SdistFacts | None] = {}
    for name, version in lock.source_only:
        facts = None
        if index is not None:
            with suppress(SdistError):
                facts = sdist_facts(name, version, index, cache)
        found[canonicalize_name(name)] = facts
    return found
