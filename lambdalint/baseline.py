"""Baselines: record today's findings once, then report only the ones that are new.

A fingerprint hashes the rule slug, file, function and message, with line and column
references in the message normalised, so moving code up or down does not resurrect a known
finding. Identical findings are counted: two in the code and one in the baseline is one new.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from lambdalint.atomic import write_text_atomic
from lambdalint.config import ConfigError
from lambdalint.model import Finding, Report

VERSION = 1
_LINE_REFS = (
    (re.compile(r"\b(line|column|col)s? \d+", re.IGNORECASE), r"\1 N"),
    (re.compile(r"(\.[A-Za-z]{1,12}):\d+(?::\d+)?\b"), r"\1:N"),
)
_KEYS = ("fingerprint", "rule", "file", "function", "message")


def fingerprint(finding: Finding) -> str:
    """A stable identity for ``finding`` that ignores where in the file it sits."""
    message = finding.message
    for pattern, replacement in _LINE_REFS:
        message = pattern.sub(replacement, message)
    parts = (finding.rule, finding.location.file, finding.function or "", message)
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def load(path: Path) -> Counter[str]:
    """How many times each fingerprint is in the baseline file at ``path``."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"{path}: invalid baseline: {error}") from error
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ConfigError(f'{path}: invalid baseline: expected an object with "version": 1')
    entries = data.get("findings")
    if not isinstance(entries, list) or not all(_valid(entry) for entry in entries):
        raise ConfigError(
            f'{path}: invalid baseline: "findings" must be a list of objects with '
            f"{', '.join(_KEYS)} (a 64-digit hex fingerprint)"
        )
    return Counter(entry["fingerprint"] for entry in entries)


def write(path: Path, report: Report) -> int:
    """Record every finding of ``report`` in ``path`` atomically; returns how many."""
    entries = sorted(
        (
            {
                "fingerprint": fingerprint(f),
                "rule": f.rule,
                "file": f.location.file,
                "function": f.function,
                "message": f.message,
            }
            for f in report.all_findings()
        ),
        key=lambda e: (e["file"] or "", e["rule"] or "", e["function"] or "", e["message"] or ""),
    )
    text = json.dumps({"version": VERSION, "findings": entries}, indent=2) + "\n"
    try:
        write_text_atomic(path, text)
    except OSError as error:
        raise ConfigError(f"cannot write baseline {path}: {error}") from error
    return len(entries)


def without_known(report: Report, known: Counter[str]) -> tuple[Report, int]:
    """``report`` without the findings the baseline knows, and how many were dropped."""
    budget = Counter(known)
    dropped = 0

    def new(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        nonlocal dropped
        kept = []
        for finding in findings:
            key = fingerprint(finding)
            if budget[key] > 0:
                budget[key] -= 1
                dropped += 1
            else:
                kept.append(finding)
        return tuple(kept)

    functions = tuple(replace(fr, findings=new(fr.findings)) for fr in report.functions)
    return replace(report, functions=functions, findings=new(report.findings)), dropped


def _valid(entry: object) -> bool:
    if not isinstance(entry, dict) or any(key not in entry for key in _KEYS):
        return False
    digest = entry["fingerprint"]
    strings = all(isinstance(entry[key], str) for key in ("rule", "file", "message"))
    return (
        strings
        and isinstance(digest, str)
        and re.fullmatch(r"[0-9a-f]{64}", digest) is not None
        and (entry["function"] is None or isinstance(entry["function"], str))
    )
