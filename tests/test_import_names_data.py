"""Shape of the fallback import-name table in ``lambdalint/resolve/data/import_names.json``."""

from __future__ import annotations

import datetime
import json
import keyword
import re
from pathlib import Path

import pytest

DATA = (
    Path(__file__).resolve().parent.parent / "lambdalint" / "resolve" / "data" / "import_names.json"
)
TABLE = json.loads(DATA.read_text(encoding="utf-8"))
MODULES: dict[str, dict[str, object]] = TABLE["modules"]
ENTRIES = sorted(MODULES.items())
ENTRY_KEYS = frozenset({"distributions", "source", "versions"})
# PEP 508 names: letters and digits, with '.', '-' or '_' inside.
DIST_NAME = re.compile(r"[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]", re.IGNORECASE)
SPECIFIER = re.compile(r"(~=|==|!=|<=|>=|<|>)\s*[0-9][0-9a-z.*+!-]*(\s*,\s*\S+)*", re.IGNORECASE)


def canonical(name: str) -> str:
    """Normalize a distribution name the PEP 503 way (runs of -_. become -, lower case)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def entry_id(item: tuple[str, dict[str, object]]) -> str:
    """Name a parametrized case after its import name."""
    return item[0]


def test_top_level_shape():
    """The file has a comment, an ISO ``as_of`` date and a non-trivial ``modules`` mapping."""
    assert set(TABLE) == {"_comment", "as_of", "modules"}
    assert isinstance(TABLE["_comment"], str)
    assert TABLE["_comment"]
    datetime.date.fromisoformat(TABLE["as_of"])
    assert isinstance(MODULES, dict)
    assert len(MODULES) >= 100


def test_keys_are_sorted_case_insensitively():
    """Entries are kept in case-insensitive order so diffs stay small and duplicates show."""
    keys = list(MODULES)
    assert keys == sorted(keys, key=str.lower)


@pytest.mark.parametrize("item", ENTRIES, ids=entry_id)
def test_import_name_is_a_dotted_identifier(item):
    """Each key is an importable dotted name: identifiers separated by single dots."""
    name, _ = item
    parts = name.split(".")
    assert all(part.isidentifier() and not keyword.iskeyword(part) for part in parts)


@pytest.mark.parametrize("item", ENTRIES, ids=entry_id)
def test_entry_has_only_known_fields(item):
    """An entry holds distributions and source, and optionally a versions mapping."""
    _, entry = item
    assert {"distributions", "source"} <= set(entry) <= ENTRY_KEYS


@pytest.mark.parametrize("item", ENTRIES, ids=entry_id)
def test_distributions_are_valid_unique_names(item):
    """Distributions form a non-empty list of valid, distinct distribution names."""
    _, entry = item
    dists = entry["distributions"]
    assert isinstance(dists, list)
    assert dists
    assert all(isinstance(d, str) and DIST_NAME.fullmatch(d) for d in dists)
    assert len({canonical(d) for d in dists}) == len(dists)


@pytest.mark.parametrize("item", ENTRIES, ids=entry_id)
def test_every_entry_names_its_source(item):
    """Each entry says where the pairing was read (a wheel's files, or why not)."""
    _, entry = item
    assert isinstance(entry["source"], str)
    assert len(entry["source"].strip()) >= 10


@pytest.mark.parametrize("item", ENTRIES, ids=entry_id)
def test_entry_is_not_the_obvious_pairing(item):
    """An entry whose only distributions have the import name as normalized name adds nothing."""
    name, entry = item
    assert any(canonical(d) != name for d in entry["distributions"])


@pytest.mark.parametrize(
    "item",
    [(name, entry) for name, entry in ENTRIES if "versions" in entry],
    ids=entry_id,
)
def test_versions_restrict_listed_distributions(item):
    """A ``versions`` mapping only constrains listed distributions, with a version specifier."""
    _, entry = item
    versions = entry["versions"]
    assert isinstance(versions, dict)
    assert versions
    assert set(versions) <= set(entry["distributions"])
    assert all(SPECIFIER.fullmatch(spec) for spec in versions.values())
