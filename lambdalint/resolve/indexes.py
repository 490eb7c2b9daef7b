"""Where packages come from: the user's own index configuration, never a hard-coded host.

Sources, first match wins (each family is merged key by key, as its own tool does):

1. uv: ``UV_DEFAULT_INDEX``/``UV_INDEX_URL``, ``UV_EXTRA_INDEX_URL`` (space-separated),
   ``UV_FIND_LINKS`` (comma-separated), ``UV_NO_INDEX``; then the user's and the system's
   ``uv.toml`` (lambdalint runs uv with ``--no-config``, so it reads them itself).
2. pip: ``PIP_INDEX_URL``, ``PIP_EXTRA_INDEX_URL``, ``PIP_FIND_LINKS``, ``PIP_NO_INDEX``; then
   pip's configuration files in pip's own override order (``PIP_CONFIG_FILE``, the
   virtualenv's, the user's, the system's), ``[install]`` over ``[global]``.
3. Nothing configured: uv's own default index (no ``--index-url`` is passed).

pip looks for the best version across all its indexes, uv by default only on the first index
that has the project; a pip configuration is therefore resolved with uv's
``--index-strategy unsafe-best-match`` so the result is what the user's pip would install.
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_KEYS = ("index-url", "extra-index-url", "find-links", "no-index")
_TRUE = frozenset({"1", "true", "yes", "on"})
_NETWORK_WORDS = (
    "failed to fetch",
    "error sending request",
    "dns error",
    "timed out",
    "connection refused",
    "could not connect",
    "network",
    "tcp connect error",
)
UNREACHABLE = "a package source could not be reached"
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@")

# One family's settings as read so far: key -> (value, where it came from).
_Found = dict[str, tuple[Any, str]]


@dataclass(frozen=True)
class IndexConfig:
    """The package sources uv should use, and where that choice came from."""

    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    source: str = "uv default"
    index_strategy: str | None = None

    def uv_args(self) -> list[str]:
        """Command-line arguments for ``uv pip compile`` (relative local paths made absolute)."""
        args: list[str] = []
        if self.index_url:
            args += ["--index-url", self.index_url]
        for url in self.extra_index_urls:
            args += ["--extra-index-url", url]
        for location in self.find_links:
            args += ["--find-links", _absolute(location)]
        if self.no_index:
            args.append("--no-index")
        if self.index_strategy:
            args += ["--index-strategy", self.index_strategy]
        return args

    def with_file_options(self, options: Sequence[tuple[str, str]]) -> IndexConfig:
        """This configuration with a requirements file's own source lines applied, as pip does.

        In order: ``--no-index`` drops every index, ``--index-url`` replaces the indexes
        configured so far, ``--extra-index-url`` and ``--find-links`` add to them. pip looks for
        the best version across all of them, hence uv's ``unsafe-best-match``.
        """
        if not options:
            return self
        index, extras = self.index_url, list(self.extra_index_urls)
        links, no_index = list(self.find_links), self.no_index
        for key, value in options:
            if key == "no-index":
                no_index, index, extras = True, None, []
            elif key == "find-links":
                links.append(value)
            elif key == "index-url" and not no_index:
                index, extras = value, []
            elif key == "extra-index-url" and not no_index:
                extras.append(value)
        return IndexConfig(
            index_url=index,
            extra_index_urls=tuple(dict.fromkeys(extras)),
            find_links=tuple(dict.fromkeys(links)),
            no_index=no_index,
            source=f"{self.source} + requirements file",
            index_strategy=self.index_strategy or "unsafe-best-match",
        )

    def fingerprint(self) -> str:
        """A short stable digest for cache keys; credentials are removed before hashing."""
        canonical = json.dumps(
            [
                redact_url(self.index_url or "", mask=""),
                [redact_url(url, mask="") for url in self.extra_index_urls],
                [redact_url(_absolute(loc), mask="") for loc in self.find_links],
                self.no_index,
                self.index_strategy,
            ]
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def unreachable_note(message: str) -> str | None:
    """A hedged note when uv could not reach a source (not a verdict on the requirements).

    It names the source from uv's first error line, with any credentials masked.
    """
    if not any(word in message.lower() for word in _NETWORK_WORDS):
        return None
    first = redact_url(message.splitlines()[0].removeprefix("error:").strip())
    return (
        f"{UNREACHABLE} ({first}): what depends on it (wheels for the target, "
        "dependencies, sizes) is unknown or was resolved without it"
    )


def redact_url(text: str, *, mask: str = "***@") -> str:
    """Replace ``user:password@`` in every URL of ``text`` with ``mask``."""
    return _USERINFO.sub(lambda match: match["scheme"] + mask, text)


def index_config(
    environ: Mapping[str, str] | None = None,
    config_files: Sequence[Path] | None = None,
) -> IndexConfig:
    """Read the index configuration the user's uv or pip would use.

    ``config_files`` replaces the standard locations (highest priority first); names ending
    in ``.toml`` are read as ``uv.toml``, any other as a pip configuration file.
    """
    env = os.environ if environ is None else environ
    files = _standard_files(env) if config_files is None else list(config_files)
    uv_files = [path for path in files if path.suffix == ".toml"]
    pip_files = [path for path in files if path.suffix != ".toml"]
    uv_env = {
        "index-url": _first_env(env, "UV_DEFAULT_INDEX", "UV_INDEX_URL"),
        "extra-index-url": _env_list(env, "UV_EXTRA_INDEX_URL", None),
        "find-links": _env_list(env, "UV_FIND_LINKS", ","),
        "no-index": _env_flag(env, "UV_NO_INDEX"),
    }
    pip_env = {
        "index-url": _first_env(env, "PIP_INDEX_URL"),
        "extra-index-url": _env_list(env, "PIP_EXTRA_INDEX_URL", None),
        "find-links": _env_list(env, "PIP_FIND_LINKS", None),
        "no-index": _env_flag(env, "PIP_NO_INDEX"),
    }
    for family_env, family_files, reader, strategy in (
        (uv_env, uv_files, _read_uv_toml, None),
        (pip_env, pip_files, _read_pip_conf, "unsafe-best-match"),
    ):
        found = _merge(family_env, family_files, reader)
        if set(found) & set(_KEYS):
            return _config(found, strategy)
    return IndexConfig()


def _merge(
    from_env: Mapping[str, tuple[Any, str] | None],
    files: Sequence[Path],
    reader: Callable[[Path], _Found],
) -> _Found:
    """Key by key: environment first, then each file in priority order."""
    found: _Found = {key: value for key, value in from_env.items() if value is not None}
    for path in files:
        for key, value in reader(path).items():
            found.setdefault(key, value)
    return found


def _config(found: _Found, strategy: str | None) -> IndexConfig:
    sources = dict.fromkeys(where for key, (_, where) in found.items() if key in _KEYS)
    return IndexConfig(
        index_url=found["index-url"][0] if "index-url" in found else None,
        extra_index_urls=tuple(found.get("extra-index-url", ((), ""))[0]),
        find_links=tuple(found.get("find-links", ((), ""))[0]),
        no_index=bool(found.get("no-index", (False, ""))[0]),
        source=", ".join(sources),
        index_strategy=str(found["index-strategy"][0]) if "index-strategy" in found else strategy,
    )


def _first_env(env: Mapping[str, str], *names: str) -> tuple[str, str] | None:
    for name in names:
        if value := env.get(name, "").strip():
            return value, name
    return None


def _env_list(env: Mapping[str, str], name: str, sep: str | None) -> tuple[list[str], str] | None:
    items = [item.strip() for item in env.get(name, "").split(sep) if item.strip()]
    return (items, name) if items else None


def _env_flag(env: Mapping[str, str], name: str) -> tuple[bool, str] | None:
    value = env.get(name, "").strip().lower()
    return (value in _TRUE, name) if value else None


def _read_pip_conf(path: Path) -> _Found:
    """``[install]`` over ``[global]``; unreadable or broken files count as empty."""
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, configparser.Error):
        return {}
    where = f"pip.conf {path}"
    found: _Found = {}
    for section in ("install", "global"):
        if not parser.has_section(section):
            continue
        for key in _KEYS:
            raw = parser.get(section, key, fallback=None)
            if raw is None or key in found:
                continue
            if key == "no-index":
                found[key] = (raw.strip().lower() in _TRUE, where)
            elif key == "index-url":
                found[key] = (raw.strip(), where)
            else:
                found[key] = (raw.split(), where)
    return found


def _read_uv_toml(path: Path) -> _Found:
    """Top-level and ``[pip]`` index keys plus ``[[index]]`` tables of a ``uv.toml``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    where = f"uv.toml {path}"
    found: _Found = {}
    for table in (data.get("pip"), data):
        if not isinstance(table, dict):
            continue
        for key in (*_KEYS, "index-strategy"):
            value = table.get(key)
            if value is not None and key not in found:
                found[key] = (list(value) if isinstance(value, list) else value, where)
    indexes = [entry for entry in data.get("index", []) if isinstance(entry, dict)]
    extras = [str(entry["url"]) for entry in indexes if "url" in entry and not entry.get("default")]
    default = [str(entry["url"]) for entry in indexes if "url" in entry and entry.get("default")]
    if default:
        found.setdefault("index-url", (default[0], where))
    if extras:
        previous = found.get("extra-index-url", ([], where))[0]
        found["extra-index-url"] = (extras + list(previous), where)
    return found


