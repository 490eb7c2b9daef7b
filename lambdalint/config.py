"""Settings for one run: ``[tool.lambdalint]`` (or ``lambdalint.toml``) overlaid by CLI flags.

Keys in the file are the CLI option names (``fail-on`` or ``fail_on``); unknown keys are an
error so that a typo never silently disables a check.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

FORMATS = ("text", "json", "sarif", "github", "markdown", "junit", "html")
FAIL_ON = ("error", "warning", "info", "never")
ARCHITECTURES = ("x86_64", "arm64")
_LIST_KEYS = frozenset({"select", "ignore", "exclude"})
_STR_KEYS = frozenset({"runtime", "arch", "format", "output", "fail_on", "runtime_data"})
_BOOL_KEYS = frozenset({"offline"})
_FUNCTION_KEYS = {
    "path": str,
    "name": str,
    "runtime": str,
    "arch": str,
    "handler": str,
    "packaging": str,
    "requirements": str,
    "installs_requirements": bool,
    "layers": list,
}


class ConfigError(ValueError):
    """A setting the user gave is invalid; shown as an exit-2 message."""


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """A function declared in ``[[tool.lambdalint.functions]]``; paths are absolute."""

    path: Path
    name: str | None = None
    runtime: str | None = None
    arch: str | None = None
    handler: str | None = None
    packaging: str | None = None
    requirements: Path | None = None
    installs_requirements: bool | None = None
    layers: tuple[str, ...] = ()
    origin: Path | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """Everything a run needs to know that is not in the scanned files."""

    runtime: str | None = None
    arch: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    format: str = "text"
    output: str | None = None
    fail_on: str = "error"
    offline: bool = False
    refresh: bool = False
    runtime_data: str | None = None
    functions: tuple[FunctionSpec, ...] = ()
    source: str | None = field(default=None, compare=False)

    def merged(self, **overrides: Any) -> Config:  # noqa: ANN401 - values are checked below
        """A copy with every non-empty override applied, validated.

        Boolean flags only switch on (``--offline``); ``LAMBDALINT_OFFLINE=1`` does the same.
        """
        given = {k: v for k, v in overrides.items() if v not in (None, (), [], False)}
        if os.environ.get("LAMBDALINT_OFFLINE", "") not in ("", "0"):
            given["offline"] = True
        return _validated(replace(self, **given))


def find_config_file(start: Path) -> Path | None:
    """The nearest ``lambdalint.toml`` or ``pyproject.toml`` with a lambdalint table above start."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        dedicated = folder / "lambdalint.toml"
        if dedicated.is_file():
            return dedicated
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.lambdalint" in _read_text(pyproject):
            return pyproject
    return None


def load_config(start: Path) -> Config:
    """Config from the nearest file above ``start``, or the defaults when there is none."""
    path = find_config_file(start)
    if path is None:
        return Config()
    try:
        data = tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error
    table = data if path.name == "lambdalint.toml" else data.get("tool", {}).get("lambdalint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.lambdalint] must be a table")
    settings = _settings(table, path)
    if "runtime_data" in settings:  # a folder named in a config file is relative to that file
        settings["runtime_data"] = str((path.parent / settings["runtime_data"]).resolve())
    return _validated(Config(source=str(path), **settings))


def _settings(table: dict[str, Any], path: Path) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key == "functions":
            settings[key] = _functions(value, path)
        elif key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: '{raw_key}' must be a list of strings")
            settings[key] = tuple(value)
        elif key in _STR_KEYS:
            if not isinstance(value, str):
                raise ConfigError(f"{path}: '{raw_key}' must be a string")
            settings[key] = value
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: '{raw_key}' must be true or false")
            settings[key] = value
        else:
            known = ", ".join(
                sorted(
                    k.replace("_", "-") for k in _LIST_KEYS | _STR_KEYS | _BOOL_KEYS | {"functions"}
                )
            )
            raise ConfigError(
                f"{path}: unknown key '{raw_key}' in lambdalint settings (known: {known})"
            )
    return settings


def _functions(value: Any, path: Path) -> tuple[FunctionSpec, ...]:  # noqa: ANN401 - TOML data
    """Explicit function declarations; relative paths are relative to the config file."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{path}: 'functions' must be an array of tables ([[...functions]])")
    lines = _read_text(path).splitlines()
    headers = [n for n, line in enumerate(lines, 1) if line.strip().endswith("functions]]")]
    specs = []
    for index, table in enumerate(value):
        fields: dict[str, Any] = {}
        for raw_key, item in table.items():
            key = raw_key.replace("-", "_")
            kind = _FUNCTION_KEYS.get(key)
            if kind is None:
                raise ConfigError(f"{path}: unknown key '{raw_key}' in a functions entry")
            strings = kind is not list or all(isinstance(i, str) for i in item)
            if not isinstance(item, kind) or not strings:
                raise ConfigError(f"{path}: functions '{raw_key}' has the wrong type")
            fields[key] = item
        if "path" not in fields:
            raise ConfigError(f"{path}: every functions entry needs a 'path'")
        if fields.get("arch", "x86_64") not in ARCHITECTURES:
            raise ConfigError(f"{path}: functions arch must be one of {', '.join(ARCHITECTURES)}")
        fields["path"] = (path.parent / fields["path"]).resolve()
        if "requirements" in fields:
            fields["requirements"] = (path.parent / fields["requirements"]).resolve()
        fields["layers"] = tuple(fields.get("layers", ()))
        line = headers[index] if index < len(headers) else None
        specs.append(FunctionSpec(origin=path, line=line, **fields))
    return tuple(specs)


def _validated(config: Config) -> Config:
    if config.format not in FORMATS:
        raise ConfigError(f"unknown format '{config.format}' (choose from {', '.join(FORMATS)})")
    if config.fail_on not in FAIL_ON:
        raise ConfigError(f"unknown fail-on '{config.fail_on}' (choose from {', '.join(FAIL_ON)})")
    if config.arch is not None and config.arch not in ARCHITECTURES:
        raise ConfigError(
            f"unknown architecture '{config.arch}' (choose from {', '.join(ARCHITECTURES)})"
        )
    return config


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from error
