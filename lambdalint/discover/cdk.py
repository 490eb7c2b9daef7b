"""CDK apps: the synthesized templates in ``cdk.out`` when present, else a static read of the app.

A synthesized ``AWS::Lambda::Function`` names its code in ``Metadata["aws:asset:path"]``: a copy
of the source made at synth time (``cdk.out/asset.<hash>``). When the app's own code tells which
source folder was copied (the construct id, or identical Python files), the source folder is
analysed and the asset noted. A bundled asset (``aws:asset:is-bundled``, e.g. ``PythonFunction``)
already holds the installed requirements; ``Code.from_asset`` ships the folder as it is.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from lambdalint.diagnostics import relative
from lambdalint.discover.base import Discovery
from lambdalint.discover.cdk_app import entry, read_app
from lambdalint.discover.cdk_ts import read_ts_app
from lambdalint.discover.cfn_yaml import Template, as_int, as_list, mapping, read_template
from lambdalint.discover.docker import read_dockerfile
from lambdalint.discover.sam import CFN_FUNCTION, CFN_LAYER, layer_refs
from lambdalint.model import Finding, Function, Layer, PackageType

# Handlers CDK itself adds (custom resources, log retention, bucket notifications, providers).
_INTERNAL = (
    "Custom::",
    "LogRetention",
    "AWS679f53fac002430cb0da5b7982bd2287",
    "BucketNotificationsHandler",
    "framework-",
)
_ARCHES = frozenset({"x86_64", "arm64"})


def wants(path: Path) -> bool:
    """Synthesized ``cdk.out/*.template.json``, and ``cdk.json``/``app.py`` of a CDK app."""
    name = path.name
    if name.endswith(".template.json"):
        return "cdk.out" in path.parts
    return name == "cdk.json" or (name == "app.py" and (path.parent / "cdk.json").is_file())


def discover(files: Sequence[Path], root: Path) -> Discovery:
    """Functions and layers of every CDK app ``files`` belong to."""
    apps: dict[Path, list[Path]] = {}
    for path in files:
        if path.name.endswith(".template.json"):
            apps.setdefault(_app_dir(path), []).append(path)
        else:
            apps.setdefault(path.parent, [])
    result = Discovery()
    for app_dir, templates in sorted(apps.items()):
        static = _static(app_dir, root) if (app_dir / "cdk.json").is_file() else Discovery()
        result += _synthesized(sorted(templates), static, root) if templates else static
    return result


def _static(app_dir: Path, root: Path) -> Discovery:
    """The static read of the app's source: Python, or TypeScript/JavaScript."""
    script = entry(app_dir)
    return read_app(app_dir, root) if script.suffix == ".py" else read_ts_app(app_dir, script, root)


def _app_dir(template: Path) -> Path:
    """The folder holding ``cdk.out`` (where ``cdk synth`` ran)."""
    return next((p.parent for p in template.parents if p.name == "cdk.out"), template.parent)


def _synthesized(templates: list[Path], static: Discovery, root: Path) -> Discovery:
    """Read the templates; the static read only maps assets back to their source folders."""
    result = Discovery()
    for path in templates:
        loaded = read_template(path, root)
        if isinstance(loaded, Finding):
            result += Discovery(findings=(loaded,))
            continue
        data, lines = loaded
        if not isinstance(data, dict):
            continue
        tpl = Template(path, root, data, lines)
        for logical_id, resource in tpl.resources.items():
            kind = mapping(resource).get("Type")
            if kind == CFN_FUNCTION:
                result += _function(tpl, str(logical_id), resource, static.functions)
            elif kind == CFN_LAYER:
                result += _layer(tpl, str(logical_id), resource, static.layers)
        result += Discovery(findings=tuple(tpl.found))
    return result


def _construct_id(metadata: dict[str, Any], logical_id: str) -> str | None:
    """``Stack/Orders/Resource`` → ``Orders``; None for CDK's own handlers."""
    parts = str(metadata.get("aws:cdk:path", "")).split("/")
    if any(part.startswith(_INTERNAL) for part in parts):
        return None
    return parts[-2] if len(parts) > 2 else logical_id  # noqa: PLR2004 - Stack/Id/Resource


def _function(
    tpl: Template, logical_id: str, resource: dict[str, Any], known: tuple[Function, ...]
) -> Discovery:
    props, metadata = mapping(resource.get("Properties")), mapping(resource.get("Metadata"))
    construct = _construct_id(metadata, logical_id)
    runtime = tpl.literal(props.get("Runtime"))
    if construct is None or (runtime is not None and not runtime.startswith("python")):
        return Discovery()
    name = tpl.literal(props.get("FunctionName")) or construct
    where = tpl.where(tpl.resources, logical_id)
    asset = metadata.get("aws:asset:path")
    if "ZipFile" in mapping(props.get("Code")) or not isinstance(asset, str):
        what = "inline code" if "ZipFile" in mapping(props.get("Code")) else "code outside cdk.out"
        tpl.warn(where, f"{name}: {what} is not analysed", name)
        return Discovery()
    asset_dir = tpl.local_dir(asset, where, name)
    if asset_dir is None:
        return Discovery()
    source = _source(construct, asset_dir, known)
    image = props.get("PackageType") == "Image"
    handler = tpl.literal(props.get("Handler"))
    facts = None
    if image:
        dockerfile = asset_dir / str(metadata.get("aws:asset:dockerfile-path") or "Dockerfile")
        args = {k: str(v) for k, v in mapping(metadata.get("aws:asset:docker-build-args")).items()}
        facts, _found = read_dockerfile(dockerfile, tpl.root, asset_dir, args)  # docker.py warns
        command = as_list(mapping(props.get("ImageConfig")).get("Command"))
        handler = command[0] if command and isinstance(command[0], str) else None
        installs = facts.installs_requirements if facts else None
        packaging = "cdk DockerImageFunction"
    elif metadata.get("aws:asset:is-bundled") is True:
        bundled = source is not None and "bundl" in source.packaging
        packaging = source.packaging if source and bundled else "cdk PythonFunction (bundled)"
        # The app's source folder says what the bundling installs (a lone Pipfile: nothing).
        installs = not (source and bundled and source.installs_requirements is False)
    else:
        packaging, installs = "cdk Code.fromAsset", False
    arches = [a for a in as_list(props.get("Architectures")) if a in _ARCHES]
    function = Function(
        name=name,
        code_dir=source.code_dir if source else asset_dir,
        discovered_by="cdk",
        handler=handler or (facts.handler if facts else None),
        handler_known=handler is not None or (facts is not None and facts.handler is not None),
        runtime=runtime or (facts.runtime if facts else None),
        architecture=arches[0] if arches else "x86_64",
        layers=layer_refs(tpl, as_list(props.get("Layers")), where, name),
        package_type=PackageType.IMAGE if image else PackageType.ZIP,
        packaging=packaging,
        installs_requirements=installs,
        installs_only=source.installs_only if source else None,
        requirements_file=source.requirements_file if source else None,
        source=source.source if source else where,
        packaging_source=(source.packaging_source or where) if source else None,
        memory_mb=as_int(props.get("MemorySize")),
        timeout_s=as_int(props.get("Timeout")),
        notes=(f"synthesized asset {relative(asset_dir, tpl.root)}",) if source else (),
    )
    if facts is not None:  # the Dockerfile's own facts: its FROM line, named installs
        same = handler in {None, facts.handler}
        function = replace(
            function,
            handler_file=facts.handler_file if same else None,
            named_requirements=facts.named,
            runtime_source=None if runtime else facts.location,
        )
    claimed = {asset_dir, function.code_dir}
    return Discovery(functions=(function,), claimed=frozenset(claimed))


def _layer(
    tpl: Template, logical_id: str, resource: dict[str, Any], known: tuple[Layer, ...]
) -> Discovery:
    metadata = mapping(resource.get("Metadata"))
    construct = _construct_id(metadata, logical_id) or logical_id
    where = tpl.where(tpl.resources, logical_id)
    asset = metadata.get("aws:asset:path")
    asset_dir = tpl.local_dir(asset, where, construct) if isinstance(asset, str) else None
    if not isinstance(asset, str):
        tpl.warn(where, f"layer {construct}: content outside cdk.out is not analysed")
    matches = [layer for layer in known if layer.key == construct]
    folder = matches[0].content_dir if len(matches) == 1 else None
    source = matches[0] if folder and folder.is_dir() else None  # else the synthesized copy
    layer = Layer(
        key=logical_id,
        name=construct,
        content_dir=source.content_dir if source else asset_dir,
        builds_requirements=source.builds_requirements if source else False,
        source=where,
        requirements_file=source.requirements_file if source else None,
    )
    claimed = {asset_dir, layer.content_dir} - {None}
    return Discovery(layers=(layer,), claimed=frozenset(p for p in claimed if p))


def _source(construct: str, asset_dir: Path, known: tuple[Function, ...]) -> Function | None:
    """The statically read function whose source folder ``asset_dir`` is a copy of."""
    counts = Counter(f.name for f in known)
    by_id = [f for f in known if f.name == construct and counts[construct] == 1]
    if by_id and by_id[0].code_dir.is_dir():
        return by_id[0]
    copy = _fingerprint(asset_dir)
    same = [f for f in known if copy and _fingerprint(f.code_dir) == copy]
    return same[0] if len(same) == 1 else None


def _fingerprint(folder: Path) -> str:
    """A digest of the folder's top-level Python files (names and bytes); empty if none."""
    digest = hashlib.sha256()
    try:
        files = sorted(p for p in folder.glob("*.py") if p.is_file())
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return ""
    return digest.hexdigest() if files else ""
