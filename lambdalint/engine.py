"""Wires the stages: discover -> read -> runtime -> resolve -> rules -> recommend."""

from __future__ import annotations

import datetime
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from lambdalint.checks import FunctionFacts, Rule
from lambdalint.config import Config, ConfigError
from lambdalint.diagnostics import relative
from lambdalint.discover import discover
from lambdalint.discover.base import Discovery
from lambdalint.discover.convention import HANDLER_FILES
from lambdalint.model import Finding, Function, FunctionReport, Layer, Location, Report
from lambdalint.read.imports import CodeScan, scan_code, scan_inline
from lambdalint.read.layers import read_layer
from lambdalint.read.local_imports import closure
from lambdalint.read.requirements import (
    RequirementsResult,
    parse_requirements_file,
    read_requirements,
    with_named,
)
from lambdalint.read.vendored import VendoredScan, scan_vendored
from lambdalint.recommend import plan, shared_layers
from lambdalint.resolve.cache import Cache
from lambdalint.resolve.indexes import index_config
from lambdalint.resolve.managed_layers import layer_for_arn
from lambdalint.resolve.mapping import ModuleMap, published_contents
from lambdalint.resolve.resolver import Resolver
from lambdalint.resolve.target import Target
from lambdalint.rule_selection import selected_artifact_rules, selected_rules
from lambdalint.runtime.model import (
    Runtime,
    UnknownRuntimeError,
    default_runtime_name,
    load_runtime,
    set_overlay,
)
from lambdalint.suppress import unsuppressed

if TYPE_CHECKING:
    from lambdalint.changes import Scope

_HANDLER_NAMES = ("lambda_handler", "handler", "main")


def find_root(paths: Sequence[Path]) -> Path:
    """The repository root that findings' paths are relative to (git top, else the cwd)."""
    first = paths[0].resolve()
    for folder in (first, *first.parents):
        if (folder / ".git").exists():
            return folder
    cwd = Path.cwd().resolve()
    return cwd if first.is_relative_to(cwd) else (first if first.is_dir() else first.parent)


