"""Dockerfile syntax: instructions, their words, variables, and the pip installs they run.

Only reading, no meaning: parser directives (``# escape=``), line continuations, comments and
heredocs are handled here; ``docker.py`` replays the instructions stage by stage.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Iterator

_VAR = re.compile(r"\$(?:\{(\w+)(?::?([-+])([^}]*))?\}|(\w+))")
_DIRECTIVE = re.compile(r"#\s*(\w+)\s*=\s*(\S+)\s*")
_HEREDOC = re.compile(r"<<-?([\"']?)(\w+)\1")
_PIP = re.compile(r"pip[\d.]*")
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")"})
_TARGETS = frozenset({"-t", "--target", "--prefix", "--root"})
_VALUED = _TARGETS | {"-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "-e"}
_VALUED |= {"--extra-index-url", "-f", "--find-links", "--platform", "--python-version", "-C"}
_VALUED |= {"--implementation", "--abi", "--only-binary", "--no-binary", "--cache-dir"}


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
    lexer = shlex.shlex(args, posix=True, punctuation_chars=shell)
    lexer.whitespace_split = True
    lexer.commenters = "#" if shell else ""
    return list(lexer)


def assign(args: str, defaults: dict[str, str], *, legacy: bool) -> dict[str, str]:
    """``K=V K2="v 2"`` (or legacy ``ENV K V``); a bare ``ARG K`` takes the global default."""
    words = shlex.split(args)
    if legacy and len(words) > 1 and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    pairs = [w.partition("=") for w in words]
    return {k: v if sep else defaults[k] for k, sep, v in pairs if sep or k in defaults}


def substitute(text: str, env: dict[str, str]) -> str:
    """``$X``, ``${X}``, ``${X:-word}``, ``${X:+word}``; unknown variables stay as written."""

    def one(match: re.Match[str]) -> str:
        value, op, word = env.get(match[1] or match[4]), match[2], match[3]
        if op:
            return (value or word) if op == "-" else (word if value else "")
        return match[0] if value is None else value

    return _VAR.sub(one, text)


def pip_installs(words: list[str]) -> Iterator[tuple[str | None, list[str]]]:
    """(``--target`` or None, the ``-r`` files) of each pip install in a shell command line."""
    command: list[str] = []
    for word in [*words, ";"]:
        if word not in _SEPARATORS:
            command.append(word)
            continue
        install, command = _pip_install(command), []
        if install is not None:
            yield install


def _pip_install(command: list[str]) -> tuple[str | None, list[str]] | None:
    """(``--target`` or None, the ``-r`` files) when ``command`` is a pip install."""
    words = [w for w in command if "=" not in w or w.startswith("-")]  # drop VAR=value
    name = posixpath.basename(words[0]) if words else ""
    if name.startswith("python") and words[1:3] == ["-m", "pip"]:
        words = words[3:]
    elif name == "uv" and words[1:2] == ["pip"]:
        words = words[2:]
    elif _PIP.fullmatch(name):
        words = words[1:]
    else:
        return None
    verbs = [w for w in words if not w.startswith("-")]
    if verbs[:1] != ["install"]:
        return None
    target: str | None = None
    requirements: list[str] = []
    rest = iter(words[words.index("install") + 1 :])
    for word in rest:
        option, eq, value = word.partition("=")
        if word[:2] in {"-r", "-t"} and len(word) > 2:  # noqa: PLR2004 - ``-rfile``
            option, value = word[:2], word[2:]
        elif option in _VALUED:
            value = value if eq else next(rest, "")
        if option in {"-r", "--requirement"}:
            requirements.append(value)
        elif option in _TARGETS:
            target = value
    return target, requirements
