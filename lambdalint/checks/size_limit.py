"""size-limit: the package (with its layers) is over, or close to, Lambda's size limits."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, PackageType, Severity
from lambdalint.resolve.sizes import UNZIPPED_LIMIT, ZIPPED_UPLOAD_LIMIT, estimate, mib

# The fixes when a package is over a limit, estimated here or measured by inspect.
OVER_UNZIPPED_FIX = "Ship it as a container image (up to 10 GiB), or drop dependencies."
OVER_UPLOAD_FIX = "Upload the package through S3, or move the dependencies into a layer."


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Compare the estimated zip with the 250 MiB unzipped and 50 MiB upload limits."""
    if facts.function.package_type is PackageType.IMAGE:
        return
    if facts.function.installs_requirements is False:
        return  # the estimate counts dependencies this packaging never ships
    size = estimate(facts)
    if size is None:
        return
    if size.unzipped > UNZIPPED_LIMIT:
        yield rule.finding(
            facts,
            facts.anchor,
            f"the package unzips to about {mib(size.unzipped)} (code {mib(size.code_unzipped)}, "
            f"dependencies {mib(size.deps_unzipped)}, layers {mib(size.layers_unzipped)}), over "
            f"Lambda's {mib(UNZIPPED_LIMIT)} limit: deploying fails",
            OVER_UNZIPPED_FIX,
        )
    elif size.zipped > ZIPPED_UPLOAD_LIMIT:
        yield rule.finding(
            facts,
            facts.anchor,
            f"the zip is about {mib(size.zipped)}, over the {mib(ZIPPED_UPLOAD_LIMIT)} limit "
            "for a direct upload",
            OVER_UPLOAD_FIX,
            Severity.WARNING,
        )


RULE = Rule(
    slug="size-limit",
    code="LL403",
    severity=Severity.ERROR,
    summary="Zipped or unzipped package size, with layers, over Lambda's limits.",
    check=check,
)
