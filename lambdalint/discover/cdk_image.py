"""``DockerImageFunction`` in a CDK Python app: the image its Dockerfile builds, per build.

``DockerImageCode.from_image_asset(directory, file=..., build_args=..., cmd=...)`` names the
build context, the Dockerfile in it and the build args. A build arg the app computes (a
``for`` loop, a config object) is evaluated where ``cdk_expr`` can (a literal list, a folder
listing); otherwise its values are the ones whose ``COPY`` sources exist (``docker_args``).
Each value is a function of its own, read from the folder its handler file comes from.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from lambdalint.diagnostics import relative
from lambdalint.discover.base import Discovery, inside
from lambdalint.discover.cdk_expr import LAMBDA
from lambdalint.discover.docker import image_function, read_dockerfile
from lambdalint.discover.docker_args import MAX_VALUES, arg_values
from lambdalint.model import Function

if TYPE_CHECKING:
    from lambdalint.discover.cdk_app import AppModule

IMAGE_FUNCTION = LAMBDA + "DockerImageFunction"
_FROM_ASSET = frozenset(
    f"{LAMBDA}DockerImageCode.{method}" for method in ("from_image_asset", "fromImageAsset")
)
_ARCHES = {"ARM_64": "arm64", "X86_64": "x86_64"}


def image_functions(
    module: AppModule, call: ast.Call, kw: dict[str, ast.expr], name: str
) -> Discovery:
    """One Function per build of the image ``call`` deploys; a warning when it is not local."""
    code = module.resolve(kw.get("code"))
    kind = module.qualname(code.func) if isinstance(code, ast.Call) else None
    if not isinstance(code, ast.Call) or kind not in _FROM_ASSET:
        module.warn(call, f"{name}: the image is not built from a local folder; not analysed", name)
        return Discovery()
    given = {k.arg: k.value for k in code.keywords if k.arg}
    context = module.path_of(code.args[0] if code.args else given.get("directory"))
    files = module.strings(given["file"]) if "file" in given else ("Dockerfile",)
    if context is None or not context.is_dir() or not inside(context, module.root) or not files:
        where = relative(context, module.root) if context else "a non-literal path"
        problem = "is not a folder here" if files else "has a Dockerfile name that is not a literal"
        module.warn(call, f"{name}: image directory {where} {problem}", name)
        return Discovery()
    arch = module.qualname(module.resolve(kw.get("architecture"))) or ""
    base = Function(
        name=name,
        code_dir=context,
        discovered_by="cdk",
        architecture=_ARCHES.get(arch.rpartition(".")[2], "x86_64"),
        source=module.at(call),
        packaging_source=module.at(code),
    )
    command = module.resolve(given.get("cmd"))
    listed = command.elts if isinstance(command, ast.List | ast.Tuple) else []
    handler = module.string(listed[0]) if listed else None
    functions: list[Function] = []
    for file in files:
        dockerfile = context / file
        shared, _ = read_dockerfile(dockerfile, module.root, context)  # docker.py warns
        for args in _builds(module, dockerfile, context, given.get("build_args")):
            facts, _found = read_dockerfile(dockerfile, module.root, context, args)
            if facts is None:
                continue
            label = ",".join([*([file] if len(files) > 1 else []), *map("=".join, args.items())])
            function = image_function(
                replace(base, name=f"{name}[{label}]") if label else base,
                facts,
                "cdk DockerImageFunction",
                handler,
                architecture=base.architecture if arch else None,
                per_build=shared is None or facts.handler_file != shared.handler_file,
            )
            functions.append(function)
    claimed = {f.code_dir for f in functions} | {(context / f).resolve().parent for f in files}
    return Discovery(functions=tuple(functions), claimed=frozenset(claimed if functions else ()))


def _builds(
    module: AppModule, dockerfile: Path, context: Path, value: ast.expr | None
) -> list[dict[str, str]]:
    """The build-arg sets of each build: every combination of each arg's values."""
    given = module.resolve(value)
    if not isinstance(given, ast.Dict):
        return [{}]
    axes: dict[str, tuple[str, ...]] = {}
    for key_node, item in zip(given.keys, given.values, strict=True):
        key = module.string(key_node) if key_node else None
        if key is None:
            continue
        values = module.strings(item) or arg_values(dockerfile, context, key)
        if values:
            axes[key] = values
    combos = itertools.islice(itertools.product(*axes.values()), MAX_VALUES)
    return [dict(zip(axes, combo, strict=True)) for combo in combos] or [{}]
