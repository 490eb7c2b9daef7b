"""Pipeline stage: rules. Every rule is listed once, here, in a fixed order."""

from lambdalint.checks import (
    deprecated_runtime,
    handler_not_found,
    layer_limit,
    misplaced_layer_layout,
    missing_dependency,
    no_compatible_wheel,
    parse_error,
    partial_sdk_vendoring,
    removed_stdlib_module,
    requirements_not_installed,
    runtime_provided,
    runtime_version_mismatch,
    size_limit,
    syntax_incompatible,
    transitive_import,
    unused_requirement,
)
from lambdalint.checks.base import FunctionFacts, Rule

RULES: tuple[Rule, ...] = (
    missing_dependency.RULE,
    requirements_not_installed.RULE,
    unused_requirement.RULE,
    transitive_import.RULE,
    runtime_provided.RULE,
    runtime_version_mismatch.RULE,
    removed_stdlib_module.RULE,
    syntax_incompatible.RULE,
    deprecated_runtime.RULE,
    handler_not_found.RULE,
    layer_limit.RULE,
    no_compatible_wheel.RULE,
    size_limit.RULE,
    partial_sdk_vendoring.RULE,
    misplaced_layer_layout.RULE,
    parse_error.RULE,
)

__all__ = ["RULES", "FunctionFacts", "Rule", "rule_by_slug"]


def rule_by_slug(slug: str) -> Rule | None:
    """The registered rule with that slug, if any."""
    return next((r for r in RULES if r.slug == slug), None)