def _standard_files(env: Mapping[str, str]) -> list[Path]:
    """uv.toml then pip configuration files, highest priority first."""
    home = Path(env.get("HOME") or Path.home())
    config_home = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    config_dirs = [Path(p) for p in env.get("XDG_CONFIG_DIRS", "/etc/xdg").split(":") if p]
    files: list[Path] = []
    if not env.get("UV_NO_CONFIG"):
        if env.get("UV_CONFIG_FILE"):
            files.append(Path(env["UV_CONFIG_FILE"]))
        files.append(config_home / "uv" / "uv.toml")
        files += [folder / "uv" / "uv.toml" for folder in config_dirs]
        files.append(Path("/etc/uv/uv.toml"))
    pip_config_file = env.get("PIP_CONFIG_FILE")
    if pip_config_file == os.devnull:  # pip's own switch for "read no configuration file"
        return files
    if pip_config_file:
        files.append(Path(pip_config_file))
    if env.get("VIRTUAL_ENV"):
        files.append(Path(env["VIRTUAL_ENV"]) / "pip.conf")
    files += [config_home / "pip" / "pip.conf", home / ".pip" / "pip.conf", Path("/etc/pip.conf")]
    files += [folder / "pip" / "pip.conf" for folder in config_dirs]
    return files


def _absolute(location: str) -> str:
    """Local find-links paths are made absolute: uv runs in a temporary directory."""
    if "://" in location or Path(location).is_absolute():
        return location
    return str(Path(location).resolve())
