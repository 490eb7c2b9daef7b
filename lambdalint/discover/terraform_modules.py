"""The module instances Terraform would create from the folders of a repository.

A folder no other folder calls is a root module. Each local ``module`` call (``source =
"./x"``) makes an instance of the called folder whose variables are the call's arguments,
evaluated in the caller's scope, so a child module is read once per call, with its inputs.
A folder only reached through a cycle is read on its own, as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from lambdalint.discover.terraform_eval import Scope, Unresolved
from lambdalint.discover.terraform_hcl import Block, Module

_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
_MAX_DEPTH = 8  # deeper local module nesting is read standalone


@dataclass(frozen=True, slots=True)
class Instance:
    """One module instance: the folder's blocks and the scope they are evaluated in."""

    module: Module
    scope: Scope


def instances(modules: Mapping[Path, Module]) -> Iterator[Instance]:
    """Every instance: each root module, then (depth first) the instances of its calls."""
    called = {target for module in modules.values() for _, target in _calls(module, modules)}
    reached: set[Path] = set()
    for folder in sorted(modules):
        if folder not in called:
            yield from _instantiate(modules, modules[folder], modules[folder].scope, (), reached)
    for folder in sorted(set(modules) - reached):
        yield Instance(modules[folder], modules[folder].scope)


def _instantiate(
    modules: Mapping[Path, Module],
    module: Module,
    scope: Scope,
    chain: tuple[Path, ...],
    reached: set[Path],
) -> Iterator[Instance]:
    reached.add(module.folder)
    chain = (*chain, module.folder)
    for block, target in _calls(module, modules):
        if target in chain or len(chain) >= _MAX_DEPTH:
            continue
        arguments = {k: v for k, v in block.body.items() if k not in _META}
        child = replace(
            modules[target].scope, inputs=arguments, caller=scope, children={}, _active=set()
        )
        scope.children[block.labels[0]] = child
        yield from _instantiate(modules, modules[target], child, chain, reached)
    yield Instance(module, scope)


def _calls(module: Module, modules: Mapping[Path, Module]) -> Iterator[tuple[Block, Path]]:
    """The ``module`` blocks of ``module`` whose source is a folder among ``modules``."""
    for block in module.blocks:
        if block.kind != "module" or not block.labels:
            continue
        try:
            source = module.scope.text(block.body.get("source"))
        except Unresolved:
            continue
        if source.startswith(("./", "../")):
            target = Path(os.path.normpath(module.folder / source))
            if target in modules:
                yield block, target
