"""Probing a live managed runtime: a throwaway function that reports what the runtime ships.

``PROBE_SOURCE`` is the handler (standard library only, runs on Python 3.8 and later);
``run_probe`` deploys it, invokes it once and always deletes it; ``manifest_from_probe`` turns
its answer into a dated manifest that ``lambdalint.runtime.manifest`` lays over the bundled data.
The probe reads no event data and one environment variable, ``AWS_EXECUTION_ENV``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
import zipfile
from pathlib import Path
from typing import Any

PROBE_FORMAT = 1
MANIFEST_FORMAT = 1
ARCHITECTURES = ("x86_64", "arm64")
_MACHINES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}
_RUNTIME = re.compile(r"^python3\.[0-9]+$")

PROBE_SOURCE = '''\
"""lambdalint runtime probe: the Python, platform and distributions this runtime provides.

Reads no event data, no credentials and one environment variable (AWS_EXECUTION_ENV).
"""
import os
import platform
import sys

try:
    from importlib import metadata
except ImportError:  # Python 3.7 and older
    metadata = None

PROBE_FORMAT = 1
_META_DIRS = (".dist-info", ".egg-info", ".data")
_MODULE_FILES = (".py", ".so", ".pyd")


def _modules(dist):
    names = [line.strip().split("/")[0] for line in (dist.read_text("top_level.txt") or "").split()]
    if not any(names):
        for path in dist.files or ():
            head = path.parts[0] if path.parts else ""
            if len(path.parts) > 1 and not head.endswith(_META_DIRS):
                names.append(head)
            elif len(path.parts) == 1 and head.endswith(_MODULE_FILES):
                names.append(head.split(".")[0])
    return sorted({n for n in names if n.isidentifier() and n != "__pycache__"})


def _location(dist):
    path = getattr(dist, "_path", None)
    return None if path is None else str(path.parent)


def _distributions():
    found = []
    for dist in metadata.distributions() if metadata is not None else ():
        name = dist.metadata.get("Name")
        if name:
            found.append(
                {
                    "name": name,
                    "version": dist.version,
                    "modules": _modules(dist),
                    "location": _location(dist),
                }
            )
    return sorted(found, key=lambda d: (d["name"].lower(), d["location"] or ""))


def _glibc():
    try:
        confstr = os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, ValueError, OSError):
        confstr = None
    return {"confstr": confstr, "libc_ver": list(platform.libc_ver())}


def handler(event, context):
    return {
        "probe_format": PROBE_FORMAT,
        "python": list(sys.version_info),
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "glibc": _glibc(),
        "sys_path": list(sys.path),
        "aws_execution_env": os.environ.get("AWS_EXECUTION_ENV"),
        "distributions": _distributions(),
    }
'''


class ManifestError(ValueError):
    """A probe answer or manifest that is malformed or contradicts its target; says where."""


class ProbeError(RuntimeError):
    """The probe could not run, failed, or answered something lambdalint cannot read."""


class ProbeNotConfirmedError(ProbeError):
    """``run_probe`` was called without ``confirm=True``; nothing was created."""


def probe_zip() -> bytes:
    """The deployment package: ``index.py`` holding ``PROBE_SOURCE``, byte-for-byte stable."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("index.py", date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, PROBE_SOURCE)
    return buffer.getvalue()


def probe_function_name(runtime: str, architecture: str) -> str:
    """A unique function name (no dots allowed: ``python3.12`` becomes ``python312``)."""
    return f"lambdalint-probe-{runtime.replace('.', '')}-{architecture}-{secrets.token_hex(4)}"


def _check_target(runtime: str, architecture: str) -> None:
    if not _RUNTIME.match(runtime):
        raise ValueError(f"not a managed Python runtime name: {runtime!r} (e.g. python3.12)")
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}: use one of {ARCHITECTURES}")


def run_probe(
    lambda_client: Any,  # noqa: ANN401 - a boto3 Lambda client; boto3 ships no type stubs
    iam_role_arn: str,
    runtime: str,
    architecture: str,
    *,
    confirm: bool,
) -> dict[str, Any]:
    """Create the probe function, wait until Active, invoke it once, always delete it.

    This creates a real (tiny, short-lived) function in the client's account and Region, so it
    refuses unless ``confirm`` is True. The answer gains ``region`` from the client.
    """
    _check_target(runtime, architecture)
    if not confirm:
        raise ProbeNotConfirmedError(
            f"probing {runtime} ({architecture}) creates, invokes and deletes a Lambda function "
            "in your AWS account; pass confirm=True (on the command line: --yes) to go ahead"
        )
    name = probe_function_name(runtime, architecture)
    created = False
    try:
        lambda_client.create_function(
            FunctionName=name,
            Runtime=runtime,
            Role=iam_role_arn,
            Handler="index.handler",
            Code={"ZipFile": probe_zip()},
            Architectures=[architecture],
            Timeout=30,
            MemorySize=256,
            Description="lambdalint runtime probe; deleted right after one invocation",
        )
        created = True
        waiter = lambda_client.get_waiter("function_active_v2")
        waiter.wait(FunctionName=name, WaiterConfig={"Delay": 2, "MaxAttempts": 90})
        response = lambda_client.invoke(FunctionName=name, Payload=b"{}")
        payload = response["Payload"].read()
        if response.get("FunctionError"):
            raise ProbeError(f"the probe function failed: {payload[:500]!r}")
        answer = _parse_answer(payload)
    finally:
        _delete(lambda_client, name, created=created)
    answer["region"] = getattr(getattr(lambda_client, "meta", None), "region_name", None)
    return answer


