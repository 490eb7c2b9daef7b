"""Settings for one run: ``[tool.lambdalint]`` (or ``lambdalint.toml``) overlaid by CLI flags.

Keys in the file are the CLI option names (``fail-on`` or ``fail_on``); unknown keys are an
error so that a typo never silently disables a check.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

FORMATS = ("text", "json")
FAIL_ON = ("error", "warning", "info", "never")
ARCHITECTURES = ("x86_64", "arm64")
_LIST_KEYS = frozenset({"select", "ignore", "exclude"})
_STR_KEYS = frozenset({"runtime", "arch", "format", "output", "fail_on"})
_BOOL_KEYS = frozenset({"offline"})


class ConfigError(ValueError):
    """A setting the user gave is invalid; shown as an exit-2 message."""


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
    source: str | None = field(default=None, compare=False)

    def merged(self, **overrides: Any) -> Config:  # noqa: ANN401 - values are checked below
        """A copy with every non-empty override applied, validated."""
        given = {k: v for k, v in overrides.items() if v not in (None, (), [])}
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
    return _validated(Config(source=str(path), **_settings(table, path)))


def _settings(table: dict[str, Any], path: Path) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key in _LIST_KEYS:
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
                sorted(k.replace("_", "-") for k in _LIST_KEYS | _STR_KEYS | _BOOL_KEYS)
            )
            raise ConfigError(
                f"{path}: unknown key '{raw_key}' in lambdalint settings (known: {known})"
            )
    return settings


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
