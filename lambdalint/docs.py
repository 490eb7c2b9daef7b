"""Rule documentation pages (``rules/<slug>.md``), found installed or in a source checkout."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def docs_dir() -> Traversable | None:
    """The packaged copy (wheel installs) or the checkout's ``rules/`` (editable installs)."""
    packaged = resources.files("lambdalint").joinpath("_rules")
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "rules"
    return checkout if checkout.is_dir() else None


def rule_doc(slug: str) -> str | None:
    """The Markdown page of a rule, without its frontmatter; None when there is none."""
    folder = docs_dir()
    if folder is None:
        return None
    page = folder.joinpath(f"{slug}.md")
    if not page.is_file():
        return None
    text = page.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            text = text[end + 5 :]
    return text.lstrip("\n")
