"""Which rules ``--select``/``--ignore`` leave on; entries are slugs or code prefixes (``LL4``).

Source rules, and the artifact rules that ``check`` runs on the layer zips of the checkout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lambdalint.checks import RULES, Rule
from lambdalint.config import Config, ConfigError

if TYPE_CHECKING:
    from lambdalint.checks.base import RuleInfo
    from lambdalint.inspect.rule import ArtifactRule


def selected_rules(config: Config) -> tuple[Rule, ...]:
    """The source rules left on; an entry that names no rule at all is a usage error."""
    for entry in (*config.select, *config.ignore):
        if not any(_matches(rule, entry) for rule in (*RULES, *_artifact_rules())):
            raise ConfigError(f"unknown rule '{entry}' in select/ignore (see `lambdalint rules`)")
    return tuple(rule for rule in RULES if _chosen(rule, config))


def selected_artifact_rules(config: Config) -> tuple[ArtifactRule, ...]:
    """The artifact rules left on (entries were checked by ``selected_rules``)."""
    return tuple(rule for rule in _artifact_rules() if _chosen(rule, config))


def _artifact_rules() -> tuple[ArtifactRule, ...]:
    from lambdalint.inspect import ARTIFACT_RULES  # noqa: PLC0415 - only layer zips need them

    return ARTIFACT_RULES


def _chosen(rule: RuleInfo, config: Config) -> bool:
    picked = not config.select or any(_matches(rule, e) for e in config.select)
    return picked and not any(_matches(rule, e) for e in config.ignore)


def _matches(rule: RuleInfo, entry: str) -> bool:
    return entry == rule.slug or (
        entry.upper().startswith("LL") and rule.code.startswith(entry.upper())
    )
