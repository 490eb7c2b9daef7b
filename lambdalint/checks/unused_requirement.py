"""unused-requirement: a declared distribution none of whose modules is imported."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Severity
from lambdalint.resolve.extras import loaded_by_name, needed_by_others
from lambdalint.runtime.model import restored_by


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Flag direct requirements that no import of the function uses."""
    layer_code = (ref for layer in facts.modules.layer_contents for ref in layer.imports)
    imported = {ref.module for ref in (*facts.shipped_imports, *layer_code)}  # layer code too
    roots = {m.split(".", 1)[0] for m in imported}
    loaded = loaded_by_name(imported, facts.resolution)
    used = {
        r.normalized
        for r in facts.requirements
        if r.normalized in loaded
        or any(_used(m, imported, roots) for m in facts.modules.modules_of(r))
    }
    needed = needed_by_others(facts.resolution, facts.requirements, used, imported) | loaded
    for requirement in facts.requirements:
        if not requirement.direct or requirement.constraint:
            continue  # pinned for another requirement (pip-tools "# via") or only a constraint
        if requirement.normalized in needed:
            continue  # a pin another requirement needs, or a driver a library loads by name
        if not facts.target.applies(requirement.marker):
            continue  # not installed on this target at all
        modules = facts.modules.modules_of(requirement)
        stdlib_only = modules and all(facts.runtime.is_stdlib(m) for m in modules)
        if stdlib_only and not restored_by(requirement.name):  # legacy-cgi is for 3.13+
            yield rule.finding(
                facts,
                requirement.location,
                f"{requirement.name} only re-provides the standard-library module "
                f"{', '.join(repr(m) for m in modules[:3])}, which {facts.runtime.name} has; "
                "installed into the package, its old copy is imported ahead of the standard "
                "library",
                f"Remove {requirement.name} from the requirements; the standard library has it.",
            )
            continue
        if any(_used(m, imported, roots) for m in modules):
            continue
        shown = ", ".join(f"'{m}'" for m in modules[:3])
        yield rule.finding(
            facts,
            requirement.location,
            f"{requirement.name} is declared but none of its modules ({shown}) is imported "
            f"by {facts.function.name}; it adds size and cold-start time for nothing",
            f"Remove {requirement.name} from the requirements, or ignore this finding if it is "
            "loaded by name (a plugin, a database driver).",
        )


def _used(module: str, imported: set[str], roots: set[str]) -> bool:
    if "." not in module:
        return module in roots
    return any(
        i == module or i.startswith(module + ".") or module.startswith(i + ".") for i in imported
    )


RULE = Rule(
    slug="unused-requirement",
    code="LL003",
    severity=Severity.WARNING,
    summary="Declared distribution none of whose modules is imported.",
    check=check,
)