def _delete(lambda_client: Any, name: str, *, created: bool) -> None:  # noqa: ANN401 - boto3
    try:
        lambda_client.delete_function(FunctionName=name)
    except Exception as error:
        if not created:
            return  # create failed: most likely there is nothing to delete
        raise ProbeError(
            f"could not delete the probe function {name}; delete it by hand: {error}"
        ) from error


def _parse_answer(payload: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(payload)
    except ValueError as error:
        message = f"the probe answered something that is not JSON: {payload[:200]!r}"
        raise ProbeError(message) from error
    if not isinstance(answer, dict) or answer.get("probe_format") != PROBE_FORMAT:
        raise ProbeError(f"the probe answered an unknown format: {payload[:200]!r}")
    return answer


def probe_source_id(runtime: str, architecture: str, observed_on: dt.date) -> str:
    """The default source id of a probe, valid in the runtime data: ``probe-python3.12-arm64-…``."""
    return f"probe-{runtime}-{architecture.replace('_', '-')}-{observed_on.isoformat()}"


def _glibc(raw: Any) -> str | None:  # noqa: ANN401 - untrusted JSON
    texts = [raw.get("confstr"), *(raw.get("libc_ver") or ())[1:]] if isinstance(raw, dict) else []
    for text in texts:
        found = re.search(r"([0-9]+)\.([0-9]+)", text) if isinstance(text, str) else None
        if found:
            return f"{found[1]}.{found[2]}"
    return None


def _absolute_unique(paths: Any) -> list[str]:  # noqa: ANN401 - untrusted JSON
    seen: list[str] = []
    for path in paths if isinstance(paths, list) else ():
        if isinstance(path, str) and path.startswith("/") and path.rstrip("/") not in seen:
            seen.append(path.rstrip("/") or "/")
    return seen


def manifest_from_probe(
    answer: dict[str, Any],
    *,
    runtime: str,
    architecture: str,
    observed_on: dt.date,
    source: str,
) -> dict[str, Any]:
    """Turn a probe answer into a dated manifest; ManifestError if it contradicts the target."""
    _check_target(runtime, architecture)
    version = answer.get("python")
    if not (isinstance(version, list) and len(version) >= 3):  # noqa: PLR2004 - major.minor.micro
        raise ManifestError("probe answer has no python version")
    python = ".".join(str(part) for part in version[:3])
    if f"python{version[0]}.{version[1]}" != runtime:
        raise ManifestError(f"probe answer is Python {python}, not {runtime}")
    machine = _MACHINES.get(str(answer.get("machine")))
    if machine != architecture:
        raise ManifestError(f"probe answer is from {answer.get('machine')!r}, not {architecture}")
    dists = answer.get("distributions")
    if not isinstance(dists, list):
        raise ManifestError("probe answer has no distributions list")
    preinstalled = [
        {
            "name": str(d["name"]),
            "version": str(d["version"]),
            "modules": [m for m in d.get("modules", ()) if isinstance(m, str) and m.isidentifier()],
            "location": d.get("location") if isinstance(d.get("location"), str) else None,
        }
        for d in dists
        if isinstance(d, dict) and d.get("name") and d.get("version")
    ]
    return {
        "manifest_format": MANIFEST_FORMAT,
        "runtime": runtime,
        "architecture": architecture,
        "python": python,
        "glibc": _glibc(answer.get("glibc")),
        "sys_path": _absolute_unique(answer.get("sys_path")),
        "execution_env": answer.get("aws_execution_env"),
        "region": answer.get("region"),
        "preinstalled": sorted(
            preinstalled, key=lambda d: (d["name"].lower(), d["location"] or "")
        ),
        "observed_on": observed_on.isoformat(),
        "source": source,
    }


def write_manifest(manifest: dict[str, Any], directory: Path) -> Path:
    """Write ``manifest`` as ``<directory>/<source id>.json`` (the ``--runtime-data`` layout)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{manifest['source']}.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path
