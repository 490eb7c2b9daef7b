"""Shell commands that write, move and upload files, read as words: ``zip``, ``mv``, ``cp``.

Also ``aws s3 cp``, ``git clone`` and requirement exports (``poetry export -o``...).

``shell.py`` follows them so a zip keeps its contents wherever the script puts it: moved into
another folder, or uploaded as the S3 object an IaC ``S3Key`` names; and so a clone of the
repository itself (a CodeBuild step that clones its own source) reads as the repository.
"""

from __future__ import annotations

import posixpath
import re
from itertools import dropwhile

ASSIGN = re.compile(r"[A-Za-z_]\w*=")
"""A leading ``NAME=value`` word."""

LISTING = re.compile(r"\$\(\s*ls(?:\s+-[\w-]+)*\s*(?:\|[^()]*)?\)")
"""``$(ls -A | tr '\\n' ' ')``: the entries of the current folder; ``zip -r`` reads it as ``.``."""

_OUTPUT = frozenset({"-o", "--output", "--output-file"})
_PROJECT = frozenset({"--project", "--directory", "-C", "-p"})
EXPORTERS = frozenset(
    {"poetry export", "uv export", "pdm export", "pip freeze", "pip compile", "pip-compile"}
)
"""Commands that write a requirements file from declared dependencies (``uv pip compile``…)."""
_PIP = re.compile(r"pip[\d.]*")
_ZIP_VALUED = frozenset({"-b", "-n", "-t", "-tt", "-P", "-Z", "-s", "-O", "--temp-path"})
_ZIP_PATTERNS = frozenset({"-x", "-i", "--exclude", "--include"})  # patterns to the end
_COPY_VALUED = frozenset({"-S", "--suffix", "--backup"})
_S3_VALUED = frozenset(
    {"--region", "--profile", "--endpoint-url", "--acl", "--sse", "--sse-kms-key-id"}
    | {"--storage-class", "--content-type", "--cache-control", "--metadata", "--exclude"}
    | {"--include", "--expires", "--grants", "--content-encoding", "--content-disposition"}
    | {"--source-region", "--expected-size", "--output", "--ca-bundle", "--color"}
)
_GIT_VALUED = frozenset(
    {"-b", "--branch", "--depth", "-o", "--origin", "-c", "--config", "--reference", "-j"}
    | {"--jobs", "--filter", "--template", "--separate-git-dir", "-u", "--upload-pack"}
    | {"--shallow-since", "--shallow-exclude"}
)


def export(command: list[str]) -> tuple[str, str, str | None] | None:
    """(the exporter, the file it writes, its input) when ``command`` writes requirements.

    The input is the ``--project`` folder of ``poetry``/``uv``/``pdm export`` and ``pip
    freeze``, or the ``.in``/``pyproject.toml`` file ``pip-compile`` reads; None when unsaid.
    """
    words = _program(command)
    pip = program_words(command, "pip")
    program = "pip" if pip is not None else posixpath.basename(words[0]) if words else ""
    args = pip if pip is not None else words[1:]
    verbs = [w for w in args if not w.startswith("-") and w != ">"]
    tool = program if program == "pip-compile" else f"{program} {verbs[0] if verbs else ''}"
    if tool not in EXPORTERS:
        return None
    output = source = None
    rest = iter(args)
    for word in rest:
        option, eq, value = word.partition("=")
        value = value if eq else (next(rest, "") if option in _OUTPUT | _PROJECT | {">"} else "")
        if option in _OUTPUT or option == ">":
            output = value
        elif option in _PROJECT:
            source = value
        elif "compile" in tool and word.endswith((".in", ".toml")):
            source = word
    return (tool, output, source) if output else None


def zip_archive(command: list[str]) -> tuple[str, list[str]] | None:
    """(the archive, the paths it adds) when ``command`` is ``zip``; ``.zip`` is implied."""
    words = _program(command)
    if not words or posixpath.basename(words[0]) != "zip":
        return None
    rest, items = iter(words[1:]), list[str]()
    for word in rest:
        if word in _ZIP_PATTERNS:
            break
        if word in _ZIP_VALUED:
            next(rest, "")
        elif not word.startswith("-"):
            items.append(word)
    if not items:
        return None
    return items[0] if posixpath.splitext(items[0])[1] else f"{items[0]}.zip", items[1:]


def copy(command: list[str]) -> tuple[list[str], str] | None:
    """(the sources, the destination) of ``mv``/``cp`` and ``aws s3 cp``/``mv``.

    An upload's destination is its ``s3://bucket/key`` URL; a download is not a copy of a
    file the script made, so it gives None.
    """
    words = _program(command)
    program = posixpath.basename(words[0]) if words else ""
    if program in {"mv", "cp"}:
        paths = _positional(words[1:], _COPY_VALUED)
    elif program == "aws":
        args = _positional(words[1:], _S3_VALUED)
        if args[:1] != ["s3"] or args[1:2] not in (["cp"], ["mv"]):
            return None
        paths = args[2:]
        if any(path.startswith("s3://") for path in paths[:-1]):
            return None
    else:
        return None
    return (paths[:-1], paths[-1]) if len(paths) > 1 else None


def uploaded_name(destination: str, source: str) -> str | None:
    """The file name an upload to ``destination`` gets (a ``s3://b/prefix/`` keeps ``source``'s)."""
    if not destination.startswith("s3://"):
        return None
    key = destination.removeprefix("s3://").partition("/")[2]
    name = posixpath.basename(key) or posixpath.basename(source)
    return name if name and "$" not in name else None


def is_folder(destination: str) -> bool:
    """Whether a ``mv``/``cp`` destination names a folder: ``.``, ``dist/``, no file suffix."""
    return destination.endswith("/") or not posixpath.splitext(destination)[1]


def clone(command: list[str]) -> tuple[str, str] | None:
    """(the URL, the folder it is cloned into) when ``command`` is ``git clone``."""
    words = _program(command)
    if not words or posixpath.basename(words[0]) != "git":
        return None
    args = _positional(words[1:], _GIT_VALUED)
    if args[:1] != ["clone"] or len(args) < 2:  # noqa: PLR2004 - clone and a URL
        return None
    url, named = args[1], args[2:3]
    return url, named[0] if named else posixpath.basename(url.rstrip("/")).removesuffix(".git")


def program_words(command: list[str], name: str) -> list[str] | None:
    """The words after ``pip`` (``python -m pip``, ``uv pip``, ``pip3.12``), else None."""
    words = _program(command)
    program = posixpath.basename(words[0]) if words else ""
    if program.startswith("python") and words[1:3] == ["-m", name]:
        return words[3:]
    if program == "uv" and words[1:2] == [name]:
        return words[2:]
    return words[1:] if name == "pip" and _PIP.fullmatch(program) else None


def _program(command: list[str]) -> list[str]:
    return list(dropwhile(ASSIGN.match, command))  # drop leading VAR=value


def _positional(words: list[str], valued: frozenset[str]) -> list[str]:
    """The words that are not options, nor the value of an option in ``valued``."""
    found: list[str] = []
    rest = iter(words)
    for word in rest:
        if word in valued:
            next(rest, "")
        elif not word.startswith("-"):
            found.append(word)
    return found
