"""requirements-not-installed: requirements exist, but the packaging path never installs them."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.checks.layer_files import layer_files
from lambdalint.checks.runtime_provided import observed
from lambdalint.model import Finding, Requirement, Severity
from lambdalint.resolve.mapping import ProvidedBy


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """One finding per function whose IaC zips the folder without running pip."""
    yield from layer_files(rule, facts)
    function = facts.function
    declared = [r for r in facts.installed_requirements if r.direct]
    if function.installs_requirements is not False or not declared or facts.built_elsewhere:
        return  # the file most likely lists what the repository's layer, built elsewhere, holds
    built = {
        r.location.file
        for contents in facts.modules.layer_contents
        if contents.layer.builds_requirements
        for r in contents.requirements
    }
    if all(r.location.file in built for r in declared):
        return  # the file is what an attached layer's build installs
    where = function.packaging_source or facts.anchor
    files = ", ".join(dict.fromkeys(r.location.file for r in declared))
    lacking: list[str] = []
    elsewhere: list[Requirement] = []
    for requirement in declared:
        kinds = {_kind(facts, m) for m in facts.modules.modules_of(requirement)}
        if kinds & {ProvidedBy.RUNTIME, ProvidedBy.LAYER, ProvidedBy.VENDORED}:
            elsewhere.append(requirement)
        else:
            lacking.append(requirement.name)
    absent = f"{', '.join(lacking)} will not be in the package; imports of them fail at run time"
    if lacking and function.installs_only:  # a build that installs, but not this declaration
        yield rule.finding(
            facts,
            where,
            f"{function.packaging} installs only {function.installs_only}, so {files} is never "
            f"installed: {absent}",
            f"Give the build what it reads ({function.installs_only}), e.g. `pipenv requirements"
            " > requirements.txt` or `poetry export -f requirements.txt -o requirements.txt`.",
        )
        return
    if lacking:
        yield rule.finding(
            facts,
            where,
            f"{function.packaging} zips {facts.path} without installing {files}, so {absent}",
            "Install the requirements into the package before zipping (or use a build that "
            "does: SAM, the terraform-aws-modules/lambda module, a layer, a container image).",
        )
        return
    sources = "; ".join(_provided_by(facts, requirement) for requirement in elsewhere)
    yield rule.finding(
        facts,
        where,
        f"{files} is documentation only: {function.packaging} never installs it ({sources})",
        "Nothing breaks today; if you rely on a minimum version, vendor it (for the SDK: boto3, "
        "botocore and s3transfer together) or drop the file to avoid confusion.",
        Severity.INFO,
    )


def _kind(facts: FunctionFacts, module: str) -> ProvidedBy | None:
    provider = facts.modules.provider(module)
    return provider.kind if provider else None


def _provided_by(facts: FunctionFacts, requirement: Requirement) -> str:
    shipped = facts.shipped(requirement.normalized)
    if shipped is not None:
        runtime = facts.runtime.name
        return f"{shipped.name} comes from the {runtime} runtime, {observed(facts, shipped)}"
    return f"{requirement.name} comes from a layer or a vendored copy"


RULE = Rule(
    slug="requirements-not-installed",
    code="LL002",
    severity=Severity.ERROR,
    summary="Requirements exist but the packaging path never installs them.",
    check=check,
)
