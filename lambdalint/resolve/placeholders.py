"""Placeholder distributions: index names whose every release refuses to install.

lambdalint never builds an sdist, so it cannot see a ``setup.py`` that stops the build on
purpose; the few well-known placeholders (``sklearn`` for scikit-learn) are shipped as data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from packaging.utils import canonicalize_name


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A name that exists only to send users to ``use``; ``why`` says how its build fails."""

    name: str
    use: str
    why: str


@lru_cache(maxsize=1)
def _placeholders() -> dict[str, Placeholder]:
    text = resources.files("lambdalint.resolve").joinpath("data/placeholders.json")
    entries = json.loads(text.read_text("utf-8"))["distributions"]
    return {
        canonicalize_name(name): Placeholder(name, entry["use"], entry["why"])
        for name, entry in entries.items()
    }


def placeholder(name: str) -> Placeholder | None:
    """The placeholder entry for a distribution name, if it is one."""
    return _placeholders().get(canonicalize_name(name))
