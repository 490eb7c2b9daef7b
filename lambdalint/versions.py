"""Whether a version meets a specifier, tolerating text that does not parse."""

from __future__ import annotations

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version


def satisfies(specifier: str, version: str) -> bool | None:
    """Whether ``version`` meets ``specifier``; None when either cannot be parsed."""
    try:
        return SpecifierSet(specifier).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return None
