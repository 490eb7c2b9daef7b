"""Dockerfile syntax: instructions, their words and variables (shell words: ``shell.py``).

Only reading, no meaning: parser directives (``# escape=``), line continuations, comments and
heredocs are handled here; ``docker.py`` replays the instructions stage by stage.
"""

from __future__ import annotations

import json
import re
import shlex

from lambdalint.discover.shell import split

_DIRECTIVE = re.compile(r"#\s*(\w+)\s*=\s*(\S+)\s*")
_HEREDOC = re.compile(r"<<-?([\"']?)(\w+)\1")


def instructions(text: str) -> list[tuple[int, str, str]]:
    """(line, KEYWORD, arguments) with continuations joined, comments and heredocs dropped."""
    lines = text.splitlines()
    escape = "\\"
    for raw in lines:
        if (directive := _DIRECTIVE.fullmatch(raw.strip())) is None:
            break
        if directive[1].lower() == "escape" and directive[2] in {"\\", "`"}:
            escape = directive[2]
    found: list[tuple[int, str, str]] = []
    parts: list[str] = []
    start, heredoc = 0, ""
    for number, raw in enumerate([*lines, ""], 1):
        stripped = raw.strip()
        if heredoc:
            heredoc = "" if stripped == heredoc else heredoc
        elif stripped.startswith("#") or (not stripped and (not parts or number <= len(lines))):
            continue
        elif stripped.endswith(escape) and number <= len(lines):
            start = start if parts else number
            parts.append(stripped[:-1])
        else:
            start = start if parts else number
            keyword, _, args = " ".join([*parts, stripped]).strip().partition(" ")
            parts = []
            found.append((start, keyword.upper(), args.strip()))
            heredoc = match[2] if (match := _HEREDOC.search(args)) else ""
    return found


def split_args(args: str, *, shell: bool = False) -> list[str]:
    """JSON-array (exec) form, else shell form split with shell punctuation kept apart."""
    if args.startswith("["):
        try:
            parsed = json.loads(args)
        except ValueError:
            parsed = None
        if isinstance(parsed, list) and all(isinstance(p, str) for p in parsed):
            return [str(p) for p in parsed]
    return split(args, punctuation=shell)


def assign(args: str, defaults: dict[str, str], *, legacy: bool) -> dict[str, str]:
    """``K=V K2="v 2"`` (or legacy ``ENV K V``); a bare ``ARG K`` takes the global default."""
    words = shlex.split(args)
    if legacy and len(words) > 1 and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    pairs = [w.partition("=") for w in words]
    return {k: v if sep else defaults[k] for k, sep, v in pairs if sep or k in defaults}
