"""Template code that is not a local folder, and layers: S3 objects a build script may write.

A function or layer whose ``Code``/``CodeUri``/``Content`` is an S3 object cannot be read from
the template; a build script in the repository that zips a file of the object's name says
what it holds (``script_zips.py``). Until then it waits as an ``Artifact``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

from lambdalint.diagnostics import parse_error
from lambdalint.discover.base import Artifact, Discovery
from lambdalint.discover.cfn_yaml import UNREAD_FIX, Template, mapping
from lambdalint.model import Finding, Function, Layer, Location, Severity

SAM_LAYER = "AWS::Serverless::LayerVersion"
_PLACEHOLDER = re.compile(r"\$\{([\w:.]+)\}")


def s3_key(tpl: Template, code: object) -> str | None:
    """The file name of S3 code (``s3://b/k``, ``{S3Bucket, S3Key}``, ``{Bucket, Key}``)."""
    if isinstance(code, str):
        key = code.removeprefix("s3://").partition("/")[2] if code.startswith("s3://") else None
    else:
        raw = mapping(code).get("S3Key", mapping(code).get("Key"))
        key = tpl.literal(raw) or sub_text(tpl, raw)
    name = PurePosixPath(key).name if key else ""
    return name if name and "${" not in name else None


def sub_text(tpl: Template, value: object) -> str | None:
    """``Fn::Sub`` text with ``${Name}`` from its own variables or parameter defaults."""
    arg = mapping(value).get("Fn::Sub")
    text, names = arg, {}
    if isinstance(arg, list) and len(arg) == 2:  # noqa: PLR2004 - [text, variables]
        text, names = arg[0], mapping(arg[1])
    if not isinstance(text, str):
        return None

    def one(match: re.Match[str]) -> str:
        found = tpl.literal(names.get(match[1], {"Ref": match[1]}))
        return match[0] if found is None else found

    return _PLACEHOLDER.sub(one, text)


def s3_function(function: Function, key: str, where: Location | None) -> Discovery:
    """A function whose code is the S3 object ``key``, waiting for the script that zips it."""
    message = f"{function.name}: code is in S3 ({key}) and no build script here writes it"
    warning = _warning(where or Location(key), f"{message}; not analysed", function.name)
    return Discovery(artifacts=(Artifact(key, None, warning, function=function),))


def _warning(where: Location, message: str, name: str | None) -> Finding:
    return parse_error(where, message, UNREAD_FIX, function=name, severity=Severity.WARNING)


def layer(tpl: Template, logical_id: str, resource: dict[str, Any]) -> Discovery:
    """A ``LayerVersion``: its folder, or the S3 object a build script may write."""
    props = mapping(resource.get("Properties"))
    key = "ContentUri" if resource["Type"] == SAM_LAYER else "Content"
    name = tpl.literal(props.get("LayerName")) or logical_id
    content, where = props.get(key), tpl.where(props, key)
    build = mapping(resource.get("Metadata")).get("BuildMethod")
    python_build = isinstance(build, str) and build.startswith("python")
    found = Layer(
        key=logical_id,
        name=name,
        content_dir=None,
        builds_requirements=python_build,
        source=tpl.where(tpl.resources, logical_id),
        copies_content=python_build,  # sam build copies ContentUri into python/, then installs
        zipped_as_is=build is None,
    )
    if isinstance(content, str) and not content.startswith("s3://"):
        folder = tpl.local_dir(content, where, name)
        if folder is None:
            return Discovery(layers=(found,))
        requirements = folder / "requirements.txt"
        found = replace(
            found,
            content_dir=folder,
            requirements_file=requirements if requirements.is_file() else None,
        )
        return Discovery(layers=(found,), claimed=frozenset({folder}))
    s3 = s3_key(tpl, content)
    if s3 is None:
        tpl.warn(where, f"layer {name}: content is in S3 or not a literal path; not analysed")
        return Discovery(layers=(found,))
    message = f"layer {name}: content is in S3 ({s3}) and no build script here writes it"
    warning = _warning(where, f"{message}; not analysed", None)
    return Discovery(artifacts=(Artifact(s3, None, warning, layer=found),))
