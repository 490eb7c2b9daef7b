"""Reading the runtime package data: JSON documents, stdlib lists, version and date text.

Only ``lambdalint/runtime/data`` is read, never the host; ``model`` turns what is read here
into typed records.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def data_dir() -> Traversable:
    """The package data folder, wherever lambdalint is installed."""
    return resources.files("lambdalint.runtime") / "data"


def read_json(name: str) -> dict[str, Any]:
    """One JSON document of the package data."""
    doc: dict[str, Any] = json.loads((data_dir() / name).read_text(encoding="utf-8"))
    return doc


def version_pair(text: str) -> tuple[int, int]:
    """``"3.11"`` as ``(3, 11)``."""
    major, minor = text.split(".")
    return int(major), int(minor)


def iso_date(text: str | None) -> dt.date | None:
    """An ISO date, or None where the data has none."""
    return None if text is None else dt.date.fromisoformat(text)


@cache
def stdlib_modules(version: str) -> frozenset[str]:
    """The top-level stdlib modules of Python ``version`` (``data/stdlib/<X.Y>.txt``)."""
    text = (data_dir() / "stdlib" / f"{version}.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=1)
def removed_document() -> dict[str, Any]:
    """``data/removed_stdlib.json``, read once."""
    return read_json("removed_stdlib.json")


@lru_cache(maxsize=1)
def runtime_names() -> tuple[str, ...]:
    """Return the name of every runtime lambdalint knows, oldest Python first."""
    names = [
        entry.name.removesuffix(".json")
        for entry in data_dir().iterdir()
        if entry.name.startswith("python") and entry.name.endswith(".json")
    ]
    return tuple(sorted(names, key=lambda n: version_pair(n.removeprefix("python"))))
