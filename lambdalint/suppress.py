"""Inline suppressions: ``# lambdalint: ignore[slug, …]`` (or a bare ``ignore``) on the line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from lambdalint.model import Finding

_SUPPRESSION = re.compile(r"#\s*lambdalint:\s*ignore(?:\[(?P<slugs>[^\]]*)\])?")


def unsuppressed(findings: Iterable[Finding], root: Path) -> list[Finding]:
    """The findings whose source line does not suppress them."""
    lines: dict[str, list[str]] = {}
    kept: list[Finding] = []
    for finding in findings:
        loc = finding.location
        if loc.line is None:
            kept.append(finding)
            continue
        if loc.file not in lines:
            try:
                text = (root / loc.file).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            lines[loc.file] = text.splitlines()
        source = lines[loc.file]
        match = _SUPPRESSION.search(source[loc.line - 1]) if 0 < loc.line <= len(source) else None
        if match is None:
            kept.append(finding)
            continue
        slugs = match.group("slugs")
        if slugs is not None and finding.rule not in {s.strip() for s in slugs.split(",")}:
            kept.append(finding)
    return kept