def run(
    paths: Sequence[Path],
    config: Config,
    today: datetime.date | None = None,
    *,
    scope: Scope | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Scan ``paths`` and return every function's findings and plan.

    ``scope`` (changed files) keeps only the functions and loose findings those files touch;
    ``progress(done, total)`` is called after each function.
    """
    rules = selected_rules(config)
    overlay = set_overlay(Path(config.runtime_data) if config.runtime_data else None)
    _scan_code.cache_clear()  # files may have changed since a previous run in this process
    root, found = discover_functions(paths, config)
    functions = _named(list(found.functions), root)
    layers = {layer.key: layer for layer in found.layers}
    if scope is not None:
        functions = [fn for fn in functions if scope.touches(fn, root, layers)]
    notes: list[str] = [f"runtime data: {problem}" for problem in overlay]
    if config.runtime is None and any(f.runtime is None for f in functions):
        notes.append(f"no runtime given: assumed {default_runtime_name()} (use --runtime)")
    day = today or reference_date()
    resolver = Resolver(index_config(), Cache(offline=config.offline, refresh=config.refresh))
    reports = []
    for done, fn in enumerate(functions, 1):
        reports.append(analyse(fn, root, config, rules, day, layers=layers, resolver=resolver))
        if progress is not None:
            progress(done, len(functions))
    reports = shared_layers(reports)
    notes += resolver.notes  # a source a requirements file names that could not be reached
    if scope is not None and found.functions and not functions:
        notes.append("no function is touched by the given files or changes")
    elif not functions:
        notes.append("no Lambda function found (IaC, a handler file or a requirements file)")
    slugs = {rule.slug for rule in rules}
    loose = [
        f
        for f in unsuppressed(found.findings, root)
        if f.rule in slugs and (scope is None or scope.covers(f.location, root))
    ]
    return Report(
        functions=tuple(reports),
        findings=tuple(sorted(loose, key=Finding.sort_key)),
        notes=tuple(notes),
    )


def discover_functions(paths: Sequence[Path], config: Config) -> tuple[Path, Discovery]:
    """The repository root and everything discovery finds under ``paths``."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise ConfigError(f"path does not exist: {', '.join(missing)}")
    root = find_root(paths)
    return root, discover(paths, root, config.functions, config.exclude)


def reference_date() -> datetime.date:
    """Today, or ``LAMBDALINT_TODAY`` (ISO date) for reproducible reports and tests."""
    pinned = os.environ.get("LAMBDALINT_TODAY")
    if pinned:
        try:
            return datetime.date.fromisoformat(pinned)
        except ValueError as error:
            raise ConfigError(f"LAMBDALINT_TODAY must be an ISO date, not {pinned!r}") from error
    return datetime.datetime.now(tz=datetime.UTC).date()


def resolve_runtime(name: str) -> Runtime:
    """Load a runtime by name, turning an unknown name into a usage error."""
    try:
        return load_runtime(name)
    except UnknownRuntimeError as error:
        raise ConfigError(str(error)) from error


def _named(functions: list[Function], root: Path) -> list[Function]:
    """Functions whose names clash are named by their repo-relative folder (plus their name)."""
    counts = Counter(f.name for f in functions)
    renamed = [
        f if counts[f.name] == 1 else replace(f, name=relative(f.code_dir, root)) for f in functions
    ]
    again = Counter(f.name for f in renamed)  # several functions in one folder keep their names
    return [
        r if again[r.name] == 1 else replace(r, name=f"{r.name}:{f.name}")
        for f, r in zip(functions, renamed, strict=True)
    ]


def analyse(
    function: Function,
    root: Path,
    config: Config,
    rules: tuple[Rule, ...],
    today: datetime.date,
    *,
    layers: Mapping[str, Layer] | None = None,
    resolver: Resolver | None = None,
) -> FunctionReport:
    """Read one function, run the rules over its facts, and plan its packaging.

    A function with a known handler is judged by the files that handler imports, not by
    neighbours in its folder (other handlers, build-time scripts, an image's helpers).
    """
    runtime = resolve_runtime(config.runtime or function.runtime or default_runtime_name())
    arch = config.arch or function.architecture
    if arch not in runtime.architectures:
        raise ConfigError(
            f"{runtime.name} does not run on {arch} (only {', '.join(runtime.architectures)})"
        )
    path = relative(function.code_dir, root)
    if function.inline_code is not None and function.inline_origin is not None:
        # Code embedded in a template ships alone: no folder, requirements or vendored copies.
        vendored, requirements = VendoredScan((), ()), RequirementsResult()
        code = scan_inline(function.inline_code, function.inline_origin, runtime.python_version)
    else:
        vendored = scan_vendored(function.code_dir, root)
        requirements = (
            parse_requirements_file(function.requirements_file, root)
            if function.requirements_file
            else read_requirements(function.code_dir, root)
            if function.ships_declarations
            else RequirementsResult()
        )
        requirements = with_named(requirements, function.named_requirements, root)
        code = _scan_code(
            function.code_dir, root, runtime.python_version, vendored.modules, function.copied_code
        )
    package_imports = code.imports
    entry = _handler_file(function, code)
    if entry == "":  # the handler module is missing: nothing of the package is imported
        code = code.only(set())
    elif entry is not None:  # Lambda loads the handler and what it imports, nothing else
        code = code.only(closure(entry, code.edges))
    known = layers or {}
    contents = tuple(
        read_layer(known[key], root, runtime.python_version)
        for key in function.layers
        if key in known
    ) + tuple(published_contents(k, ml) for k in function.layers if (ml := layer_for_arn(k)))
    target = Target(runtime.python_version, arch)
    lock_file = function.code_dir / "pylock.toml"
    resolution = (
        resolver.resolve(
            requirements.requirements,
            target,
            runtime.glibc,
            lock_file if lock_file.is_file() else None,
            requirements.index_options,
        )
        if resolver and function.inline_code is None
        else None
    )
    layer_resolutions = {  # a layer's requirements are installed for the same target
        c.layer.key: resolver.resolve(c.requirements, target, runtime.glibc)
        for c in contents
        if resolver and c.requirements
    }
    function = replace(function, runtime=runtime.name, architecture=arch)
    if function.handler is None:
        function = replace(function, handler=_infer_handler(code.definitions))
    unknown = tuple(key for key in function.layers if key not in known and not layer_for_arn(key))
    facts = FunctionFacts(
        function=function,
        path=path,
        runtime=runtime,
        target=target,
        today=today,
        requirements=requirements.requirements,
        requirement_files=requirements.files,
        vendored=vendored.dists,
        code=code,
        modules=ModuleMap(
            runtime,
            vendored.dists,
            requirements.requirements,
            contents,
            resolution,
            layer_resolutions=layer_resolutions,
        ),
        anchor=function.source or Location(path),
        read_errors=(
            *vendored.findings,
            *requirements.findings,
            *code.findings,
            *(f for c in contents for f in c.findings),
        ),
        unknown_layers=unknown,
        built_elsewhere=tuple(key for key in unknown if not key.startswith("arn:")),
        package_imports=package_imports,
        handler_missing=entry == "",
        resolution=resolution,
    )
    findings = [f for rule in rules for f in rule.run(facts)]
    if zips := [(c.layer, c.archive) for c in contents if c.archive is not None]:
        from lambdalint.inspect.layer_zip import layer_zip_findings  # noqa: PLC0415 - rare

        chosen = selected_artifact_rules(config)
        findings += layer_zip_findings(zips, chosen, runtime, arch, function.name)
    kept = sorted(unsuppressed(findings, root), key=Finding.sort_key)
    return FunctionReport(function=function, path=path, findings=tuple(kept), plan=plan(facts))


@lru_cache(maxsize=256)
def _scan_code(
    code_dir: Path,
    root: Path,
    python: tuple[int, int],
    skip: frozenset[str],
    copied: tuple[tuple[Path, str], ...] = (),
) -> CodeScan:
    """Functions sharing a folder (a serverless service) read it once per run."""
    return scan_code(code_dir, root, python, skip=skip, copied=copied)


def _handler_file(function: Function, code: CodeScan) -> str | None:
    """The file the known handler loads first; "" when the package has no such module."""
    module = function.handler_module()
    if not function.handler_known or module is None:
        return None
    file = code.module_files.get(module)
    if module in code.definitions or any(f.location.file == file for f in code.findings):
        return file  # defined, or unreadable (parse-error says so, not handler-not-found)
    return ""


def _infer_handler(definitions: Mapping[str, frozenset[str]]) -> str | None:
    """A conventional handler the code defines, shown to the user but never checked."""
    for file_name in HANDLER_FILES:
        module = file_name.removesuffix(".py")
        for name in _HANDLER_NAMES:
            if name in definitions.get(module, frozenset()):
                return f"{module}.{name}"
    return None
