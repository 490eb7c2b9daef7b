"""requirements-not-installed for layers: a layer zipped as it is never installs its file.

The rule itself lives in ``requirements_not_installed.py``; this is the part about the
repository layers a function attaches (SAM ``LayerVersion`` without a ``BuildMethod``).
"""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Requirement, Severity
from lambdalint.resolve.mapping import ProvidedBy


def layer_files(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """A layer zipped as it is ships its requirements file as a file: nothing installs it."""
    for contents in facts.modules.layer_contents:
        own = contents.modules | {m for d in contents.dists for m in d.modules}
        declared = [
            r
            for r in contents.uninstalled
            if r.direct
            and not r.constraint
            and facts.target.applies(r.marker)
            and not {m.split(".")[0] for m in facts.modules.modules_of(r)} & own
        ]
        if not declared:
            continue  # the layer holds what its file lists (committed ``pip install -t``)
        lacking = [r.name for r in declared if not _elsewhere(facts, r)]
        layer, files = contents.layer, ", ".join(dict.fromkeys(r.location.file for r in declared))
        said = f"layer {layer.name} is zipped as it is, so {files} is shipped, never installed"
        where = layer.source or declared[0].location
        if lacking:
            yield rule.finding(
                facts,
                where,
                f"{said}: {', '.join(lacking)} will not be in /opt/python, so importing it fails"
                " at run time",
                "Build the layer (SAM Metadata BuildMethod: python3.x) or install the "
                "requirements into its python/ folder before it is zipped.",
            )
        else:
            yield rule.finding(
                facts,
                where,
                f"{said}; {facts.function.name} gets what it lists elsewhere (its own "
                "requirements or the runtime)",
                "Nothing breaks for this function; build the layer (BuildMethod) or drop the "
                "file, so the layer does not rely on what each function installs.",
                Severity.INFO,
            )


def _elsewhere(facts: FunctionFacts, requirement: Requirement) -> bool:
    """The function gets ``requirement`` from its own package, the runtime or another layer."""
    installs = facts.function.installs_requirements is not False
    for module in facts.modules.modules_of(requirement):
        provider = facts.modules.provider(module)
        if provider is not None and (provider.kind is not ProvidedBy.REQUIREMENT or installs):
            return True
        if installs and facts.modules.transitive(module) is not None:
            return True
    return False
