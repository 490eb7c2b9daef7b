"""handler-not-found: the configured handler module or function does not exist in the package."""

from __future__ import annotations

from collections.abc import Iterator

from lambdalint.checks.base import FunctionFacts, Rule
from lambdalint.model import Finding, Severity


def check(rule: Rule, facts: FunctionFacts) -> Iterator[Finding]:
    """Check ``module.function`` against the modules and top-level names the code defines."""
    function = facts.function
    key = function.handler_module()
    if not function.handler_known or not function.handler or key is None:
        return
    written, _, name = function.handler.rpartition(".")
    module = written.replace("/", ".")
    file = _file_of(written)
    defined = facts.code.definitions.get(key)
    if function.missing_code is not None:
        yield rule.finding(
            facts,
            facts.anchor,
            f"the package is built from {function.missing_code}, which does not exist, so it "
            f"cannot hold handler '{function.handler}'; the deploy fails or Lambda fails with "
            "Runtime.ImportModuleError",
            "Point the packaging at the code: a relative path starts where the deploy tool runs "
            "(in Terraform, prefix it with ${path.module}).",
        )
    elif defined is None:
        yield rule.finding(
            facts,
            facts.anchor,
            f"handler '{function.handler}' names module '{written}', but the package has no "
            f"{file} at its root; Lambda fails with Runtime.ImportModuleError",
            "Point the handler at a module that exists at the root of the deployed package"
            + (
                " (a handler names a module, not a file: no leading ./ and no .py)."
                if written.startswith("./") or written.endswith(".py")
                else "."
            ),
        )
    elif name not in defined:
        yield rule.finding(
            facts,
            facts.anchor,
            f"handler '{function.handler}' names '{name}', which module '{module}' does not "
            "define at top level; Lambda fails with Runtime.HandlerNotFound",
            f"Define {name}(event, context) in {file} or fix the handler.",
        )


def _file_of(module: str) -> str:
    """The file a handler's module part names: ``pkg.app`` and ``pkg/app`` are ``pkg/app.py``."""
    if "/" in module:
        return module if module.endswith(".py") else f"{module}.py"
    return f"{module.replace('.', '/')}.py"


RULE = Rule(
    slug="handler-not-found",
    code="LL302",
    severity=Severity.ERROR,
    summary="Handler module or function missing from the deployed package.",
    check=check,
)
