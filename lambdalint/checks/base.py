"""What every rule gets (facts computed once by earlier stages) and what a rule is."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from lambdalint.model import (
    Finding,
    Function,
    ImportRef,
    Location,
    Requirement,
    Severity,
    VendoredDist,
)
from lambdalint.read.imports import CodeScan
from lambdalint.resolve.mapping import ModuleMap
from lambdalint.resolve.resolution import Resolution
from lambdalint.resolve.target import Target
from lambdalint.runtime.model import Observation, Preinstalled, Runtime


@dataclass(frozen=True)
class FunctionFacts:
    """Everything known about one function; rules read this and nothing else."""

    function: Function
    path: str
    runtime: Runtime
    target: Target
    today: datetime.date
    requirements: tuple[Requirement, ...]
    requirement_files: tuple[str, ...]
    vendored: tuple[VendoredDist, ...]
    code: CodeScan
    modules: ModuleMap
    anchor: Location
    read_errors: tuple[Finding, ...] = ()
    unknown_layers: tuple[str, ...] = ()
    built_elsewhere: tuple[str, ...] = ()  # unknown layers of the repository itself (not ARNs)
    package_imports: tuple[ImportRef, ...] | None = None
    handler_missing: bool = False  # the handler module is not in the package: nothing loads
    resolution: Resolution | None = None

    @property
    def shipped_imports(self) -> tuple[ImportRef, ...]:
        """Imports of everything in the package, even code this handler never loads.

        A requirements file belongs to the folder: with several handlers in one package, a
        requirement is used if any of them imports it.
        """
        return self.code.imports if self.package_imports is None else self.package_imports

    @cached_property
    def installed_requirements(self) -> tuple[Requirement, ...]:
        """Requirements that apply on the target: not constraints, markers true for it."""
        return tuple(
            r for r in self.requirements if not r.constraint and self.target.applies(r.marker)
        )

    def shipped(self, normalized: str) -> Preinstalled | None:
        """The runtime's confirmed preinstalled distribution of that (normalized) name."""
        return next(
            (p for p in self.runtime.preinstalled if p.confirmed and p.normalized == normalized),
            None,
        )

    def observed(self, shipped: Preinstalled) -> Observation | None:
        """The newest dated observation of a preinstalled version on this architecture."""
        return shipped.latest(self.target.architecture)

    def third_party_imports(self) -> Iterator[ImportRef]:
        """Imports that are neither stdlib of the target nor the function's own modules."""
        for ref in self.code.imports:
            root = ref.root
            if root in self.code.local_modules or self.runtime.is_stdlib(root):
                continue
            yield ref


CheckFn = Callable[["Rule", FunctionFacts], Iterable[Finding]]


@dataclass(frozen=True)
class RuleInfo:
    """What every rule is, whatever it checks: stable slug and code, severity, summary."""

    slug: str
    code: str
    severity: Severity
    summary: str

    def build(
        self,
        location: Location,
        message: str,
        fix: str,
        function: str | None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule (its default severity unless one is given)."""
        return Finding(
            rule=self.slug,
            code=self.code,
            severity=severity or self.severity,
            message=message,
            fix=fix,
            location=location,
            function=function,
        )


@dataclass(frozen=True)
class Rule(RuleInfo):
    """A registered source check: the metadata and the function to run over FunctionFacts."""

    check: CheckFn

    def run(self, facts: FunctionFacts) -> list[Finding]:
        """The findings of this rule for one function."""
        return list(self.check(self, facts))

    def finding(
        self,
        facts: FunctionFacts,
        location: Location,
        message: str,
        fix: str,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule about ``facts.function``."""
        return self.build(location, message, fix, facts.function.name, severity)
