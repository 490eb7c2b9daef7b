"""One run's resolutions: identical sets resolve once, each with its files' own sources.

A requirements file's ``--find-links`` or ``--index-url`` may name a host this machine cannot
reach. uv then fails outright, where the real build (pip, on its own network) would not; so
the set is resolved again from the user's configured sources alone and the answer is hedged:
a name or version not found there may well be on the source that could not be read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from lambdalint.model import Requirement
from lambdalint.resolve.cache import Cache
from lambdalint.resolve.indexes import UNREACHABLE, IndexConfig
from lambdalint.resolve.resolution import Resolution, from_lock_file, requirement_lines, resolve
from lambdalint.resolve.target import Target

_NOT_FOUND = re.compile(r"was not found in the|there (?:is|are) no versions? of")


@dataclass
class Resolver:
    """Resolves requirement sets for targets within one run; identical sets resolve once.

    ``notes`` name each source a requirements file added that could not be reached.
    """

    index: IndexConfig
    cache: Cache
    notes: list[str] = field(default_factory=list)
    _done: dict[tuple[str, ...], Resolution] = field(default_factory=dict)

    def resolve(
        self,
        requirements: tuple[Requirement, ...],
        target: Target,
        glibc: tuple[int, int],
        lock_file: Path | None = None,
        index_options: Sequence[tuple[str, str]] = (),
    ) -> Resolution:
        """The resolution for these requirements on this target (a lock file wins).

        ``index_options`` are the requirements files' own source lines, merged over the
        user's configuration for this resolution only.
        """
        if lock_file is not None:
            try:
                text = lock_file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                return Resolution(error=f"{lock_file.name} cannot be read: {error}")
            return from_lock_file(text, requirements, target, glibc, self.cache)
        lines = requirement_lines(requirements, target)
        direct = sorted(r.normalized for r in requirements if r.direct and not r.constraint)
        index = self.index.with_file_options(index_options)
        key = (*lines, "|", *direct, str(target), str(glibc), index.fingerprint())
        if key not in self._done:
            found = resolve(requirements, target, glibc, index, self.cache)
            if index != self.index and found.note and found.note.startswith(UNREACHABLE):
                self.notes += [] if found.note in self.notes else [found.note]
                alone = resolve(requirements, target, glibc, self.index, self.cache)
                found = hedged(alone, found.note)
            self._done[key] = found
        return self._done[key]


def hedged(alone: Resolution, note: str) -> Resolution:
    """The resolution from the configured sources alone, qualified by what could not be read.

    Not found there: unknown (the unreachable source may have it). Any other failure stands,
    with the note; a success is kept, noted, since the unread source might have changed it.
    """
    if alone.error and _NOT_FOUND.search(alone.error):
        return Resolution(note=note)
    if alone.error:
        return replace(alone, error=f"{alone.error}\n(note: {note})")
    return replace(alone, note=alone.note or note)
