"""The rule pages in ``rules/`` share one frontmatter schema and one outline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
INDEX = RULES_DIR / "README.md"
PAGES = sorted(p for p in RULES_DIR.glob("*.md") if p.name != INDEX.name)
KEYS = ("slug", "code", "severity", "since", "summary")
SEVERITIES = frozenset({"error", "warning", "info"})
HEADINGS = (
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Options",
    "## References",
)
ROW = re.compile(
    r"^\|\s*\[(?P<slug>[a-z0-9-]+)\]\((?P<link>[^)]+)\)\s*\|\s*(?P<code>[^|]+?)\s*\|"
    r"\s*(?P<severity>[^|]+?)\s*\|\s*(?P<summary>[^|]+?)\s*\|$",
)


def frontmatter(text: str) -> dict[str, str]:
    """Return the ``key: value`` lines between the opening and closing ``---`` lines."""
    lines = text.splitlines()
    if not lines or lines[0] != "---" or "---" not in lines[1:]:
        return {}
    end = lines.index("---", 1)
    pairs = (line.split(":", 1) for line in lines[1:end] if line.strip())
    return {key.strip(): value.strip() for key, value in pairs}


def body(text: str) -> str:
    """Return the page without its frontmatter."""
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


def index_rows() -> dict[str, dict[str, str]]:
    """Return the README table rows keyed by slug."""
    lines = INDEX.read_text(encoding="utf-8").splitlines()
    return {m["slug"]: m.groupdict() for m in map(ROW.match, lines) if m}


def test_there_are_rule_pages():
    """At least the founding rules have pages, so the parametrized tests are not vacuous."""
    assert len(PAGES) >= 10


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_frontmatter_has_exactly_the_schema_keys(page):
    """Every page opens with frontmatter holding slug, code, severity, since and summary."""
    meta = frontmatter(page.read_text(encoding="utf-8"))
    assert tuple(meta) == KEYS


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_frontmatter_values_are_well_formed(page):
    """The slug is the file name, the code is LLnnn, and severity, since and summary are valid."""
    meta = frontmatter(page.read_text(encoding="utf-8"))
    assert meta["slug"] == page.stem
    assert re.fullmatch(r"LL\d{3}", meta["code"])
    assert meta["severity"] in SEVERITIES
    assert re.fullmatch(r"\d+\.\d+\.\d+", meta["since"])
    assert meta["summary"]
    assert "|" not in meta["summary"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_headings_are_the_six_sections_in_order(page):
    """The level-2 headings are exactly the six sections, in the ruff-style order."""
    text = body(page.read_text(encoding="utf-8"))
    found = tuple(line.rstrip() for line in text.splitlines() if line.startswith("## "))
    assert found == HEADINGS


def test_codes_are_unique():
    """No two rule pages claim the same code."""
    codes = [frontmatter(p.read_text(encoding="utf-8"))["code"] for p in PAGES]
    assert len(codes) == len(set(codes))


def test_index_lists_every_page_once():
    """The README table has one row per rule page and no row without a page."""
    assert set(index_rows()) == {p.stem for p in PAGES}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_index_row_matches_page(page):
    """The README row repeats the page's link, code, severity and summary exactly."""
    meta = frontmatter(page.read_text(encoding="utf-8"))
    row = index_rows()[page.stem]
    assert row["link"] == page.name
    assert (row["code"], row["severity"], row["summary"]) == (
        meta["code"],
        meta["severity"],
        meta["summary"],
    )


def test_registered_rules_match_their_pages():
    """Each registered rule's code, default severity and summary equal its page's frontmatter."""
    from lambdalint.checks import RULES  # noqa: PLC0415 - the docs tests need no package import otherwise

    for rule in RULES:
        page = (RULES_DIR / f"{rule.slug}.md").read_text(encoding="utf-8")
        meta = dict(line.split(": ", 1) for line in page.split("---")[1].strip().splitlines())
        assert (meta["code"], meta["severity"], meta["summary"]) == (
            rule.code,
            rule.severity.value,
            rule.summary,
        ), rule.slug
