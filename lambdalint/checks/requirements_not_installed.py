"""requirements-not-installed: requirements exist, but the packaging path never installs them."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.checks.layer_files import layer_files
from lambdalint.checks.shipped_copies import observed
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
    lacking: list[Requirement] = []
    elsewhere: list[Requirement] = []
    for requirement in declared:
        providers = (facts.modules.provider(m) for m in facts.modules.modules_of(requirement))
        kinds = {provider.kind for provider in providers if provider}
        if kinds & {ProvidedBy.RUNTIME, ProvidedBy.LAYER, ProvidedBy.VENDORED}:
            elsewhere.append(requirement)
        else:
            lacking.append(requirement)
    imported = _imported(facts)
    unused = [r.name for r in lacking if r.normalized not in imported]
    if len(unused) == len(lacking):  # nothing breaks today: what the code imports is provided
        lacking = []
        elsewhere = [r for r in elsewhere if r.normalized in imported]
    names = ", ".join(r.name for r in lacking)
    absent = f"{names} will not be in the package; imports of them fail at run time"
    if lacking and function.installs_only:  # a build that installs, but not this declaration
        message = f"{function.packaging} installs only {function.installs_only}, so {files} is "
        fix = f"Give the build what it reads ({function.installs_only}), e.g. `pipenv "
        fix += "requirements > requirements.txt` or `poetry export -f requirements.txt -o "
        fix += "requirements.txt`."
        yield rule.finding(facts, where, f"{message}never installed: {absent}", fix)
        return
    if lacking:
        message = f"{function.packaging} zips {facts.path} without installing {files}, so {absent}"
        fix = "Install the requirements into the package before zipping (or use a build that "
        fix += "does: SAM, the terraform-aws-modules/lambda module, a layer, a container image)."
        yield rule.finding(facts, where, message, fix)
        return
    sources = [_provided_by(facts, requirement) for requirement in elsewhere]
    if unused:
        sources.append(f"nothing imports {', '.join(unused)} yet")
    yield rule.finding(
        facts,
        where,
        f"{files} is documentation only: {function.packaging} never installs it "
        f"({'; '.join(sources)})",
        "Nothing breaks today; if you rely on a minimum version, vendor it (for the SDK: boto3, "
        "botocore and s3transfer together) or drop the file to avoid confusion.",
        Severity.INFO,
    )


def _imported(facts: FunctionFacts) -> set[str]:
    """Declared requirements the loaded code imports (the whole package if the handler is gone)."""
    refs = facts.shipped_imports if facts.handler_missing else facts.code.imports
    found = (facts.modules.requirement_for(ref.module) for ref in refs)
    return {requirement.normalized for requirement in found if requirement is not None}


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
