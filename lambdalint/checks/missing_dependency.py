"""missing-dependency: a third-party import nothing in the deployed function provides."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, ImportRef, Severity
from lambdalint.resolve.mapping import ProvidedBy, Provider, candidates_for
from lambdalint.runtime.model import all_runtimes

# Modules the runtime's packages still have, but only as empty stubs: the import works.
STUBS = {
    "botocore.vendored.requests": (
        "the runtime's botocore keeps only an exceptions stub of its vendored requests "
        "(removed in 2019, boto/botocore#1829): the import works, but requests.get and "
        "friends raise AttributeError when the code calls them"
    )
}


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Flag imports that neither the package, a layer, nor the runtime provides."""
    for ref in facts.third_party_imports():
        if ref.optional or facts.runtime.removed_module(ref.module) is not None:
            continue  # optional imports are guarded; removed stdlib has its own rule
        why = _why_missing(facts, ref, facts.modules.provider(ref.module))
        if why is not None:
            yield _missing(rule, facts, ref, why)


def _why_missing(facts: FunctionFacts, ref: ImportRef, provider: Provider | None) -> str | None:
    """Why ``ref`` fails at run time, or None when something really provides it."""
    kind = provider.kind if provider else None
    if kind is ProvidedBy.RUNTIME:
        return STUBS.get(ref.module)  # a stub's submodules (``.exceptions``) are real
    if provider is None:  # a dependency of a requirement is transitive-import's
        return None if facts.modules.transitive(ref.module) else _why_absent(facts, ref)
    if kind is not ProvidedBy.REQUIREMENT:
        return None
    if facts.function.installs_requirements is False and not facts.built_elsewhere:
        packaging = facts.function.packaging
        return (
            f"{provider.distribution} is declared, but {packaging} never installs the requirements"
        )
    if not any(r.name == provider.distribution for r in facts.installed_requirements):
        target = f"{facts.runtime.name} {facts.target.architecture}"
        return (
            f"the marker on {provider.distribution} is false for {target}, so it is not installed"
        )
    return None


def _missing(rule: Rule, facts: FunctionFacts, ref: ImportRef, why: str) -> Finding:
    stub = ref.module in STUBS
    effect = (
        ""
        if stub
        else "; the function fails at cold start with Runtime.ImportModuleError"
        if ref.top_level
        else "; this code path raises ModuleNotFoundError when it runs"
    )
    real = ref.module.rpartition(".")[2] if stub else " or ".join(candidates_for(ref.module))
    hedge, severity = "", None
    if facts.unknown_layers:  # a layer lambdalint cannot see into may still provide it
        hedge = f" (unless layer {', '.join(facts.unknown_layers)} provides it)"
        severity = Severity.WARNING
    return rule.finding(
        facts,
        ref.location,
        f"'{ref.module}' is not provided in {facts.runtime.name}: {why}{effect}{hedge}",
        f"Add {real} to the function's requirements and make sure the packaging installs them"
        + (f", and import {real} itself." if stub else "."),
        severity,
    )


def _why_absent(facts: FunctionFacts, ref: ImportRef) -> str:
    newer = [
        rt.name
        for rt in all_runtimes()
        if rt.python_version > facts.runtime.python_version and rt.is_stdlib(ref.root)
    ]
    if newer:
        return f"it is in the standard library only from {newer[0]}"
    if ref.root == "requests":
        return "the runtime does not include requests (only boto3 and its dependencies)"
    return "it is not declared, vendored, or preinstalled in the runtime"


RULE = Rule(
    slug="missing-dependency",
    code="LL001",
    severity=Severity.ERROR,
    summary="Third-party import that nothing in the deployed function provides.",
    check=check,
)
