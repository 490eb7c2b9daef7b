"""missing-dependency: a third-party import nothing in the deployed function provides."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, ImportRef, Severity
from lambdalint.resolve.mapping import ProvidedBy, candidates_for
from lambdalint.runtime.model import all_runtimes

# Modules the runtime's packages still have, but only as empty stubs.
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
        provider = facts.modules.provider(ref.module)
        stub = STUBS.get(ref.module)  # its submodules (``.exceptions``) are real
        if stub and provider is not None and provider.kind is ProvidedBy.RUNTIME:
            yield _missing(rule, facts, ref, stub, ref.module.rpartition(".")[2])
        elif provider is None and facts.modules.transitive(ref.module) is not None:
            continue  # installed as a dependency of a requirement: transitive-import says so
        elif provider is None:
            yield _missing(rule, facts, ref, _why_absent(facts, ref))
        elif (
            provider.kind is ProvidedBy.REQUIREMENT
            and facts.function.installs_requirements is False
            and not facts.built_elsewhere  # declared for the layer built outside the repo
        ):
            yield _missing(
                rule,
                facts,
                ref,
                f"{provider.distribution} is declared, but {facts.function.packaging} never "
                "installs the requirements",
            )
        elif provider.kind is ProvidedBy.REQUIREMENT and not _applies(facts, provider.distribution):
            yield _missing(
                rule,
                facts,
                ref,
                f"the marker on {provider.distribution} is false for {facts.runtime.name} "
                f"{facts.target.architecture}, so it is not installed",
            )


def _missing(
    rule: Rule, facts: FunctionFacts, ref: ImportRef, why: str, real: str | None = None
) -> Finding:
    """The finding; ``real`` names the distribution to use instead of a stub."""
    effect = (
        ""
        if real
        else "; the function fails at cold start with Runtime.ImportModuleError"
        if ref.top_level
        else "; this code path raises ModuleNotFoundError when it runs"
    )
    dists = real or " or ".join(candidates_for(ref.module))
    hedge, severity = "", None
    if facts.unknown_layers:  # a layer lambdalint cannot see into may still provide it
        hedge = f" (unless layer {', '.join(facts.unknown_layers)} provides it)"
        severity = Severity.WARNING
    return rule.finding(
        facts,
        ref.location,
        f"'{ref.module}' is not provided in {facts.runtime.name}: {why}{effect}{hedge}",
        f"Add {dists} to the function's requirements and make sure the packaging installs them"
        + (f", and import {real} itself." if real else "."),
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


def _applies(facts: FunctionFacts, distribution: str) -> bool:
    return any(r.name == distribution for r in facts.installed_requirements)


RULE = Rule(
    slug="missing-dependency",
    code="LL001",
    severity=Severity.ERROR,
    summary="Third-party import that nothing in the deployed function provides.",
    check=check,
)
