"""Functions and layers declared in SAM and plain CloudFormation templates (YAML or JSON).

``sam build`` installs a function's ``requirements.txt`` (and a layer's, with a ``BuildMethod``)
and never a Pipfile or a Poetry project; ``aws cloudformation package`` zips a local folder as
it is. S3 code is read from the build script that zips it, if one does (``sam_code.py``).
``cdk.out`` belongs to ``cdk.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lambdalint.diagnostics import locate, relative
from lambdalint.discover import sam_code
from lambdalint.discover.base import Discovery
from lambdalint.discover.cfn_yaml import Template, as_int, as_list, mapping, read_template
from lambdalint.discover.docker import DockerfileFacts, read_dockerfile
from lambdalint.discover.manifests import sam_build
from lambdalint.discover.sam_code import SAM_LAYER, s3_function, s3_key
from lambdalint.model import Finding, Function, Location, PackageType

SNIFF_BYTES = 64 * 1024
SAM_FUNCTION, CFN_FUNCTION = "AWS::Serverless::Function", "AWS::Lambda::Function"
CFN_LAYER = "AWS::Lambda::LayerVersion"
_SUFFIXES = (".yaml", ".yml", ".json")
_SKIP_PARTS = frozenset({"cdk.out", ".aws-sam", "node_modules"})
_MARKERS = (b"AWSTemplateFormatVersion", b"AWS::Serverless")
# A template may omit AWSTemplateFormatVersion (it is optional): top-level Resources with a
# Lambda resource type is CloudFormation too.
_UNMARKED = re.compile(
    rb"^Resources:.*?\bAWS::Lambda::(?:Function|LayerVersion)\b", re.MULTILINE | re.DOTALL
)
_ARCHES = frozenset({"x86_64", "arm64"})
_REGION = re.compile(r"^arn:aws[\w-]*:lambda:[\w-]+:")


def wants(path: Path) -> bool:
    """A CloudFormation/SAM template by name, or a YAML/JSON file that declares itself one."""
    name = path.name.lower()
    if not name.endswith(_SUFFIXES) or _SKIP_PARTS.intersection(path.parts):
        return False
    if Path(name).stem == "template" or ".template." in name:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    return any(marker in head for marker in _MARKERS) or _UNMARKED.search(head) is not None


def discover(files: Sequence[Path], root: Path) -> Discovery:
    """Every Python function and layer the templates in ``files`` declare."""
    result = Discovery()
    for path in files:
        if not _SKIP_PARTS.intersection(Path(relative(path, root)).parts):
            result += read_template_resources(path, root)
    return result


def read_template_resources(path: Path, root: Path) -> Discovery:
    """Functions and layers of one template file."""
    loaded = read_template(path, root)
    if isinstance(loaded, Finding):
        return Discovery(findings=(loaded,))
    data, lines = loaded
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        return Discovery()
    tpl = Template(path, root, data, lines)
    result = Discovery()
    for logical_id, resource in tpl.resources.items():
        kind = mapping(resource).get("Type")
        if kind in {SAM_FUNCTION, CFN_FUNCTION}:
            result += _function(tpl, str(logical_id), resource)
        elif kind in {SAM_LAYER, CFN_LAYER}:
            result += sam_code.layer(tpl, str(logical_id), resource)
    return result + Discovery(findings=tuple(tpl.found))


@dataclass(frozen=True)
class _Resource:
    """A function resource with Globals applied, and where its keys are written."""

    tpl: Template
    logical_id: str
    props: dict[str, Any]
    own: dict[str, Any]
    metadata: dict[str, Any]
    serverless: bool
    name: str

    def where(self, key: str) -> Location:
        loc = self.tpl.where(self.own, key)
        return loc if loc.line is not None else self.tpl.where(self.tpl.resources, self.logical_id)


@dataclass(frozen=True)
class _Code:
    folder: Path
    packaging: str
    installs: bool | None
    notes: tuple[str, ...] = ()
    runtime: str | None = None
    handler: str | None = None
    architecture: str | None = None
    requirements_file: Path | None = None
    dockerfile_dir: Path | None = None
    where: Location | None = None
    inline: str | None = None
    installs_only: str | None = None
    image: DockerfileFacts | None = None
    s3_key: str | None = None  # the code is this S3 object, which a build script may write


def _function(tpl: Template, logical_id: str, resource: dict[str, Any]) -> Discovery:
    serverless = resource["Type"] == SAM_FUNCTION
    own = mapping(resource.get("Properties"))
    defaults = mapping(mapping(tpl.data.get("Globals")).get("Function")) if serverless else {}
    props = {**defaults, **own}
    props["Layers"] = as_list(defaults.get("Layers")) + as_list(own.get("Layers"))
    name = tpl.literal(props.get("FunctionName")) or logical_id
    metadata = mapping(resource.get("Metadata"))
    res = _Resource(tpl, logical_id, props, own, metadata, serverless, name)
    runtime = tpl.literal(props.get("Runtime"))
    if "Runtime" in props and runtime is None:
        tpl.warn(res.where("Runtime"), f"{name}: runtime is not a literal value", name)
    elif runtime is not None and not runtime.startswith("python"):
        return Discovery()  # not a Python function
    image = props.get("PackageType") == "Image"
    code = _image_code(res) if image else _s3_code(res) or _zip_code(res)
    if code is None:
        return Discovery()
    arches = [tpl.literal(a) for a in as_list(props.get("Architectures"))]
    function = Function(
        name=name,
        code_dir=code.folder,
        discovered_by="sam" if serverless or tpl.sam else "cloudformation",
        handler=tpl.literal(props.get("Handler")) or code.handler,
        handler_known=isinstance(props.get("Handler"), str) or code.handler is not None,
        runtime=runtime or code.runtime,
        architecture=next((a for a in arches if a in _ARCHES), code.architecture or "x86_64"),
        requirements_file=code.requirements_file,
        layers=layer_refs(tpl, props["Layers"], res.where("Layers"), name),
        package_type=PackageType.IMAGE if image else PackageType.ZIP,
        packaging=code.packaging,
        installs_requirements=code.installs,
        installs_only=code.installs_only,
        source=tpl.where(tpl.resources, logical_id),
        packaging_source=code.where,
        memory_mb=as_int(props.get("MemorySize")),
        timeout_s=as_int(props.get("Timeout")),
        notes=code.notes,
        inline_code=code.inline,
        inline_origin=code.where if code.inline is not None else None,
        handler_file=code.image.handler_file if code.image else None,
        named_requirements=code.image.named if code.image else (),
        runtime_source=code.image.location if code.image and not runtime else None,
    )
    if code.s3_key is not None:
        return s3_function(function, code.s3_key, code.where)
    claimed = () if code.packaging == "inline" else (code.folder, code.dockerfile_dir)
    return Discovery(functions=(function,), claimed=frozenset(p for p in claimed if p))


def _inline_code(res: _Resource, inline: object) -> _Code:
    """Source embedded in the template (``InlineCode`` / ``Code.ZipFile``), read where it sits."""
    tpl = res.tpl
    if res.serverless:
        key_line = res.where("InlineCode").line
    else:
        key_line = tpl.where(mapping(res.props.get("Code")), "ZipFile").line
    note = f"inline code at {relative(tpl.path, tpl.root)}:{key_line}"
    if not isinstance(inline, str):  # built with Fn::Sub / Fn::Join: not static text
        note += " (built by an intrinsic function; not analysed)"
        return _Code(tpl.folder.resolve(), "inline", installs=False, notes=(note,))
    # A block scalar (``ZipFile: |``) starts on the line after its key.
    start = locate(tpl.path, tpl.root, key_line + 1 if key_line else None)
    return _Code(
        tpl.folder.resolve(), "inline", installs=False, notes=(note,), where=start, inline=inline
    )


def _s3_code(res: _Resource) -> _Code | None:
    """Code that is an S3 object of a known name: a build script may write it."""
    key = "CodeUri" if res.serverless else "Code"
    s3 = s3_key(res.tpl, res.props.get(key))
    if s3 is None or "InlineCode" in res.props or "ZipFile" in mapping(res.props.get(key)):
        return None
    packaging = "sam S3 zip" if res.serverless or res.tpl.sam else "cloudformation S3 zip"
    return _Code(res.tpl.folder.resolve(), packaging, None, where=res.where(key), s3_key=s3)


def _zip_code(res: _Resource) -> _Code | None:
    tpl, name = res.tpl, res.name
    key = "CodeUri" if res.serverless else "Code"
    code = res.props.get(key)
    inline = res.props.get("InlineCode") if res.serverless else mapping(code).get("ZipFile")
    if inline is not None:
        return _inline_code(res, inline)
    notes: tuple[str, ...] = ()
    if code is None and res.serverless:
        code, notes = ".", ("no CodeUri: sam build uses the template's folder",)
    where = res.where(key)
    if not isinstance(code, str) or code.startswith("s3://"):
        tpl.warn(where, f"{name}: code is in S3 or not a literal path; not analysed", name)
        return None
    folder = tpl.local_dir(code, where, name)
    if folder is None:
        return None
    if res.metadata.get("BuildMethod") == "makefile":
        notes = (*notes, "BuildMethod makefile: the Makefile decides what is installed")
        return _Code(folder, "sam build (makefile)", None, notes, where=where)
    if res.serverless or tpl.sam:  # sam build also builds AWS::Lambda::Function code folders
        built = sam_build(folder)
        notes = (*notes, *built.notes)
        return _Code(
            folder,
            "sam build",
            built.installs,
            notes,
            where=where,
            installs_only=built.installs_only,
        )
    return _Code(folder, "cloudformation package", installs=False, notes=notes, where=where)


def _image_code(res: _Resource) -> _Code | None:
    context = res.metadata.get("DockerContext")
    if not isinstance(context, str):
        message = f"{res.name}: image is built elsewhere (no Metadata.DockerContext); not analysed"
        res.tpl.warn(res.where("PackageType"), message, res.name)
        return None
    folder = res.tpl.local_dir(context, res.where("PackageType"), res.name)
    if folder is None:
        return None
    dockerfile = folder / str(res.metadata.get("Dockerfile") or "Dockerfile")
    # docker.py reports the Dockerfile's findings
    facts, _found = read_dockerfile(dockerfile, res.tpl.root, folder)
    command = as_list(mapping(res.props.get("ImageConfig")).get("Command"))
    handler = command[0] if command and isinstance(command[0], str) else None
    if facts is None:
        return _Code(folder, "container image (sam build)", None, handler=handler)
    if handler not in {None, facts.handler}:  # the template's command names another module
        facts = replace(facts, handler_file=None)
    return _Code(
        facts.folder,
        "container image (sam build)",
        facts.installs_requirements,
        facts.notes,
        facts.runtime,
        handler or facts.handler,
        facts.architecture,
        next(iter(facts.requirements_files), None),
        dockerfile.parent.resolve(),
        image=facts,
    )


def layer_refs(tpl: Template, items: list[Any], where: Location, name: str) -> tuple[str, ...]:
    """Layer references: ARNs as written, logical ids for layers of this template."""
    found: list[str] = []
    for item in items:
        value = item
        if isinstance(item, dict) and len(item) == 1:
            ((kind, arg),) = item.items()
            if kind == "Ref" and isinstance(arg, str):
                value = arg if arg in tpl.resources else tpl.literal(item) or arg
            elif kind == "Fn::GetAtt" and isinstance(arg, list) and arg:
                value = arg[0] if arg[0] in tpl.resources else ".".join(map(str, arg))
            elif kind == "Fn::Sub":
                value = arg[0] if isinstance(arg, list) and arg else arg
            elif kind == "Fn::FindInMap":  # per-region copies of one layer count as that layer
                values = tpl.map_values(arg)
                same = {_REGION.sub("", v) for v in values}
                value = values[0] if len(same) == 1 else item
        if isinstance(value, str):
            found.append(value)
        else:
            tpl.warn(where, f"{name}: a layer reference could not be resolved", name)
    return tuple(found)
